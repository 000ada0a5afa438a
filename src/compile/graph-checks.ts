// The checks a document's graph must pass before its layers can be lowered: unique node ids,
// known layer kinds, parameters that parse, wires that join existing ports (one per input), and
// an order in which every wire runs forward. Each problem becomes a diagnostic on its node, and
// the checks carry on past it, so the editor can show every problem at once.
import type { DocNode, NetloomDocument } from '../document/schema.ts';
import type { Diagnostic } from '../util/errors.ts';
import type { AnyLayerDef } from '../layers/layer-def.ts';
import { portsOf } from '../layers/layer-def.ts';
import { layerDef } from '../layers/registry.ts';
import { clip, echo } from '../util/text.ts';

/** Where an input port's wire comes from. */
export interface WireSource {
  readonly edge: string;
  readonly node: string;
  readonly port: string;
}

export interface CheckedGraph {
  readonly nodesById: ReadonlyMap<string, DocNode>;
  /** The layer definition of every node whose kind is known. */
  readonly defs: ReadonlyMap<string, AnyLayerDef>;
  /** Parsed parameters (defaults filled in) of every node whose parameters parse. */
  readonly params: ReadonlyMap<string, Record<string, unknown>>;
  /** The wire into each input port, by `${node}:${port}`. */
  readonly incoming: ReadonlyMap<string, WireSource>;
  /** Nodes in an order where every wire goes forward. */
  readonly order: readonly string[];
  /** Nodes on a loop, left out of `order`. */
  readonly cyclic: readonly string[];
  readonly diagnostics: Diagnostic[];
}

function describeZodIssue(issue: { path: readonly PropertyKey[]; message: string }): {
  field: string;
  message: string;
} {
  const field = echo(issue.path.map(String).join('.'));
  return { field, message: `${field || 'parameters'}: ${clip(issue.message, 200)}` };
}

/** Orders nodes so every wire goes forward; nodes on a cycle are returned separately. */
function topoOrder(doc: NetloomDocument, known: ReadonlySet<string>): { order: string[]; cyclic: string[] } {
  const indeg = new Map<string, number>();
  const next = new Map<string, string[]>();
  for (const n of doc.nodes) {
    indeg.set(n.id, 0);
    next.set(n.id, []);
  }
  for (const e of doc.edges) {
    if (!known.has(e.source.node) || !known.has(e.target.node)) continue;
    indeg.set(e.target.node, (indeg.get(e.target.node) ?? 0) + 1);
    next.get(e.source.node)!.push(e.target.node);
  }
  // Ready nodes are taken in document order, so the result is stable.
  const queue = doc.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    order.push(id);
    for (const t of next.get(id)!) {
      const d = indeg.get(t)! - 1;
      indeg.set(t, d);
      if (d === 0) queue.push(t);
    }
  }
  const done = new Set(order);
  return { order, cyclic: doc.nodes.map((n) => n.id).filter((id) => !done.has(id)) };
}

export function checkGraph(doc: NetloomDocument): CheckedGraph {
  const diagnostics: Diagnostic[] = [];
  const nodesById = new Map<string, DocNode>();
  for (const n of doc.nodes) {
    if (nodesById.has(n.id)) {
      diagnostics.push({
        severity: 'error',
        code: 'duplicate-id',
        node: n.id,
        message: `Two nodes share the id "${echo(n.id)}"`,
      });
      continue;
    }
    nodesById.set(n.id, n);
  }
  const defs = new Map<string, AnyLayerDef>();
  for (const n of nodesById.values()) {
    const def = layerDef(n.kind);
    if (!def) {
      diagnostics.push({
        severity: 'error',
        code: 'unknown-kind',
        node: n.id,
        message: `Unknown layer kind "${echo(n.kind)}"`,
      });
    } else defs.set(n.id, def);
  }

  // Parse params first: ports may depend on them (e.g. Concat's input count).
  const params = new Map<string, Record<string, unknown>>();
  for (const [nid, def] of defs) {
    const parsed = def.params.safeParse(nodesById.get(nid)!.params);
    if (parsed.success) params.set(nid, parsed.data as Record<string, unknown>);
    else {
      for (const issue of parsed.error.issues) {
        const { field, message } = describeZodIssue(issue);
        diagnostics.push({ severity: 'error', code: 'bad-param', node: nid, field, message });
      }
    }
  }

  // Wire check: every edge joins an existing output port to an existing input port.
  const incoming = new Map<string, WireSource>();
  const validEdges: NetloomDocument['edges'] = [];
  for (const e of doc.edges) {
    const src = nodesById.get(e.source.node);
    const dst = nodesById.get(e.target.node);
    if (!src || !dst) {
      const missing = !src ? e.source.node : e.target.node;
      diagnostics.push({
        severity: 'error',
        code: 'dangling-edge',
        node: src ? src.id : dst?.id,
        message: `A wire (${echo(e.id)}) points at a node that does not exist: "${echo(missing)}"`,
      });
      continue;
    }
    const srcDef = defs.get(src.id);
    const dstDef = defs.get(dst.id);
    const srcParams = params.get(src.id);
    const dstParams = params.get(dst.id);
    if (srcDef && srcParams && !portsOf(srcDef.outputs, srcParams).some((p) => p.name === e.source.port)) {
      diagnostics.push({
        severity: 'error',
        code: 'unknown-port',
        node: src.id,
        port: e.source.port,
        message: `${srcDef.title} has no output "${echo(e.source.port)}"`,
      });
      continue;
    }
    if (dstDef && dstParams && !portsOf(dstDef.inputs, dstParams).some((p) => p.name === e.target.port)) {
      diagnostics.push({
        severity: 'error',
        code: 'unknown-port',
        node: dst.id,
        port: e.target.port,
        message: `${dstDef.title} has no input "${echo(e.target.port)}"`,
      });
      continue;
    }
    const key = `${dst.id}:${e.target.port}`;
    if (incoming.has(key)) {
      diagnostics.push({
        severity: 'error',
        code: 'multiple-wires',
        node: dst.id,
        port: e.target.port,
        message: `Input "${echo(e.target.port)}" has more than one wire; use Concat or Add to merge`,
      });
      continue;
    }
    incoming.set(key, { edge: e.id, node: src.id, port: e.source.port });
    validEdges.push(e);
  }

  const { order, cyclic } = topoOrder({ ...doc, edges: validEdges }, new Set(nodesById.keys()));
  for (const id of cyclic) {
    diagnostics.push({
      severity: 'error',
      code: 'cycle',
      node: id,
      message: 'This layer is on a loop: its output feeds back into its own input',
    });
  }
  return { nodesById, defs, params, incoming, order, cyclic, diagnostics };
}

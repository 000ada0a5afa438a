// Which layers can follow a given output: quick-add, opened by dropping a wire on empty canvas,
// offers only those. Each kind is tried by lowering the part of the graph that feeds the wire with
// the new layer added after it; a layer that still waits for another input (Add, Concat) is offered,
// since what fits there depends on the wire not yet drawn.
import { addNode, connect } from '../../src/document/edits.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { layerCatalogue } from '../../src/layers/registry.ts';
import { portsOf } from '../../src/layers/layer-def.ts';

export interface WireEnd {
  readonly node: string;
  readonly port: string;
}

/** The document cut down to `id` and every node it reads from. */
function feeding(doc: NetloomDocument, id: string): NetloomDocument {
  const keep = new Set([id]);
  const todo = [id];
  while (todo.length) {
    const t = todo.pop()!;
    for (const e of doc.edges)
      if (e.target.node === t && !keep.has(e.source.node)) {
        keep.add(e.source.node);
        todo.push(e.source.node);
      }
  }
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => keep.has(n.id)),
    edges: doc.edges.filter((e) => keep.has(e.source.node) && keep.has(e.target.node)),
  };
}

/** The first input port a new layer of `kind` is wired to. */
export function firstInput(kind: string): string | undefined {
  const def = layerCatalogue.find((d) => d.kind === kind);
  const p = def?.params.safeParse({});
  return def && p?.success ? portsOf(def.inputs, p.data as Record<string, unknown>)[0]?.name : undefined;
}

export function kindsThatFit(doc: NetloomDocument, from: WireEnd): Set<string> {
  const base = feeding(doc, from.node);
  const out = new Set<string>();
  for (const def of layerCatalogue) {
    const port = firstInput(def.kind);
    if (!port) continue;
    const added = addNode(base, def.kind, { x: 0, y: 0 });
    const id = added.nodes[added.nodes.length - 1]!.id;
    const wired = connect(added, from, { node: id, port });
    const problems = lowerDocument(wired).diagnostics.filter(
      (d) => d.node === id && d.severity === 'error' && !(d.code === 'unconnected-input' && d.port !== port),
    );
    if (problems.length === 0) out.add(def.kind);
  }
  return out;
}

/** The first output port of a document node, where quick-add wires a new layer after it. */
export function firstOutput(doc: NetloomDocument, id: string): WireEnd | undefined {
  const n = doc.nodes.find((x) => x.id === id);
  const def = n && layerCatalogue.find((d) => d.kind === n.kind);
  const p = def?.params.safeParse(n!.params);
  const port =
    def && p?.success ? portsOf(def.outputs, p.data as Record<string, unknown>)[0]?.name : undefined;
  return port ? { node: id, port } : undefined;
}

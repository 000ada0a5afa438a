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
function* topoOrder(
  doc: NetloomDocument,
  known: ReadonlySet<string>,
): Generator<void, { order: string[]; cyclic: string[] }> {
  const indeg = new Map<string, number>();
  const next = new Map<string, string[]>();
  for (let i = 0; i < doc.nodes.length; i++) {
    if (i % stepEvery === stepEvery - 1) yield;
    const n = doc.nodes[i]!;
    indeg.set(n.id, 0);
    next.set(n.id, []);
  }
  for (let i = 0; i < doc.edges.length; i++) {
    if (i % stepEvery === stepEvery - 1) yield;
    const e = doc.edges[i]!;
    if (!known.has(e.source.node) || !known.has(e.target.node)) continue;
    indeg.set(e.target.node, (indeg.get(e.target.node) ?? 0) + 1);
    next.get(e.source.node)!.push(e.target.node);
  }
  // Ready nodes are taken in document order, so the result is stable.
  const queue = doc.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    if (i % stepEvery === stepEvery - 1) yield;
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

/** A node's parameters as parsed for its layer (cached on the params object, see CheckCache). */
interface ParsedParams {
  readonly def: AnyLayerDef;
  readonly params: Record<string, unknown> | undefined;
  readonly issues: readonly { field: string; message: string }[];
  /** Port names in and out, or '' when the parameters do not parse: what the wire checks read. */
  readonly ports: string;
  /** The same names as sets (empty when the parameters do not parse). */
  readonly inputNames: ReadonlySet<string>;
  readonly outputNames: ReadonlySet<string>;
}

/**
 * What an editor keeps between checks of successive documents: parameters parsed per params
 * object (an edit makes a new one), and the last structure, reused while the ids, kinds, ports and
 * wires are the same, so a parameter edit or a drag does not re-check every wire.
 */
export interface CheckCache {
  readonly parsed: WeakMap<object, ParsedParams>;
  last?: { readonly doc: NetloomDocument; readonly parts: CheckParts; readonly checked: CheckedGraph };
  /** A check of `doc` under way in slices (checkGraphUntil). */
  pending?: { readonly doc: NetloomDocument; readonly steps: Generator<void, CheckedGraph> } | undefined;
}

export function checkCache(): CheckCache {
  return { parsed: new WeakMap() };
}

/** The diagnostics of a check in their parts, so a reused structure can be put together again. */
interface CheckParts {
  readonly duplicates: readonly Diagnostic[];
  readonly unknown: readonly Diagnostic[];
  readonly wires: readonly Diagnostic[];
  readonly cycles: readonly Diagnostic[];
}

function parseParams(def: AnyLayerDef, n: DocNode, cache: CheckCache | undefined): ParsedParams {
  const hit = cache?.parsed.get(n.params);
  if (hit && hit.def === def) return hit;
  const parsed = def.params.safeParse(n.params);
  const params = parsed.success ? (parsed.data as Record<string, unknown>) : undefined;
  const ins = params ? portsOf(def.inputs, params).map((p) => p.name) : [];
  const outs = params ? portsOf(def.outputs, params).map((p) => p.name) : [];
  const result: ParsedParams = {
    def,
    params,
    issues: parsed.success ? [] : parsed.error.issues.map(describeZodIssue),
    ports: params ? `${ins.join(',')}|${outs.join(',')}` : '',
    inputNames: new Set(ins),
    outputNames: new Set(outs),
  };
  cache?.parsed.set(n.params, result);
  return result;
}

/**
 * Parses the parameters of `doc`'s nodes into the cache, from node `from` on, until `deadline`
 * (a `performance.now()` time); returns where it stopped (`doc.nodes.length` when all are parsed)
 * and how many it parsed (the others were parsed before: an edit's document parses one or none).
 * An editor opening a 5,000-layer project parses them in slices this way, so that checking the
 * graph afterwards finds them parsed and is a short task. Given the document last `checked` with
 * the cache, only the nodes that are not its nodes are parsed (an edit's few).
 */
export function primeParams(
  doc: NetloomDocument,
  cache: CheckCache,
  from: number,
  deadline: number,
  checked?: NetloomDocument,
): { at: number; parsed: number } {
  // Nodes of `checked` (a document checked with this cache) at the same place are parsed already.
  const known = checked && checked.nodes.length === doc.nodes.length ? checked.nodes : undefined;
  let i = from;
  let parsed = 0;
  for (; i < doc.nodes.length; i++) {
    if (i > from && (i & 63) === 0 && performance.now() > deadline) break;
    const n = doc.nodes[i]!;
    if (known?.[i] === n) continue;
    const def = layerDef(n.kind);
    if (!def) continue;
    if (cache.parsed.get(n.params)?.def !== def) parsed++;
    parseParams(def, n, cache);
  }
  return { at: i, parsed };
}

/** True when the wire checks of `b` would find what they found for `a`. */
function sameStructure(a: NetloomDocument, b: NetloomDocument, cache: CheckCache): boolean {
  if (a.edges !== b.edges || a.nodes.length !== b.nodes.length) return false;
  for (let i = 0; i < a.nodes.length; i++) {
    const x = a.nodes[i]!;
    const y = b.nodes[i]!;
    if (x === y || (x.params === y.params && x.id === y.id && x.kind === y.kind)) continue;
    if (x.id !== y.id || x.kind !== y.kind) return false;
    const def = layerDef(y.kind);
    if (def && parseParams(def, x, cache).ports !== parseParams(def, y, cache).ports) return false;
  }
  return true;
}

/**
 * Checks the document's graph. With a cache (the editor's), parameters are parsed once per params
 * object and the wires are checked again only when the structure changed; the result is the same
 * as without one.
 */
export function checkGraph(doc: NetloomDocument, cache?: CheckCache): CheckedGraph {
  // The document checked last (an editor checked it ahead, in slices): the same result.
  if (cache?.last?.doc === doc) return cache.last.checked;
  const steps = checking(doc, cache);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Checks the document's graph as checkGraph does, from where the last call for the same document
 * stopped, until `deadline` (a `performance.now()` time): the result once the check is done
 * (also kept as the cache's last, so checkGraph(doc, cache) then returns it at once), undefined
 * when the deadline came first (call it again). An editor opening a 5,000-layer project checks it
 * this way, so that no single task checks every wire.
 */
export function checkGraphUntil(
  doc: NetloomDocument,
  cache: CheckCache,
  deadline: number,
): CheckedGraph | undefined {
  if (cache.last?.doc === doc) return cache.last.checked;
  if (cache.pending?.doc !== doc) cache.pending = { doc, steps: checking(doc, cache) };
  const { steps } = cache.pending;
  for (let first = true; ; first = false) {
    if (!first && performance.now() > deadline) return undefined;
    const r = steps.next();
    if (r.done) {
      cache.pending = undefined;
      return r.value;
    }
  }
}

/** How many nodes or wires each step of a sliced check takes on (a fraction of a ms each). */
const stepEvery = 256;

/** checkGraph's work, a step at a time (it yields between runs of `stepEvery` nodes or wires). */
function* checking(doc: NetloomDocument, cache: CheckCache | undefined): Generator<void, CheckedGraph> {
  const last = cache?.last;
  const patched = last && cache && patchCheck(last, doc, cache);
  if (patched) return patched;
  const reuse = last !== undefined && cache !== undefined && sameStructure(last.doc, doc, cache);
  const nodesById = new Map<string, DocNode>();
  const duplicates: Diagnostic[] = [];
  for (let i = 0; i < doc.nodes.length; i++) {
    if (i % stepEvery === stepEvery - 1) yield;
    const n = doc.nodes[i]!;
    if (nodesById.has(n.id)) {
      duplicates.push({
        severity: 'error',
        code: 'duplicate-id',
        node: n.id,
        message: `Two nodes share the id "${echo(n.id)}"`,
      });
      continue;
    }
    nodesById.set(n.id, n);
  }
  const defs = reuse ? last.checked.defs : new Map<string, AnyLayerDef>();
  const unknown: Diagnostic[] = [];
  if (!reuse) {
    let i = 0;
    for (const n of nodesById.values()) {
      if (i++ % stepEvery === stepEvery - 1) yield;
      const def = layerDef(n.kind);
      if (!def) {
        unknown.push({
          severity: 'error',
          code: 'unknown-kind',
          node: n.id,
          message: `Unknown layer kind "${echo(n.kind)}"`,
        });
      } else (defs as Map<string, AnyLayerDef>).set(n.id, def);
    }
  }

  // Parse params first: ports may depend on them (e.g. Concat's input count).
  const params = new Map<string, Record<string, unknown>>();
  const parsedById = new Map<string, ParsedParams>();
  const badParams: Diagnostic[] = [];
  let at = 0;
  for (const [nid, def] of defs) {
    if (at++ % stepEvery === stepEvery - 1) yield;
    const parsed = parseParams(def, nodesById.get(nid)!, cache);
    parsedById.set(nid, parsed);
    if (parsed.params) params.set(nid, parsed.params);
    for (const { field, message } of parsed.issues)
      badParams.push({ severity: 'error', code: 'bad-param', node: nid, field, message });
  }

  let parts: CheckParts;
  let incoming: ReadonlyMap<string, WireSource>;
  let order: readonly string[];
  let cyclic: readonly string[];
  if (reuse) {
    parts = { ...last.parts, duplicates };
    ({ incoming, order, cyclic } = last.checked);
  } else {
    const wired = yield* checkWires(doc, nodesById, parsedById);
    incoming = wired.incoming;
    ({ order, cyclic } = yield* topoOrder({ ...doc, edges: wired.validEdges }, new Set(nodesById.keys())));
    const cycles: Diagnostic[] = cyclic.map((id) => ({
      severity: 'error',
      code: 'cycle',
      node: id,
      message: 'This layer is on a loop: its output feeds back into its own input',
    }));
    parts = { duplicates, unknown, wires: wired.diagnostics, cycles };
  }
  const diagnostics = [...parts.duplicates, ...parts.unknown, ...badParams, ...parts.wires, ...parts.cycles];
  const checked: CheckedGraph = { nodesById, defs, params, incoming, order, cyclic, diagnostics };
  if (cache) cache.last = { doc, parts, checked };
  return checked;
}

/** How many changed nodes `patchCheck` takes; more go through the whole check. */
const patchLimit = 64;

/**
 * The check of an edit of a few nodes' fields (a parameter, a name; the same ids, kinds, ports and
 * wires, no parameter problems before or after): the last check with those nodes' entries
 * replaced. Undefined for any other change (the whole check handles it). What it finds equals the
 * whole check's; it looks at the changed nodes only, after one pass of identity comparisons, so
 * that an edit of a 5,000-layer graph does not parse or index 5,000 nodes again.
 */
function patchCheck(
  last: NonNullable<CheckCache['last']>,
  doc: NetloomDocument,
  cache: CheckCache,
): CheckedGraph | undefined {
  const before = last.doc;
  if (before.edges !== doc.edges || before.nodes.length !== doc.nodes.length) return undefined;
  // Duplicate ids: which node an id stands for depends on the order; the whole check decides.
  if (last.parts.duplicates.length) return undefined;
  const changed: number[] = [];
  for (let i = 0; i < doc.nodes.length; i++) {
    if (doc.nodes[i] === before.nodes[i]) continue;
    if (changed.length === patchLimit) return undefined;
    changed.push(i);
  }
  const was = last.checked;
  const updates: { node: DocNode; params: Record<string, unknown> | undefined }[] = [];
  for (const i of changed) {
    const x = before.nodes[i]!;
    const y = doc.nodes[i]!;
    if (x.id !== y.id || x.kind !== y.kind) return undefined;
    const def = was.defs.get(y.id);
    if (!def) {
      updates.push({ node: y, params: undefined });
      continue;
    }
    const old = parseParams(def, x, cache);
    const now = parseParams(def, y, cache);
    if (old.ports !== now.ports || old.issues.length || now.issues.length) return undefined;
    updates.push({ node: y, params: now.params });
  }
  if (updates.length === 0) {
    cache.last = { ...last, doc };
    return was;
  }
  const nodesById = new Map(was.nodesById);
  const params = new Map(was.params);
  for (const u of updates) {
    nodesById.set(u.node.id, u.node);
    if (u.params) params.set(u.node.id, u.params);
  }
  const checked: CheckedGraph = { ...was, nodesById, params };
  cache.last = { doc, parts: last.parts, checked };
  return checked;
}

/** Every edge joins an existing output port to an existing input port, one wire per input. */
function* checkWires(
  doc: NetloomDocument,
  nodesById: ReadonlyMap<string, DocNode>,
  parsedById: ReadonlyMap<string, ParsedParams>,
): Generator<
  void,
  { incoming: Map<string, WireSource>; validEdges: NetloomDocument['edges']; diagnostics: Diagnostic[] }
> {
  const diagnostics: Diagnostic[] = [];
  const incoming = new Map<string, WireSource>();
  const validEdges: NetloomDocument['edges'] = [];
  for (let i = 0; i < doc.edges.length; i++) {
    if (i % stepEvery === stepEvery - 1) yield;
    const e = doc.edges[i]!;
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
    // Ports are known where the kind is and its parameters parse.
    const srcParsed = parsedById.get(src.id);
    const dstParsed = parsedById.get(dst.id);
    const dstDef = dstParsed?.def;
    const dstParams = dstParsed?.params;
    if (srcParsed?.params && !srcParsed.outputNames.has(e.source.port)) {
      diagnostics.push({
        severity: 'error',
        code: 'unknown-port',
        node: src.id,
        port: e.source.port,
        message: `${srcParsed.def.title} has no output "${echo(e.source.port)}"`,
      });
      continue;
    }
    if (dstParsed?.params && !dstParsed.inputNames.has(e.target.port)) {
      diagnostics.push({
        severity: 'error',
        code: 'unknown-port',
        node: dst.id,
        port: e.target.port,
        message: `${dstParsed.def.title} has no input "${echo(e.target.port)}"`,
      });
      continue;
    }
    const key = `${dst.id}:${e.target.port}`;
    if (incoming.has(key)) {
      // The port named as the node draws it ("prediction", not "x").
      const port =
        dstDef && dstParams
          ? portsOf(dstDef.inputs, dstParams).find((p) => p.name === e.target.port)
          : undefined;
      diagnostics.push({
        severity: 'error',
        code: 'multiple-wires',
        node: dst.id,
        port: e.target.port,
        message: `Input "${echo(port?.label ?? e.target.port)}" has more than one wire; use Concat or Add to merge`,
      });
      continue;
    }
    incoming.set(key, { edge: e.id, node: src.id, port: e.source.port });
    validEdges.push(e);
  }
  return { incoming, validEdges, diagnostics };
}

// The editor's lowering: after an edit, only the nodes it can change are lowered again. A node is
// lowered on a builder of its own (lower-node.ts, the same step the whole-document lowering takes),
// its inputs standing in as values of the types its upstream nodes produced. It is lowered again
// when its own fields that lowering reads change (kind, parameters, name, frozen, sharing), when a
// wire into it changes, or when an upstream output's type or constant value changes; so an edit
// travels down the graph and stops where shapes stop changing. Moving a node changes nothing that
// lowering reads, so it lowers nothing.
//
// Nodes also meet by name: a graph input's name and a weight's id are one namespace (an Input may
// not take another's name; a node that shares weights finds its owner's). Each node records the
// names it defined (claims) and the names it looked up (asked); a change to a name's claims lowers
// again the nodes that asked for it after the claimant, as the whole-document lowering would find.
//
// Reports, diagnostics and wire types keep their object identity while their content is the same,
// so a renderer can redraw only what changed; totals are kept by adding the difference of each
// lowered node. Work can be split (a deadline per call): what is left is `pending` and `resume()`
// goes on with it. With no deadline the result equals lowerDocument's (test/compile/incremental).
import type { DocNode, NetloomDocument } from '../document/schema.ts';
import type { Diagnostic } from '../util/errors.ts';
import type { EarlierNodes } from '../ir/builder.ts';
import { GraphBuilder } from '../ir/builder.ts';
import type { ConstTensor, TensorType, Weight } from '../ir/types.ts';
import { numel } from '../ir/types.ts';
import type { CheckCache, CheckedGraph, WireSource } from './graph-checks.ts';
import { checkCache, checkGraph, checkGraphUntil, primeParams } from './graph-checks.ts';
import type { NodeReport } from './lower-node.ts';
import { failedReport, lowerNode } from './lower-node.ts';
import type { LowerOptions, LoweringFacts, Totals } from './lower.ts';
import { fixedBatch, lacksOutput, noOutputWarning, wholeGraphDiagnostics } from './lower.ts';

/** The editor's view of the document's lowering; `pending` nodes are still to be lowered again. */
export interface EditorLowering extends LoweringFacts {
  /** Nodes left to lower (0 when the facts are complete). */
  readonly pending: number;
  /** The model's weights in creation order (complete only when nothing is pending). */
  readonly weights: readonly Weight[];
  /** Numbers the facts, unique in the page (what `changes.since` refers to). */
  readonly serial: number;
  /**
   * What differs from the facts numbered `since`, when these were put together from them: the
   * nodes whose report may be another object, the wires whose type may be. A renderer looks at
   * these instead of every node. Undefined after a change of structure (compare everything).
   */
  readonly changes?: {
    readonly since: number;
    readonly nodes: ReadonlySet<string>;
    readonly edges: ReadonlySet<string>;
  };
}

/** What one output port holds, as downstream nodes see it. */
interface PortValue {
  readonly type: TensorType;
  readonly constant: ConstTensor | undefined;
}

type Claim =
  | { readonly weight: Weight; readonly input?: undefined }
  | { readonly weight?: undefined; readonly input: true };

interface NodeState {
  /** The document node as last lowered. */
  readonly node: DocNode;
  readonly params: Record<string, unknown> | undefined;
  /** The wires into the node as last lowered: `port←edge:node:port`, joined. */
  readonly wires: string;
  /** What the node's `sharesWeightsWith` pointed at when last lowered. */
  readonly owner: string;
  readonly report: NodeReport;
  readonly diagnostics: readonly Diagnostic[];
  readonly outputs: ReadonlyMap<string, PortValue>;
  readonly edgeTypes: readonly (readonly [string, TensorType])[];
  readonly graphOutputs: number;
  /** Bytes of the weights the node creates (float32). */
  readonly weightBytes: number;
  readonly claims: ReadonlyMap<string, Claim>;
  readonly asked: readonly string[];
}

const noDiagnostics: readonly Diagnostic[] = [];

/** Numbers every facts object made here, across instances (see EditorLowering.serial). */
let factsSerial = 0;

/**
 * The facts of a document none of whose nodes is lowered yet (every node pending): what an editor
 * shows while `prepare` gets a freshly opened graph ready.
 */
export function unloweredFacts(doc: NetloomDocument): EditorLowering {
  return {
    nodes: new Map(),
    diagnostics: [],
    totals: { params: 0, trainableParams: 0, flops: 0 },
    edgeTypes: new Map(),
    order: [],
    pending: Math.max(doc.nodes.length, 1),
    weights: [],
    serial: ++factsSerial,
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function sameType(a: TensorType, b: TensorType): boolean {
  return (
    a === b ||
    (a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]))
  );
}

function sameConstant(a: ConstTensor | undefined, b: ConstTensor | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.dtype !== b.dtype || !sameType(a, b) || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

function sameOutputs(a: ReadonlyMap<string, PortValue>, b: ReadonlyMap<string, PortValue>): boolean {
  if (a.size !== b.size) return false;
  for (const [port, v] of a) {
    const w = b.get(port);
    if (!w || !sameType(v.type, w.type) || !sameConstant(v.constant, w.constant)) return false;
  }
  return true;
}

function sameReport(a: NodeReport, b: NodeReport): boolean {
  if (
    a.id !== b.id ||
    a.kind !== b.kind ||
    a.name !== b.name ||
    a.params !== b.params ||
    a.trainableParams !== b.trainableParams ||
    a.flops !== b.flops ||
    a.ok !== b.ok ||
    !sameJson(a.resolvedParams, b.resolvedParams)
  )
    return false;
  const ka = Object.keys(a.outputs);
  const kb = Object.keys(b.outputs);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameType(a.outputs[k]!, b.outputs[k]!));
}

function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  return a === b || (a.length === b.length && a.every((d, i) => sameJson(d, b[i])));
}

function sameEdgeTypes(
  a: readonly (readonly [string, TensorType])[],
  b: readonly (readonly [string, TensorType])[],
): boolean {
  return a.length === b.length && a.every(([e, t], i) => e === b[i]![0] && sameType(t, b[i]![1]));
}

function sameClaim(a: Claim | undefined, b: Claim | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.input || b.input) return a.input === b.input;
  return (
    a.weight!.role === b.weight!.role &&
    sameType(a.weight!, b.weight!) &&
    sameJson(a.weight!.init, b.weight!.init)
  );
}

function weightCount(st: NodeState): number {
  let k = 0;
  for (const c of st.claims.values()) if (c.weight) k++;
  return k;
}

/** The fields of a node that the node's owner's lowering reads (`sharingProblem` in lower-node.ts). */
function ownerKey(n: DocNode, nodesById: ReadonlyMap<string, DocNode>): string {
  if (n.sharesWeightsWith === undefined) return '';
  const o = nodesById.get(n.sharesWeightsWith);
  return o ? JSON.stringify([o.id, o.kind, o.name, o.sharesWeightsWith]) : `missing ${n.sharesWeightsWith}`;
}

/** How many changed nodes `changedNodes` lists; more count as a change of everything. */
const changedLimit = 256;

/**
 * The nodes of `after` that are new objects since `before`, with their old selves, when both hold
 * the same ids in the same places and few changed (an edit, a move); undefined otherwise.
 */
function changedNodes(
  before: NetloomDocument | undefined,
  after: NetloomDocument,
): { before: DocNode; after: DocNode }[] | undefined {
  if (!before || before.nodes.length !== after.nodes.length) return undefined;
  const out: { before: DocNode; after: DocNode }[] = [];
  for (let i = 0; i < after.nodes.length; i++) {
    const a = before.nodes[i]!;
    const b = after.nodes[i]!;
    if (a === b) continue;
    if (a.id !== b.id || out.length === changedLimit) return undefined;
    out.push({ before: a, after: b });
  }
  return out;
}

/** The editor's lowering, kept between edits; see the top of this file. */
export class IncrementalLowering {
  private readonly cache: CheckCache = checkCache();
  private readonly states = new Map<string, NodeState>();
  private readonly dirty = new Set<string>();
  /** Who defined each name (graph inputs, weights), by node. */
  private readonly claims = new Map<string, Map<string, Claim>>();
  /** Who looked each name up. */
  private readonly asked = new Map<string, Set<string>>();
  private checked: CheckedGraph | undefined;
  private doc: NetloomDocument | undefined;
  private index = new Map<string, number>();
  /** Nodes with a wire from each node. */
  private consumers = new Map<string, string[]>();
  private wireKeys = new Map<string, string>();
  private totals = { params: 0, trainableParams: 0, flops: 0 };
  private graphOutputs = 0;
  private weightBytes = 0;
  private last: EditorLowering | undefined;
  /** Nodes whose state changed since the facts were last put together. */
  private settled = new Set<string>();
  /** Whether the order or the wires changed since the facts were last put together. */
  private reshaped = true;
  /** The graph checks' diagnostics in the last facts. */
  private checkDiagnostics: readonly Diagnostic[] = [];
  /** Whether the last facts' maps hold nodes out of the order (see `facts`). */
  private unordered = false;
  /** Whether any node's claims (its weights, its input's name) changed since the last facts. */
  private claimsChanged = true;
  /** Wires that carried a type in the last facts and no longer do (their target now fails). */
  private untyped = new Set<string>();
  /** The groups the last facts were put together with (a loop of groups is a warning). */
  private factsGroups: NetloomDocument['groups'] | undefined;
  /** Nodes whose lowering found problems. */
  private withDiagnostics = new Set<string>();
  /** The batch size values were lowered with (an Input's fixed batch, or the options'). */
  private batch = 0;
  /** Where each node's weights start in the last complete weights list. */
  private weightAt = new Map<string, number>();
  /** Nodes whose weights changed in place (same count) since the last facts. */
  private weightPatches = new Set<string>();
  /** Whether some node's number of weights changed (the list is made again in order). */
  private weightsMoved = true;
  /** How many node lowerings this instance has done: what a test of "an edit costs what it changes" counts. */
  loweredCount = 0;

  /** Nodes that share another's weights (`sharesWeightsWith`), as of the last update. */
  private readonly sharers = new Set<string>();

  /** How far `prepare` has parsed the parameters of which document. */
  private primed: { doc: NetloomDocument; at: number; parsed: number } | undefined;
  /** The document whose graph `prepare` has checked. */
  private checkedAhead: NetloomDocument | undefined;

  constructor(private readonly opts: LowerOptions = {}) {}

  /**
   * Work `update` does in one piece, done ahead in slices: parsing every node's parameters (the
   * bulk of checking a freshly opened 5,000-layer graph), then checking its graph (ids, wires,
   * order). Returns true once `doc` is ready, so that `update(doc)` is a short task; false when
   * the deadline came first (call it again). Only speed depends on it: `update` alone gives the
   * same result.
   */
  prepare(doc: NetloomDocument, deadline = Infinity): boolean {
    if (doc === this.doc) return true;
    if (this.primed?.doc !== doc || this.primed.at < doc.nodes.length) {
      const was = this.primed?.doc === doc ? this.primed : { at: 0, parsed: 0 };
      const { at, parsed } = primeParams(doc, this.cache, was.at, deadline, this.doc);
      this.primed = { doc, at, parsed: was.parsed + parsed };
      if (at < doc.nodes.length) return false;
    }
    // An edit's document (a parameter or a pasted block parsed anew) is checked by `update` in
    // the edit's own task, so the edit shows at once: its check reuses the last one's or
    // re-checks the wires only. A document of mostly new nodes (a file opened) is checked here,
    // in slices.
    if (this.primed.parsed * 2 <= doc.nodes.length) return true;
    // The check's last step, `update`'s set-up (indices and wires of 5,000 nodes: 50-160 ms under
    // load) and its first lowering each start a slice of their own when the last one ran late.
    if (this.checkedAhead !== doc) {
      if (checkGraphUntil(doc, this.cache, deadline) === undefined) return false;
      this.checkedAhead = doc;
      if (performance.now() > deadline) return false;
    }
    this.begin(doc);
    return performance.now() <= deadline;
  }

  /**
   * Whether `doc` is mostly new to this lowering (a file opened, not an edit): most of a few
   * nodes taken across it have parameters never parsed here. Cheap (a few look-ups): an editor
   * asks before doing any of the work, to leave all of it to later tasks.
   */
  isNew(doc: NetloomDocument): boolean {
    if (doc === this.doc) return false;
    const n = doc.nodes.length;
    const probes = Math.min(n, 9);
    let unseen = 0;
    for (let k = 0; k < probes; k++) {
      const node = doc.nodes[Math.floor((k * (n - 1)) / Math.max(probes - 1, 1))]!;
      if (!this.cache.parsed.has(node.params)) unseen++;
    }
    return unseen * 2 > probes;
  }

  /**
   * Lowers what changed since the last document. With a deadline (a `performance.now()` time) the
   * work stops there and the rest is `pending`, for `resume()`.
   */
  update(doc: NetloomDocument, deadline = Infinity): EditorLowering {
    if (doc !== this.doc) this.begin(doc);
    else if (this.last && !this.dirty.size) return this.last;
    return this.resume(deadline);
  }

  /**
   * The first part of `update` for a new document: its graph checked (from the cache when
   * `prepare` checked it), indices and wires after a change of structure, and the nodes to lower
   * marked. Nothing is lowered yet.
   */
  private begin(doc: NetloomDocument): void {
    const checked = checkGraph(doc, this.cache);
    const structural =
      !this.checked || checked.order !== this.checked.order || checked.incoming !== this.checked.incoming;
    // An edit of a few nodes' fields: only those nodes are looked at below (see `changedNodes`).
    const changed = structural ? undefined : changedNodes(this.doc, doc);
    this.doc = doc;
    this.checked = checked;
    if (structural) {
      this.restructure(checked);
      this.reshaped = true;
    }
    // An Input's fixed batch (an imported model's) sizes every value: all lower again. Only an
    // Input changed (or gone) can change it.
    const batch =
      changed && !changed.some((c) => c.before.kind === 'Input' || c.after.kind === 'Input')
        ? this.batch
        : (fixedBatch(doc) ?? this.opts.batch ?? 1);
    if (batch !== this.batch) {
      this.batch = batch;
      for (const id of checked.order) this.mark(id);
    }
    // A node not changed since the last update was looked at then: it is marked or stands as it was.
    for (const n of changed ? changed.map((c) => c.after) : doc.nodes) {
      const st = this.states.get(n.id);
      if (!st || st.node === n || this.dirty.has(n.id)) continue;
      const p = checked.params.get(n.id);
      if (
        st.node.kind !== n.kind ||
        st.node.name !== n.name ||
        st.node.frozen !== n.frozen ||
        st.node.sharesWeightsWith !== n.sharesWeightsWith ||
        !(st.params === p || (st.params && p && sameJson(st.params, p)))
      )
        this.mark(n.id);
    }
    // A node that shares another's weights lowers again when its owner changed (not itself).
    if (changed) {
      for (const c of changed)
        if (c.after.sharesWeightsWith !== undefined) this.sharers.add(c.after.id);
        else this.sharers.delete(c.after.id);
    } else {
      this.sharers.clear();
      for (const n of doc.nodes) if (n.sharesWeightsWith !== undefined) this.sharers.add(n.id);
    }
    for (const id of this.sharers) {
      const n = checked.nodesById.get(id);
      const st = this.states.get(id);
      if (n && st && n.sharesWeightsWith !== undefined && st.owner !== ownerKey(n, checked.nodesById))
        this.mark(id);
    }
  }

  /** Goes on with pending work (see `update`). */
  resume(deadline = Infinity): EditorLowering {
    const checked = this.checked;
    if (!checked) throw new Error('IncrementalLowering.resume before update');
    if (this.dirty.size) this.lowerDirty(checked, deadline);
    const last = this.last;
    const unchanged =
      last !== undefined &&
      !this.reshaped &&
      this.settled.size === 0 &&
      !this.claimsChanged &&
      last.pending === this.dirty.size &&
      sameDiagnostics(this.checkDiagnostics, checked.diagnostics) &&
      this.doc!.groups === this.factsGroups &&
      checked.cyclic.length === 0;
    // A drag, or an edit that changed nothing lowering shows: the same facts, the same object.
    if (!unchanged) this.last = this.facts(checked);
    return this.last!;
  }

  /** After the wires or the set of nodes changed: indices, consumers, and what must lower again. */
  private restructure(checked: CheckedGraph): void {
    const { order, incoming } = checked;
    this.index = new Map(order.map((id, i) => [id, i]));
    const wires = new Map<string, string[]>();
    const consumers = new Map<string, string[]>();
    for (const [key, src] of incoming) {
      const at = key.indexOf(':');
      const node = key.slice(0, at);
      const list = wires.get(node);
      const w = `${key.slice(at + 1)}←${src.edge}:${src.node}:${src.port}`;
      if (list) list.push(w);
      else wires.set(node, [w]);
      const c = consumers.get(src.node);
      if (c) c.push(node);
      else consumers.set(src.node, [node]);
    }
    this.consumers = consumers;
    const wireKeys = new Map<string, string>();
    for (const id of order) {
      const key = (wires.get(id) ?? []).sort().join('|');
      wireKeys.set(id, key);
      const st = this.states.get(id);
      if (!st || st.wires !== key) this.mark(id);
    }
    this.wireKeys = wireKeys;
    // Nodes gone, or now on a loop: their contributions leave.
    for (const [id, st] of this.states) if (!this.index.has(id)) this.forget(id, st);
    for (const id of this.dirty) if (!this.index.has(id)) this.dirty.delete(id);
    // Which claimant of a name comes first may have changed with the order.
    for (const askers of this.asked.values()) if (askers.size > 1) for (const a of askers) this.mark(a);
  }

  /** Marks a node to lower again; nodes not in the order (on a loop) are never lowered. */
  private mark(id: string): void {
    if (this.index.has(id)) this.dirty.add(id);
  }

  private forget(id: string, st: NodeState): void {
    this.states.delete(id);
    this.withDiagnostics.delete(id);
    this.count(st, -1);
    if (st.claims.size) this.claimsChanged = true;
    if (weightCount(st) > 0) this.weightsMoved = true;
    for (const name of st.claims.keys()) {
      this.claims.get(name)?.delete(id);
      for (const a of this.asked.get(name) ?? []) if (a !== id) this.mark(a);
    }
    for (const name of st.asked) this.asked.get(name)?.delete(id);
  }

  private count(st: NodeState, sign: 1 | -1): void {
    this.totals.params += sign * st.report.params;
    this.totals.trainableParams += sign * st.report.trainableParams;
    this.totals.flops += sign * st.report.flops;
    this.graphOutputs += sign * st.graphOutputs;
    this.weightBytes += sign * st.weightBytes;
  }

  /** The first node before `at` in the order that claimed `name`, as lowering the whole document meets it. */
  private earlier(self: string, at: number, asked: string[]): EarlierNodes {
    return {
      find: (name) => {
        asked.push(name);
        let best: Claim | undefined;
        let bestAt = at;
        for (const [node, claim] of this.claims.get(name) ?? []) {
          const i = this.index.get(node);
          if (node !== self && i !== undefined && i < bestAt) {
            best = claim;
            bestAt = i;
          }
        }
        return best;
      },
    };
  }

  private lowerDirty(checked: CheckedGraph, deadline: number): void {
    const { order, nodesById, defs, params, incoming } = checked;
    let first = order.length;
    for (const id of this.dirty) first = Math.min(first, this.index.get(id) ?? first);
    const mode = this.opts.mode ?? 'inference';
    const batch = this.batch;
    const nodeById = (id: string) => nodesById.get(id);
    for (let i = first; i < order.length && this.dirty.size > 0; i++) {
      const id = order[i]!;
      if (!this.dirty.has(id)) continue;
      if (performance.now() > deadline) return;
      this.dirty.delete(id);
      this.loweredCount++;
      const n = nodesById.get(id)!;
      const asked: string[] = [];
      const b = new GraphBuilder(undefined, this.earlier(id, i, asked));
      const valueOf = (src: WireSource): string | undefined => {
        const v = this.states.get(src.node)?.outputs.get(src.port);
        return v ? b.external(`<${src.node}:${src.port}>`, v.type, v.constant) : undefined;
      };
      const p = params.get(id);
      const outcome = lowerNode(b, {
        node: n,
        def: defs.get(id),
        params: p,
        incoming,
        nodeById,
        valueOf,
        mode,
        batch,
      });
      const outputs = new Map<string, PortValue>();
      for (const [port, v] of outcome.outputs)
        outputs.set(port, { type: b.type(v), constant: b.constValue(v) });
      const claims = new Map<string, Claim>();
      for (const input of b.inputs) claims.set(input.name, { input: true });
      let weightBytes = 0;
      for (const w of b.weights) {
        claims.set(w.id, { weight: w });
        weightBytes += numel(w.shape) * 4;
      }
      this.settle(id, i, {
        node: n,
        params: p,
        wires: this.wireKeys.get(id) ?? '',
        owner: ownerKey(n, nodesById),
        report: outcome.report,
        diagnostics: outcome.diagnostics.length ? outcome.diagnostics : noDiagnostics,
        outputs,
        edgeTypes: outcome.edgeTypes,
        graphOutputs: outcome.graphOutputs,
        weightBytes,
        claims,
        asked,
      });
    }
  }

  /** Records a node's new lowering and marks what it changes for lowering again. */
  private settle(id: string, at: number, fresh: NodeState): void {
    const old = this.states.get(id);
    const st: NodeState =
      old === undefined
        ? fresh
        : {
            ...fresh,
            // Same content, same object: the renderer compares identities.
            report: sameReport(old.report, fresh.report) ? old.report : fresh.report,
            diagnostics: sameDiagnostics(old.diagnostics, fresh.diagnostics)
              ? old.diagnostics
              : fresh.diagnostics,
            edgeTypes: sameEdgeTypes(old.edgeTypes, fresh.edgeTypes) ? old.edgeTypes : fresh.edgeTypes,
          };
    if (old) this.count(old, -1);
    this.count(st, 1);
    this.states.set(id, st);
    if (st.report !== old?.report || st.diagnostics !== old.diagnostics || st.edgeTypes !== old.edgeTypes)
      this.settled.add(id);
    if (old && st.edgeTypes !== old.edgeTypes) {
      const typed = new Set(st.edgeTypes.map(([e]) => e));
      for (const [e] of old.edgeTypes) if (!typed.has(e)) this.untyped.add(e);
    }
    if (st.diagnostics.length) this.withDiagnostics.add(id);
    else this.withDiagnostics.delete(id);
    if (!old || !sameOutputs(old.outputs, st.outputs))
      for (const c of this.consumers.get(id) ?? []) this.mark(c);
    const names = new Set([...(old?.claims.keys() ?? []), ...st.claims.keys()]);
    for (const name of names) {
      const before = old?.claims.get(name);
      const now = st.claims.get(name);
      if (sameClaim(before, now)) continue;
      this.claimsChanged = true;
      if (before?.weight || now?.weight) {
        if (old && weightCount(old) === weightCount(st)) this.weightPatches.add(id);
        else this.weightsMoved = true;
      }
      let byNode = this.claims.get(name);
      if (now) {
        if (!byNode) this.claims.set(name, (byNode = new Map()));
        byNode.set(id, now);
      } else byNode?.delete(id);
      for (const a of this.asked.get(name) ?? [])
        if (a !== id && (this.index.get(a) ?? -1) > at) this.mark(a);
    }
    for (const name of old?.asked ?? []) this.asked.get(name)?.delete(id);
    for (const name of st.asked) {
      let askers = this.asked.get(name);
      if (!askers) this.asked.set(name, (askers = new Set()));
      askers.add(id);
    }
  }

  /**
   * The facts, put together again from the last ones: after a change of structure from every node
   * in order; otherwise only the nodes that settled differently replace their entries.
   */
  private facts(checked: CheckedGraph): EditorLowering {
    const prev = this.last;
    // Nodes lowered for the first time (a graph opened, lowered in slices) are added at the end of
    // the maps as they come, each slice's facts saying which; the last slice puts them in order.
    if (prev && this.dirty.size === 0)
      for (const id of this.settled) if (!prev.nodes.has(id)) this.unordered = true;
    const whole = this.reshaped || !prev || (this.unordered && this.dirty.size === 0);
    let nodes: Map<string, NodeReport>;
    let edgeTypes: Map<string, TensorType>;
    let changes: EditorLowering['changes'];
    if (whole) {
      nodes = new Map();
      edgeTypes = new Map();
      for (const id of checked.order) {
        const st = this.states.get(id);
        if (!st) continue;
        nodes.set(id, st.report);
        for (const [edge, t] of st.edgeTypes) edgeTypes.set(edge, t);
      }
    } else {
      nodes = new Map(prev.nodes);
      edgeTypes = new Map(prev.edgeTypes);
      const changedNodes = new Set<string>();
      const changedEdges = new Set<string>(this.untyped);
      for (const e of this.untyped) edgeTypes.delete(e);
      for (const id of this.settled) {
        const st = this.states.get(id);
        if (!st) continue;
        if (!nodes.has(id)) this.unordered = true;
        nodes.set(id, st.report);
        changedNodes.add(id);
        for (const [edge, t] of st.edgeTypes) {
          edgeTypes.set(edge, t);
          changedEdges.add(edge);
        }
      }
      if (checked.cyclic.length === 0)
        changes = { since: prev.serial, nodes: changedNodes, edges: changedEdges };
    }
    for (const id of checked.cyclic) {
      const n = checked.nodesById.get(id)!;
      const old = prev?.nodes.get(id);
      const r = failedReport(n, checked.params.get(id));
      nodes.set(id, old && sameReport(old, r) ? old : r);
    }
    const diagnostics: Diagnostic[] = [...checked.diagnostics];
    const withDiagnostics = [...this.withDiagnostics].sort((a, b) => this.index.get(a)! - this.index.get(b)!);
    for (const id of withDiagnostics) for (const d of this.states.get(id)!.diagnostics) diagnostics.push(d);
    const pending = this.dirty.size;
    const totals: Totals = { ...this.totals };
    let weights: readonly Weight[] = [];
    if (pending === 0 && !whole && !this.weightsMoved && prev.pending === 0) {
      // An edit that changed weights' shapes but not their number: the same places in the list.
      weights = prev.weights;
      if (this.weightPatches.size) {
        const list = prev.weights.slice();
        for (const id of this.weightPatches) {
          let at = this.weightAt.get(id)!;
          for (const c of this.states.get(id)!.claims.values()) if (c.weight) list[at++] = c.weight;
        }
        weights = list;
      }
      this.weightPatches.clear();
      this.claimsChanged = false;
    } else if (pending === 0) {
      const list: Weight[] = [];
      const at = new Map<string, number>();
      for (const id of checked.order) {
        const st = this.states.get(id);
        if (!st) continue;
        at.set(id, list.length);
        for (const c of st.claims.values()) if (c.weight) list.push(c.weight);
      }
      weights = list;
      this.weightAt = at;
      this.weightPatches.clear();
      this.weightsMoved = false;
      this.claimsChanged = false;
    }
    diagnostics.push(...wholeGraphDiagnostics(this.doc!, weights, this.weightBytes));
    if (pending === 0 && lacksOutput(this.doc!, this.graphOutputs)) diagnostics.push(noOutputWarning);
    this.factsGroups = this.doc!.groups;
    if (whole) this.unordered = false;
    this.settled.clear();
    this.untyped.clear();
    this.reshaped = false;
    this.checkDiagnostics = checked.diagnostics;
    return {
      nodes,
      // The same problems, the same list: the problems panel need not render again.
      diagnostics: prev && sameDiagnostics(prev.diagnostics, diagnostics) ? prev.diagnostics : diagnostics,
      totals,
      edgeTypes,
      order: checked.order,
      pending,
      weights,
      serial: ++factsSerial,
      changes,
    };
  }
}

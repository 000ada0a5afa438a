// Document + lowering → React Flow nodes and wires: layer nodes with shapes and errors, wires
// labelled with the shape they carry (red with the reason when it does not fit), group frames, and
// collapsed blocks standing in for their members.
//
// The model is kept between updates and rebuilds only what changed. What an edit changes on a
// layer (its shapes, counts, problems, name) is its face, kept beside React Flow's node in the
// model's `faces` (lib/wire-labels.ts), as a wire's shape is kept in `labels`: a layer's node
// object is made again only when its position, selection, kind or ports change, a wire's when its
// ends or its problem change. Everything else keeps its object identity, and a parameter edit
// hands React Flow the same arrays (a new array costs it a pass over every node and wire). The
// level-of-detail canvas (components/LodLayer.tsx) and the minimap draw from the same nodes and
// wires, with `flagged` for which layers have a problem.
import { Position } from '@xyflow/react';
import type { Edge, Node } from '@xyflow/react';
import type { DocEdge, DocGroup, DocNode, NetloomDocument } from '../../src/document/schema.ts';
import type { LoweringFacts, NodeReport } from '../../src/compile/lower.ts';
import type { EditorLowering } from '../../src/compile/incremental.ts';
import { formatShape } from '../../src/ir/types.ts';
import { echo } from '../../src/util/text.ts';
import { groupChain, groupParents } from '../../src/document/groups.ts';
import type { TensorType } from '../../src/ir/types.ts';
import { layerDef } from '../../src/layers/registry.ts';
import { portsOf } from '../../src/layers/layer-def.ts';
import { familyColors, formatCount } from './families.ts';
import { frameMargin, frameTitle, nodeSize } from './layout.ts';
import type { LayerNodeData } from '../components/LayerNode.tsx';
import type { GroupNodeData } from '../components/GroupNodes.tsx';
import type { LayerFace } from './wire-labels.ts';
import { LayerFaces, WireLabels } from './wire-labels.ts';

export function shapeText(t: TensorType | undefined, kind: string): string {
  if (!t) return '';
  const s = formatShape(t.shape, kind !== 'Constant');
  return t.dtype === 'float32' ? s : `${s} ${t.dtype}`;
}

/**
 * Layers and collapsed blocks stack above the frames (1 + nesting depth), which stack above the
 * wires (0): frame titles then cover wire labels, and layers cover frames.
 */
const layerZ = 10;

/** What the canvas shows: React Flow's nodes and wires (the same arrays while nothing changed). */
export interface FlowGraph {
  readonly nodes: readonly Node[];
  readonly edges: readonly Edge[];
  /** The layers with an error (their faces say which; the overview paints them red). */
  readonly flagged: ReadonlySet<string>;
}

const noneFlagged: ReadonlySet<string> = new Set();

/**
 * The data of a wire, for the wire component and the level-of-detail canvas. The shape it carries
 * is not here but in the model's `labels` (lib/wire-labels.ts): a wire object is made again only
 * when its ends or its problem change, not when its shape does.
 */
export interface WireData extends Record<string, unknown> {
  /** Why the shape does not fit the input, when it does not. */
  readonly reason: string | undefined;
}

interface Problem {
  readonly message: string;
  readonly port: string | undefined;
}

interface LayerEntry {
  readonly doc: DocNode;
  readonly report: NodeReport | undefined;
  readonly error: string | undefined;
  readonly warning: string | undefined;
  readonly selected: boolean;
  /** For an Output node: the type on its wire (its face shows it). */
  readonly inType: TensorType | undefined;
  readonly node: Node;
}

interface WireEntry {
  readonly doc: DocEdge;
  readonly type: TensorType | undefined;
  readonly reason: string | undefined;
  readonly source: string;
  readonly target: string;
  readonly srcKind: string;
  readonly edge: Edge;
}

function layerLook(
  n: DocNode,
  report: NodeReport | undefined,
  inType: TensorType | undefined,
  error: string | undefined,
  warning: string | undefined,
): { data: LayerNodeData; face: LayerFace } {
  const def = layerDef(n.kind);
  // Before a layer is lowered (a file just opened) its parameters are parsed only where its
  // ports depend on them: 5,000 parses in the task that first draws a big graph cost ~50 ms.
  const portsVary = typeof def?.inputs === 'function' || typeof def?.outputs === 'function';
  const params = (report?.resolvedParams ??
    (portsVary ? def?.params.safeParse(n.params).data : {}) ??
    {}) as Record<string, unknown>;
  const ports = (list: ReturnType<typeof portsOf> | undefined) =>
    (list ?? []).map((p) => ({ name: p.name, label: p.label ?? p.name }));
  const outs = report?.outputs ?? {};
  const names = Object.keys(outs);
  let summary: string;
  try {
    summary = def?.summary && report?.resolvedParams ? def.summary(params) : '';
  } catch {
    // A summary of half-typed parameters is not worth an error of its own.
    summary = '';
  }
  const data: LayerNodeData = {
    kind: n.kind,
    // Names and kinds from a file are shown printable and cut: a name may hold anything.
    title: def?.title ?? echo(n.kind, 40),
    color: def ? familyColors[def.family] : '#ef4444',
    inputs: ports(def ? portsOf(def.inputs, params) : [{ name: 'x' }]),
    outputs: ports(def ? portsOf(def.outputs, params) : [{ name: 'y' }]),
  };
  const face: LayerFace = {
    label: echo(n.name ?? n.id, 60),
    summary,
    shape:
      n.kind === 'Output'
        ? shapeText(inType, n.kind)
        : names.length > 1
          ? names.map((p) => `${p} ${shapeText(outs[p], n.kind)}`).join(' · ')
          : shapeText(outs[names[0] ?? ''], n.kind),
    params:
      report && report.params > 0
        ? `${formatCount(report.params)} params`
        : n.sharesWeightsWith
          ? `shares ${n.sharesWeightsWith}'s weights`
          : '',
    error,
    warning,
    frozen: n.frozen ?? false,
  };
  return { data, face };
}

const samePorts = (a: LayerNodeData['inputs'], b: LayerNodeData['inputs']): boolean =>
  a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.label === b[i]!.label);

/** Whether a layer's node data (kind and ports) reads the same. */
const sameData = (a: LayerNodeData, b: LayerNodeData): boolean =>
  a.kind === b.kind &&
  a.title === b.title &&
  a.color === b.color &&
  samePorts(a.inputs, b.inputs) &&
  samePorts(a.outputs, b.outputs);

/** A port's place on a node, as React Flow measures it from the DOM (a 10 px dot on the edge). */
function portHandles(
  ports: readonly { name: string }[],
  type: 'source' | 'target',
  size: { width: number; height: number },
): NonNullable<Node['handles']> {
  return ports.map((p, i) => ({
    id: p.name,
    type,
    position: type === 'target' ? Position.Top : Position.Bottom,
    x: (size.width * (i + 1)) / (ports.length + 1) - 5,
    y: type === 'target' ? -5 : size.height - 5,
    width: 10,
    height: 10,
  }));
}

/**
 * Handles known before React Flow measures a node: without them it renders every unmeasured node
 * to measure it (all 5,000 of a big graph at once, on screen or not), and draws no wire to a node
 * it has not rendered.
 */
function handlesOf(
  data: LayerNodeData,
  size: { width: number; height: number },
): NonNullable<Node['handles']> {
  return [...portHandles(data.inputs, 'target', size), ...portHandles(data.outputs, 'source', size)];
}

/** Problems by node: the first error (with its port), every port error, and a warning. */
function problemsByNode(diagnostics: LoweringFacts['diagnostics']): {
  errors: Map<string, Problem[]>;
  warnings: Map<string, string>;
} {
  const errors = new Map<string, Problem[]>();
  const warnings = new Map<string, string>();
  for (const d of diagnostics) {
    if (!d.node) continue;
    if (d.severity === 'error') {
      const list = errors.get(d.node);
      const p = { message: d.message, port: d.port };
      if (list) list.push(p);
      else errors.set(d.node, [p]);
    } else warnings.set(d.node, d.message);
  }
  return { errors, warnings };
}

interface GroupFacts {
  readonly members: DocNode[];
  readonly depth: number;
  /** The outermost collapsed group holding this one (itself included), if any. */
  readonly collapsedIn: string | undefined;
}

/**
 * Members (at any depth), nesting depth and collapsed ancestor of every group: one pass over the
 * nodes. Walks go through groupChain, which stops where a file's parents loop back.
 */
function groupFacts(doc: NetloomDocument): Map<string, GroupFacts> {
  const parents = groupParents(doc.groups);
  const byId = new Map(doc.groups.map((g) => [g.id, g]));
  const out = new Map<string, GroupFacts>();
  const facts = (g: DocGroup): GroupFacts => {
    let f = out.get(g.id);
    if (f) return f;
    const chain = groupChain(parents, g.id);
    let collapsedIn: string | undefined;
    for (const at of chain) if (byId.get(at)?.collapsed) collapsedIn = at;
    f = { members: [], depth: chain.length - 1, collapsedIn };
    out.set(g.id, f);
    return f;
  };
  for (const g of doc.groups) facts(g);
  for (const n of doc.nodes)
    for (const at of groupChain(parents, n.group)) {
      const g = byId.get(at);
      if (g) facts(g).members.push(n);
    }
  return out;
}

/** What a wire's label reads. */
/** Each layer's kind, and the wire into each Output (an Output's face shows what that wire carries). */
function kindsAndOutputWires(doc: NetloomDocument): {
  kindOf: Map<string, string>;
  wireInto: Map<string, string>;
} {
  const kindOf = new Map<string, string>();
  const outputs = new Set<string>();
  for (const n of doc.nodes) {
    kindOf.set(n.id, n.kind);
    if (n.kind === 'Output') outputs.add(n.id);
  }
  const wireInto = new Map<string, string>();
  if (outputs.size)
    for (const e of doc.edges) if (outputs.has(e.target.node)) wireInto.set(e.target.node, e.id);
  return { kindOf, wireInto };
}

function wireText(type: TensorType | undefined, reason: string | undefined, srcKind: string): string {
  const text = shapeText(type, srcKind);
  return reason ? `✕ ${text}` : text;
}

/** A wire's entry; `s`/`t` are the collapsed groups its ends are hidden in, if any. */
function wireEntry(
  e: DocEdge,
  id: string,
  type: TensorType | undefined,
  reason: string | undefined,
  source: string,
  target: string,
  srcKind: string,
  s: string | undefined,
  t: string | undefined,
): WireEntry {
  return {
    doc: e,
    type,
    reason,
    source,
    target,
    srcKind,
    edge: {
      id,
      type: 'wire',
      source,
      target,
      sourceHandle: s ? 'out' : e.source.port,
      targetHandle: t ? 'in' : e.target.port,
      className: reason ? 'wire bad' : 'wire',
      data: { reason } satisfies WireData,
      selectable: !s && !t,
    },
  };
}

/**
 * More layers than this to make at once (a document just opened, not one edited) and the canvas
 * makes them ahead, in slices (`prepare`), before the update that shows them: at 5,000 layers
 * that update was most of the task that first drew the graph (0.2–0.3 s).
 */
export const preparedLayers = 1000;

/** Layer and wire entries made ahead of a document's first update, and how far they have come. */
interface Ahead {
  readonly doc: NetloomDocument;
  /** The lowering and selection every entry is made with: those of the first slice. */
  readonly facts: LoweringFacts;
  readonly selection: readonly string[];
  readonly layers: Map<string, { entry: LayerEntry; face: LayerFace }>;
  readonly wires: Map<string, WireEntry>;
  /** Output node → the wire into it, in this document. */
  readonly wireInto: Map<string, string>;
  readonly kindOf: Map<string, string>;
  layer: number;
  wire: number;
}

/** The document's canvas as React Flow objects, kept between updates (see the top of this file). */
export class FlowModel {
  private layers = new Map<string, LayerEntry>();
  /** Output node → the wire into it, for the doc's edges as last seen in full. */
  private wireInto = new Map<string, string>();
  private wires = new Map<string, WireEntry>();
  /** Index in the document's nodes of each layer, and in its edges of each wire, as last updated in full. */
  private layerIndex = new Map<string, number>();
  private wireIndex = new Map<string, number>();
  /** Wires into each node, by node id. */
  private wiresInto = new Map<string, string[]>();
  /** Problems by node of the last two diagnostics lists. */
  private problems = new Map<LoweringFacts['diagnostics'], ReturnType<typeof problemsByNode>>();
  private groupNodes = new Map<string, { key: string; node: Node }>();
  private last: FlowGraph = { nodes: [], edges: [], flagged: noneFlagged };
  private inputs: { doc: NetloomDocument; facts: LoweringFacts; selection: readonly string[] } | undefined;
  /** Sizes React Flow measured, by node id (a node not measured yet is nodeSize). */
  readonly measured = new Map<string, { width: number; height: number }>();
  /** What each wire's label reads (see WireData). */
  readonly labels = new WireLabels();
  /** What each layer's face reads (see the top of this file). */
  readonly faces = new LayerFaces();
  /** Entries made ahead of a big document's first update, a slice at a time (see `prepare`). */
  private ahead: Ahead | undefined;

  constructor(private readonly onToggle: (groupId: string) => void) {}

  /** The nodes and wires for this document, lowering and selection. */
  update(doc: NetloomDocument, facts: LoweringFacts, selection: readonly string[]): FlowGraph {
    const i = this.inputs;
    if (i && i.doc === doc && i.facts === facts && i.selection === selection) return this.last;
    this.inputs = { doc, facts, selection };
    const patched = i && this.patch(i, doc, facts, selection);
    if (patched) return patched;
    const selected = new Set(selection);
    const { errors, warnings } = this.problemsOf(facts.diagnostics);
    const ahead = this.ahead?.doc === doc ? this.ahead : undefined;
    this.ahead = undefined;
    const groups = doc.groups.length ? groupFacts(doc) : undefined;
    const hiddenIn = (n: DocNode): string | undefined =>
      n.group ? groups?.get(n.group)?.collapsedIn : undefined;

    const nodes: Node[] = [];
    if (groups) this.groupNodesInto(nodes, doc, facts, groups, selected, errors);

    const { kindOf, wireInto } = kindsAndOutputWires(doc);

    const layers = new Map<string, LayerEntry>();
    for (const n of doc.nodes) {
      if (groups && hiddenIn(n)) continue;
      const report = facts.nodes.get(n.id);
      const error = errors.get(n.id)?.[0]?.message;
      const warning = warnings.get(n.id);
      const isSelected = selected.has(n.id);
      const inType = n.kind === 'Output' ? facts.edgeTypes.get(wireInto.get(n.id) ?? '') : undefined;
      let old = this.layers.get(n.id);
      const made = old?.doc === n ? undefined : ahead?.layers.get(n.id);
      if (made && made.entry.doc === n) old = made.entry;
      const same =
        old !== undefined &&
        old.doc === n &&
        old.report === report &&
        old.error === error &&
        old.warning === warning &&
        old.selected === isSelected &&
        old.inType === inType;
      if (same && made && old === made.entry) this.faces.set(n.id, made.face);
      const entry = same ? old! : this.layerEntry(n, report, error, warning, isSelected, inType, old);
      layers.set(n.id, entry);
      nodes.push(entry.node);
    }
    this.layers = layers;
    this.faces.keepOnly(new Set(layers.keys()));
    let flagged = new Set<string>();
    for (const [id, entry] of layers) if (entry.error !== undefined) flagged.add(id);
    const was = this.last.flagged;
    if (flagged.size === was.size && [...flagged].every((id) => was.has(id))) flagged = was as Set<string>;
    this.wireInto = wireInto;
    // Where each layer sits in the document's list (the patch finds changed ones by id).
    const layerIndex = new Map<string, number>();
    doc.nodes.forEach((n, k) => layerIndex.set(n.id, k));
    this.layerIndex = layerIndex;

    const edges: Edge[] = [];
    const wires = new Map<string, WireEntry>();
    const hidden = new Map<string, string>();
    if (groups)
      for (const n of doc.nodes) {
        const c = hiddenIn(n);
        if (c) hidden.set(n.id, c);
      }
    for (const e of doc.edges) {
      const s = hidden.get(e.source.node);
      const t = hidden.get(e.target.node);
      if (s && s === t) continue;
      const source = s ? `group:${s}` : e.source.node;
      const target = t ? `group:${t}` : e.target.node;
      const id = s || t ? `${source}->${target}:${e.target.port}` : e.id;
      if (wires.has(id)) continue;
      const type = facts.edgeTypes.get(e.id);
      const srcKind = kindOf.get(e.source.node) ?? '';
      const reason = errors.get(e.target.node)?.find((x) => x.port === e.target.port)?.message;
      const kept = this.wires.get(id);
      const made = kept?.doc === e ? undefined : ahead?.wires.get(id);
      const old = made?.doc === e ? made : kept;
      const same =
        old !== undefined &&
        old.doc === e &&
        old.reason === reason &&
        old.source === source &&
        old.target === target;
      const entry = same
        ? old.type === type && old.srcKind === srcKind
          ? old
          : { ...old, type, srcKind }
        : wireEntry(e, id, type, reason, source, target, srcKind, s, t);
      if (entry !== old || old === made) this.labels.set(id, wireText(type, reason, srcKind));
      wires.set(id, entry);
      edges.push(entry.edge);
    }
    this.wires = wires;
    this.labels.keepOnly(new Set(wires.keys()));
    const wireIndex = new Map<string, number>();
    const wiresInto = new Map<string, string[]>();
    doc.edges.forEach((e, k) => {
      wireIndex.set(e.id, k);
      const list = wiresInto.get(e.target.node);
      if (list) list.push(e.id);
      else wiresInto.set(e.target.node, [e.id]);
    });
    this.wireIndex = wireIndex;
    this.wiresInto = wiresInto;

    const same = <T>(a: readonly T[], b: readonly T[]) =>
      a.length === b.length && a.every((x, k) => x === b[k]);
    const keptNodes = same(nodes, this.last.nodes);
    const keptEdges = same(edges, this.last.edges);
    // Nothing changed (a new selection array with the same ids, facts of an edit that showed
    // nothing): the same graph object, so what is derived from it is not derived again.
    if (keptNodes && keptEdges && flagged === this.last.flagged) return this.last;
    this.last = {
      nodes: keptNodes ? this.last.nodes : nodes,
      edges: keptEdges ? this.last.edges : edges,
      flagged,
    };
    return this.last;
  }

  /** The graph last returned by `update`. */
  get shown(): FlowGraph {
    return this.last;
  }

  /**
   * Whether `update(doc, …)` would make more than `preparedLayers` layers anew (a document just
   * opened) and they have not all been made ahead yet: the canvas then shows what it showed and
   * calls `prepare` in tasks of their own until this is false.
   */
  unprepared(doc: NetloomDocument): boolean {
    if (doc.nodes.length <= preparedLayers) return false;
    const i = this.inputs;
    if (i && (i.doc === doc || i.doc.nodes === doc.nodes)) return false;
    const ahead = this.ahead;
    if (ahead?.doc === doc) return ahead.layer < doc.nodes.length || ahead.wire < doc.edges.length;
    let fresh = 0;
    for (const n of doc.nodes) if (this.layers.get(n.id)?.doc !== n && ++fresh > preparedLayers) return true;
    return false;
  }

  /** The document, lowering and selection of a finished `prepare`, until an update takes its entries. */
  get prepared():
    | { readonly doc: NetloomDocument; readonly facts: LoweringFacts; readonly selection: readonly string[] }
    | undefined {
    const a = this.ahead;
    return a && a.layer >= a.doc.nodes.length && a.wire >= a.doc.edges.length ? a : undefined;
  }

  /**
   * Makes the entries of `doc`'s layers and wires ahead of its first update, as the lowering and
   * selection read at its first call (see `prepared`), until `enough()` says so (it is asked every few dozen); true when all are
   * made. The update takes those whose inputs are still the same (a layer lowered meanwhile is
   * made again there) and sets their faces and labels. Wires inside collapsed blocks are made there.
   */
  prepare(
    doc: NetloomDocument,
    facts: LoweringFacts,
    selection: readonly string[],
    enough: () => boolean,
  ): boolean {
    let a = this.ahead;
    if (a?.doc !== doc) {
      const { kindOf, wireInto } = kindsAndOutputWires(doc);
      // Wires of a document with groups may be a block's: the update makes those.
      const wire = doc.groups.length ? doc.edges.length : 0;
      a = this.ahead = {
        doc,
        facts,
        selection,
        layers: new Map(),
        wires: new Map(),
        wireInto,
        kindOf,
        layer: 0,
        wire,
      };
    }
    // Every slice with the first slice's facts: entries made with the lowering of the moment
    // (it lowers in slices meanwhile) were half stale by the update, which made them again.
    facts = a.facts;
    const { errors, warnings } = this.problemsOf(facts.diagnostics);
    const selected = new Set(a.selection);
    while (a.layer < doc.nodes.length) {
      const end = Math.min(doc.nodes.length, a.layer + 32);
      for (; a.layer < end; a.layer++) {
        const n = doc.nodes[a.layer]!;
        const error = errors.get(n.id)?.[0]?.message;
        const inType = n.kind === 'Output' ? facts.edgeTypes.get(a.wireInto.get(n.id) ?? '') : undefined;
        a.layers.set(
          n.id,
          this.madeLayer(
            n,
            facts.nodes.get(n.id),
            error,
            warnings.get(n.id),
            selected.has(n.id),
            inType,
            this.layers.get(n.id),
          ),
        );
      }
      if (enough() && (a.layer < doc.nodes.length || a.wire < doc.edges.length)) return false;
    }
    while (a.wire < doc.edges.length) {
      const end = Math.min(doc.edges.length, a.wire + 64);
      for (; a.wire < end; a.wire++) {
        const e = doc.edges[a.wire]!;
        const reason = errors.get(e.target.node)?.find((x) => x.port === e.target.port)?.message;
        a.wires.set(
          e.id,
          wireEntry(
            e,
            e.id,
            facts.edgeTypes.get(e.id),
            reason,
            e.source.node,
            e.target.node,
            a.kindOf.get(e.source.node) ?? '',
            undefined,
            undefined,
          ),
        );
      }
      if (enough() && (a.layer < doc.nodes.length || a.wire < doc.edges.length)) return false;
    }
    return true;
  }

  /**
   * The common case of an edit, a move or a selection: the same wires, the same nodes in the same
   * order, no groups. Only the layers and wires that may have changed are looked at: the document
   * nodes that are new objects (one pass of identity checks), the reports and wire types the
   * lowering says changed (its `changes`), the layers whose problems or selection changed. When
   * the lowering cannot say, every layer and wire is checked by identity. Only the changed ones
   * are remade; the arrays are copied only when something in them changed. Undefined when the
   * change is of another kind (the full update handles it; entries patched so far stay valid).
   */
  private patch(
    was: { doc: NetloomDocument; facts: LoweringFacts; selection: readonly string[] },
    doc: NetloomDocument,
    facts: LoweringFacts,
    selection: readonly string[],
  ): FlowGraph | undefined {
    const last = this.last;
    const before = was.doc;
    if (doc.groups.length || before.groups.length || doc.edges !== before.edges) return undefined;
    if (doc.nodes.length !== last.nodes.length || doc.edges.length !== last.edges.length) return undefined;
    if (doc.nodes.length !== before.nodes.length) return undefined;
    const problems = this.problemsOf(facts.diagnostics);
    const { errors, warnings } = problems;
    const selected = new Set(selection);

    // Which layers and wires to look at; undefined: all of them.
    let layerIds: Set<string> | undefined;
    let wireIds: Set<string> | undefined;
    const changes = (facts as Partial<EditorLowering>).changes;
    if (facts === was.facts) {
      layerIds = new Set();
      wireIds = new Set();
    } else if (changes && changes.since === (was.facts as Partial<EditorLowering>).serial) {
      layerIds = new Set(changes.nodes);
      wireIds = new Set(changes.edges);
    }
    if (layerIds && wireIds) {
      for (let k = 0; k < doc.nodes.length; k++) {
        const n = doc.nodes[k]!;
        const b = before.nodes[k]!;
        if (n === b) continue;
        if (n.id !== b.id) return undefined;
        layerIds.add(n.id);
      }
      for (const id of was.selection) layerIds.add(id);
      for (const id of selection) layerIds.add(id);
      if (facts.diagnostics !== was.facts.diagnostics) {
        const old = this.problemsOf(was.facts.diagnostics);
        for (const m of [old.errors, old.warnings, errors, warnings])
          for (const id of m.keys()) {
            layerIds.add(id);
            for (const e of this.wiresInto.get(id) ?? []) wireIds.add(e);
          }
      }
      // An Output shows the type on its wire.
      for (const e of wireIds) {
        const t = this.wires.get(e)?.doc.target.node;
        if (t !== undefined && this.layers.get(t)?.doc.kind === 'Output') layerIds.add(t);
      }
    }

    let nodes: Node[] | undefined;
    let flagged: Set<string> | undefined;
    const layerAt = (id: string): number => {
      const k = this.layerIndex.get(id);
      return k !== undefined && doc.nodes[k]?.id === id ? k : -1;
    };
    const checkLayer = (k: number): boolean => {
      const n = doc.nodes[k]!;
      const old = this.layers.get(n.id);
      if (!old || old.node !== last.nodes[k] || old.doc.kind !== n.kind) return false;
      const report = facts.nodes.get(n.id);
      const error = errors.get(n.id)?.[0]?.message;
      const warning = warnings.get(n.id);
      const isSelected = selected.has(n.id);
      const inType = n.kind === 'Output' ? facts.edgeTypes.get(this.wireInto.get(n.id) ?? '') : undefined;
      if (
        old.doc === n &&
        old.report === report &&
        old.error === error &&
        old.warning === warning &&
        old.selected === isSelected &&
        old.inType === inType
      )
        return true;
      const entry = this.layerEntry(n, report, error, warning, isSelected, inType, old);
      this.layers.set(n.id, entry);
      if (entry.node !== old.node) (nodes ??= last.nodes.slice())[k] = entry.node;
      if ((error === undefined) !== (old.error === undefined)) {
        flagged ??= new Set(last.flagged);
        if (error === undefined) flagged.delete(n.id);
        else flagged.add(n.id);
      }
      return true;
    };
    if (layerIds) {
      for (const id of layerIds) {
        const k = layerAt(id);
        if (k < 0) {
          if (this.layers.has(id)) return undefined;
          continue; // a selected frame or block, or a node gone: not a layer of this graph
        }
        if (!checkLayer(k)) return undefined;
      }
    } else for (let k = 0; k < doc.nodes.length; k++) if (!checkLayer(k)) return undefined;

    let edges: Edge[] | undefined;
    const checkWire = (k: number): boolean => {
      const e = doc.edges[k]!;
      const old = this.wires.get(e.id);
      if (!old || old.edge !== last.edges[k]) return false;
      const type = facts.edgeTypes.get(e.id);
      const srcKind = this.layers.get(e.source.node)?.doc.kind ?? '';
      const reason = errors.size
        ? errors.get(e.target.node)?.find((x) => x.port === e.target.port)?.message
        : undefined;
      if (old.doc === e && old.type === type && old.reason === reason && old.srcKind === srcKind) return true;
      this.labels.set(e.id, wireText(type, reason, srcKind));
      // Only the shape changed: the label says so, the wire object stays.
      if (old.doc === e && old.reason === reason) {
        this.wires.set(e.id, { ...old, type, srcKind });
        return true;
      }
      const entry = wireEntry(
        e,
        e.id,
        type,
        reason,
        e.source.node,
        e.target.node,
        srcKind,
        undefined,
        undefined,
      );
      this.wires.set(e.id, entry);
      (edges ??= last.edges.slice())[k] = entry.edge;
      return true;
    };
    if (wireIds) {
      for (const id of wireIds) {
        const k = this.wireIndex.get(id);
        if (k === undefined || doc.edges[k]?.id !== id) return undefined;
        if (!checkWire(k)) return undefined;
      }
    } else for (let k = 0; k < doc.edges.length; k++) if (!checkWire(k)) return undefined;

    if (!nodes && !edges && !flagged) return last;
    this.last = { nodes: nodes ?? last.nodes, edges: edges ?? last.edges, flagged: flagged ?? last.flagged };
    return this.last;
  }

  /** Problems by node of a list of diagnostics (the last list's are kept). */
  private problemsOf(diagnostics: LoweringFacts['diagnostics']): ReturnType<typeof problemsByNode> {
    const known = this.problems.get(diagnostics);
    if (known) return known;
    const p = problemsByNode(diagnostics);
    this.problems = new Map([...this.problems].slice(-1)).set(diagnostics, p);
    return p;
  }

  /**
   * A layer's entry, its face set in `faces`. The node object of `old` is kept when its position,
   * selection, kind and ports are the same: its handles then stay as React Flow measured them.
   */
  private layerEntry(...made: Parameters<FlowModel['madeLayer']>): LayerEntry {
    const { entry, face } = this.madeLayer(...made);
    this.faces.set(made[0].id, face);
    return entry;
  }

  /** A layer's entry and its face (see layerEntry), the face not set. */
  private madeLayer(
    n: DocNode,
    report: NodeReport | undefined,
    error: string | undefined,
    warning: string | undefined,
    selected: boolean,
    inType: TensorType | undefined,
    old: LayerEntry | undefined,
  ): { entry: LayerEntry; face: LayerFace } {
    const { data, face } = layerLook(n, report, inType, error, warning);
    const kept =
      old &&
      old.node.position === n.position &&
      old.selected === selected &&
      sameData(old.node.data as LayerNodeData, data)
        ? old.node
        : undefined;
    const entry: LayerEntry = {
      doc: n,
      report,
      error,
      warning,
      selected,
      inType,
      node: kept ?? {
        id: n.id,
        type: 'layer',
        position: n.position,
        data,
        selected,
        zIndex: layerZ,
        // Unmeasured nodes (off screen) still have a size for the minimap and fitting.
        initialWidth: nodeSize.width,
        initialHeight: nodeSize.height,
        handles: handlesOf(data, this.measured.get(n.id) ?? nodeSize),
      },
    };
    return { entry, face };
  }

  /** A node's size on the canvas: measured by React Flow, or the default before it is. */
  sizeOf(node: Node): { width: number; height: number } {
    const m = this.measured.get(node.id);
    if (m) return m;
    const style = node.style as { width?: number; height?: number } | undefined;
    return style?.width !== undefined && style.height !== undefined
      ? { width: style.width, height: style.height }
      : nodeSize;
  }

  /** Frames of expanded groups (behind their nodes, sized to their members) and collapsed blocks. */
  private groupNodesInto(
    nodes: Node[],
    doc: NetloomDocument,
    facts: LoweringFacts,
    groups: Map<string, GroupFacts>,
    selected: ReadonlySet<string>,
    errors: ReadonlyMap<string, Problem[]>,
  ): void {
    const kept = new Map<string, { key: string; node: Node }>();
    // How many expanded blocks nest inside each expanded block: each level keeps a margin and a
    // title of room (as lib/layout.ts's flowLayout lays them out), so nested titles stack.
    const levels = new Map<string, number>();
    const shownFrames = doc.groups
      .filter((g) => !g.collapsed && !groups.get(g.id)?.collapsedIn && groups.get(g.id)!.members.length > 0)
      .sort((a, b) => groups.get(b.id)!.depth - groups.get(a.id)!.depth);
    for (const g of shownFrames)
      if (g.parent !== undefined && groups.has(g.parent))
        levels.set(g.parent, Math.max(levels.get(g.parent) ?? 0, (levels.get(g.id) ?? 0) + 1));
    for (const g of doc.groups) {
      const f = groups.get(g.id)!;
      if (f.members.length === 0) continue;
      let params = 0;
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      let error = false;
      for (const m of f.members) {
        params += facts.nodes.get(m.id)?.params ?? 0;
        x0 = Math.min(x0, m.position.x);
        y0 = Math.min(y0, m.position.y);
        x1 = Math.max(x1, m.position.x);
        y1 = Math.max(y1, m.position.y);
        error ||= errors.has(m.id);
      }
      const block = g.collapsed && f.collapsedIn === g.id;
      const frame = !g.collapsed && !f.collapsedIn;
      if (!block && !frame) continue;
      const level = (levels.get(g.id) ?? 0) + 1;
      const pad = frameMargin * level;
      const head = (frameMargin + frameTitle) * level - pad;
      const id = block ? `group:${g.id}` : `frame:${g.id}`;
      const isSelected = selected.has(id);
      // A block's ports sit where React Flow measured its edges (a block is shorter than a layer).
      const size = (block && this.measured.get(id)) || nodeSize;
      const key = JSON.stringify([
        size,
        g,
        params,
        x0,
        y0,
        x1,
        y1,
        error,
        isSelected,
        f.members.length,
        f.depth,
        level,
      ]);
      const old = this.groupNodes.get(id);
      if (old?.key === key) {
        kept.set(id, old);
        nodes.push(old.node);
        continue;
      }
      const data: GroupNodeData = {
        groupId: g.id,
        name: echo(g.name, 60),
        params: formatCount(params),
        count: f.members.length,
        error,
        onToggle: this.onToggle,
      };
      const node: Node = block
        ? {
            id,
            type: 'block',
            position: { x: x0, y: y0 },
            initialWidth: nodeSize.width,
            initialHeight: nodeSize.height,
            handles: [
              ...portHandles([{ name: 'in' }], 'target', size),
              ...portHandles([{ name: 'out' }], 'source', size),
            ],
            data,
            selected: isSelected,
            zIndex: layerZ,
          }
        : {
            id,
            type: 'frame',
            position: { x: x0 - pad, y: y0 - pad - head },
            data,
            draggable: false,
            selectable: false,
            handles: [],
            // Above the wires (z 0), so a title bar covers a wire's label that crosses it, and
            // below the layers (layerZ); the frame's body lets clicks through to the wires.
            zIndex: 1 + Math.min(f.depth, layerZ - 2),
            style: {
              width: x1 + nodeSize.width + pad - (x0 - pad),
              height: y1 + nodeSize.height + pad - (y0 - pad - head),
            },
          };
      kept.set(id, { key, node });
      nodes.push(node);
    }
    this.groupNodes = kept;
  }
}

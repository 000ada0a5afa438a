// Document + lowering → React Flow nodes and edges: layer nodes with shapes and errors, wires
// labelled with the shape they carry (red with the reason when it does not fit), group frames, and
// collapsed blocks standing in for their members.
import type { Edge, Node } from '@xyflow/react';
import type { DocGroup, DocNode, NetloomDocument } from '../../src/document/schema.ts';
import type { Lowered } from '../../src/compile/lower.ts';
import { formatShape } from '../../src/ir/types.ts';
import { echo } from '../../src/util/text.ts';
import { groupChain, groupParents } from '../../src/document/groups.ts';
import type { TensorType } from '../../src/ir/types.ts';
import { layerDef } from '../../src/layers/registry.ts';
import { portsOf } from '../../src/layers/layer-def.ts';
import { familyColors, formatCount } from './families.ts';
import { nodeSize } from './layout.ts';
import type { LayerNodeData } from '../components/LayerNode.tsx';
import type { GroupNodeData } from '../components/GroupNodes.tsx';

export function shapeText(t: TensorType | undefined, kind: string): string {
  if (!t) return '';
  const s = formatShape(t.shape, kind !== 'Constant');
  return t.dtype === 'float32' ? s : `${s} ${t.dtype}`;
}

/** The outermost collapsed group of a chain (innermost first): its members are drawn as that block. */
function outermostCollapsed(
  chain: readonly string[],
  byId: ReadonlyMap<string, DocGroup>,
): string | undefined {
  let found: string | undefined;
  for (const at of chain) if (byId.get(at)?.collapsed) found = at;
  return found;
}

interface GroupIndex {
  /** Every node inside each group, directly or through nested groups. */
  readonly members: ReadonlyMap<string, DocNode[]>;
  readonly params: ReadonlyMap<string, number>;
  /** The collapsed block each hidden node is drawn as. */
  readonly hiddenIn: ReadonlyMap<string, string>;
}

/** One pass over the nodes (each walks up its own groups): a search per group was quadratic. */
function indexGroups(doc: NetloomDocument, lowered: Lowered): GroupIndex {
  const parents = groupParents(doc.groups);
  const byId = new Map(doc.groups.map((g) => [g.id, g]));
  const members = new Map<string, DocNode[]>();
  const params = new Map<string, number>();
  const hiddenIn = new Map<string, string>();
  for (const n of doc.nodes) {
    const chain = groupChain(parents, n.group);
    const c = outermostCollapsed(chain, byId);
    if (c) hiddenIn.set(n.id, c);
    const p = lowered.nodes.get(n.id)?.params ?? 0;
    for (const g of chain) {
      const list = members.get(g);
      if (list) list.push(n);
      else members.set(g, [n]);
      params.set(g, (params.get(g) ?? 0) + p);
    }
  }
  return { members, params, hiddenIn };
}

export function groupParams(
  doc: NetloomDocument,
  lowered: Lowered,
  gid: string,
): { params: number; count: number } {
  const index = indexGroups(doc, lowered);
  return { params: index.params.get(gid) ?? 0, count: index.members.get(gid)?.length ?? 0 };
}

function extent(values: readonly number[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

export function buildFlow(
  doc: NetloomDocument,
  lowered: Lowered,
  selection: readonly string[],
  onToggle: (id: string) => void,
): { nodes: Node[]; edges: Edge[] } {
  const selected = new Set(selection);
  const errors = new Map<string, { message: string; port?: string }[]>();
  const warnings = new Map<string, string>();
  for (const d of lowered.diagnostics) {
    if (!d.node) continue;
    if (d.severity === 'error')
      errors.set(d.node, [...(errors.get(d.node) ?? []), { message: d.message, port: d.port }]);
    else warnings.set(d.node, d.message);
  }
  const groupIndex = indexGroups(doc, lowered);
  const hiddenIn = groupIndex.hiddenIn;
  const groupById = new Map(doc.groups.map((g) => [g.id, g]));

  // Lookups by id: per-wire searches of the node list made a 500-layer graph's rebuild quadratic.
  const kindOf = new Map(doc.nodes.map((n) => [n.id, n.kind]));
  const wireInto = new Map(doc.edges.map((e) => [e.target.node, e.id]));

  const nodes: Node[] = [];
  // Frames of expanded groups, behind the nodes, sized to their members.
  const parents = groupParents(doc.groups);
  for (const g of doc.groups) {
    const members = groupIndex.members.get(g.id) ?? [];
    if (members.length === 0) continue;
    const hiddenBy = outermostCollapsed(groupChain(parents, g.id), groupById);
    const xs = extent(members.map((m) => m.position.x));
    const ys = extent(members.map((m) => m.position.y));
    const depth = groupChain(parents, g.parent).length;
    const pad = 24 - depth * 8;
    const stats = { params: groupIndex.params.get(g.id) ?? 0, count: members.length };
    const data: GroupNodeData = {
      groupId: g.id,
      name: echo(g.name, 60),
      params: formatCount(stats.params),
      count: stats.count,
      error: members.some((m) => errors.has(m.id)),
      onToggle,
    };
    if (g.collapsed && hiddenBy === g.id) {
      nodes.push({
        id: `group:${g.id}`,
        type: 'block',
        position: { x: xs.min, y: ys.min },
        initialWidth: nodeSize.width,
        initialHeight: nodeSize.height,
        data,
        selected: selected.has(`group:${g.id}`),
      });
    } else if (!g.collapsed && !hiddenBy) {
      const x0 = xs.min - pad;
      const y0 = ys.min - pad - 22;
      nodes.push({
        id: `frame:${g.id}`,
        type: 'frame',
        position: { x: x0, y: y0 },
        data,
        draggable: false,
        selectable: false,
        zIndex: -1 - (4 - depth),
        style: {
          width: xs.max + nodeSize.width + pad - x0,
          height: ys.max + nodeSize.height + pad - y0,
        },
      });
    }
  }

  for (const n of doc.nodes) {
    if (hiddenIn.has(n.id)) continue;
    const def = layerDef(n.kind);
    const report = lowered.nodes.get(n.id);
    const params = (report?.resolvedParams ?? def?.params.safeParse(n.params).data ?? {}) as Record<
      string,
      unknown
    >;
    const ports = (list: ReturnType<typeof portsOf> | undefined) =>
      (list ?? []).map((p) => ({ name: p.name, label: p.label ?? p.name }));
    const outs = report?.outputs ?? {};
    const first = Object.values(outs)[0];
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
      label: echo(n.name ?? n.id, 60),
      summary,
      color: def ? familyColors[def.family] : '#ef4444',
      inputs: ports(def ? portsOf(def.inputs, params) : [{ name: 'x' }]),
      outputs: ports(def ? portsOf(def.outputs, params) : [{ name: 'y' }]),
      shape:
        n.kind === 'Output'
          ? shapeText(lowered.edgeTypes.get(wireInto.get(n.id) ?? ''), n.kind)
          : Object.keys(outs).length > 1
            ? Object.entries(outs)
                .map(([p, t]) => `${p} ${shapeText(t, n.kind)}`)
                .join(' · ')
            : shapeText(first, n.kind),
      params:
        report && report.params > 0
          ? `${formatCount(report.params)} params`
          : n.sharesWeightsWith
            ? `shares ${n.sharesWeightsWith}'s weights`
            : '',
      error: errors.get(n.id)?.[0]?.message,
      warning: warnings.get(n.id),
      frozen: n.frozen ?? false,
    };
    nodes.push({
      id: n.id,
      type: 'layer',
      position: n.position,
      data,
      selected: selected.has(n.id),
      // Nodes are rebuilt on every edit, which drops React Flow's measured sizes; the minimap
      // draws only nodes with a known size.
      initialWidth: nodeSize.width,
      initialHeight: nodeSize.height,
    });
  }

  const edges: Edge[] = [];
  const seen = new Set<string>();
  for (const e of doc.edges) {
    const s = hiddenIn.get(e.source.node);
    const t = hiddenIn.get(e.target.node);
    if (s && s === t) continue;
    const source = s ? `group:${s}` : e.source.node;
    const target = t ? `group:${t}` : e.target.node;
    const id = s || t ? `${source}->${target}:${e.target.port}` : e.id;
    if (seen.has(id)) continue;
    seen.add(id);
    const type = lowered.edgeTypes.get(e.id);
    const srcKind = kindOf.get(e.source.node) ?? '';
    const bad = errors.get(e.target.node)?.find((x) => x.port === e.target.port);
    edges.push({
      id,
      source,
      target,
      sourceHandle: s ? 'out' : e.source.port,
      targetHandle: t ? 'in' : e.target.port,
      label: bad ? `✕ ${shapeText(type, srcKind)}` : shapeText(type, srcKind),
      className: bad ? 'wire bad' : 'wire',
      data: { reason: bad?.message },
      selectable: !s && !t,
      labelBgPadding: [4, 2],
      labelBgBorderRadius: 4,
    });
  }
  return { nodes, edges };
}

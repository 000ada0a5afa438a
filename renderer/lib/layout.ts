// Automatic layout with elkjs (layered, top to bottom), keeping ports in order.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { DocNode, NetloomDocument } from '../../src/document/schema.ts';
import { groupChain, groupParents } from '../../src/document/groups.ts';
import { nodeSize } from './node-size.ts';

const elk = new ELK();

export { nodeSize };

export async function autoLayout(doc: NetloomDocument): Promise<Map<string, { x: number; y: number }>> {
  // A graph with blocks is laid out as shown: each block a frame (or one box when collapsed).
  if (doc.groups.length > 0) return flowLayout(doc);
  const ids = new Set(doc.nodes.map((n) => n.id));
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: doc.nodes.map((n) => ({ id: n.id, ...nodeSize })),
    edges: doc.edges
      .filter((e) => ids.has(e.source.node) && ids.has(e.target.node))
      .map((e) => ({ id: e.id, sources: [e.source.node], targets: [e.target.node] })),
  });
  const out = new Map<string, { x: number; y: number }>();
  for (const c of graph.children ?? []) out.set(c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) });
  return out;
}

/**
 * Room an expanded block's frame keeps around its members (flow-model draws frames with these):
 * a margin on every side, and its title above them. Each level of nesting adds both, so nested
 * titles stack instead of overlapping.
 */
export const frameMargin = 12;
export const frameTitle = 22;
const framePadding = `[top=${frameMargin + frameTitle},left=${frameMargin},bottom=${frameMargin},right=${frameMargin}]`;

interface ElkBox {
  id: string;
  width?: number;
  height?: number;
  layoutOptions?: Record<string, string>;
  children?: ElkBox[];
  x?: number;
  y?: number;
}

/**
 * Lays the graph out as it is shown: a collapsed block is one box (its members move with it and
 * keep their arrangement inside), an expanded block is a compound box around its members, so
 * collapsing or expanding re-flows everything around it. Returns the new position of every layer.
 */
export async function flowLayout(doc: NetloomDocument): Promise<Map<string, { x: number; y: number }>> {
  const parents = groupParents(doc.groups);
  const byId = new Map(doc.groups.map((g) => [g.id, g]));
  /** The outermost collapsed group on a chain (innermost first). */
  const collapsedOf = (chain: readonly string[]) => {
    let c: string | undefined;
    for (const at of chain) if (byId.get(at)?.collapsed) c = at;
    return c;
  };
  const membersOf = new Map<string, DocNode[]>();
  const boxOf = new Map<string, string>();
  for (const n of doc.nodes) {
    const chain = groupChain(parents, n.group);
    for (const g of chain) membersOf.set(g, [...(membersOf.get(g) ?? []), n]);
    const c = collapsedOf(chain);
    boxOf.set(n.id, c ? `group:${c}` : n.id);
  }

  // The boxes and who contains them: root, or an expanded group.
  const boxes = new Map<string, ElkBox>();
  const root: ElkBox = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: [],
  };
  const containerOf = (groupId: string | undefined): ElkBox => {
    if (groupId === undefined || !byId.has(groupId)) return root;
    const key = `group:${groupId}`;
    let box = boxes.get(key);
    if (!box) {
      box = { id: key, layoutOptions: { 'elk.padding': framePadding }, children: [] };
      boxes.set(key, box);
      const up = parents.get(groupId);
      containerOf(up !== undefined && byId.has(up) ? up : undefined).children!.push(box);
    }
    return box;
  };
  for (const n of doc.nodes) {
    const chain = groupChain(parents, n.group);
    const c = collapsedOf(chain);
    if (c) {
      const key = `group:${c}`;
      if (!boxes.has(key)) {
        const box: ElkBox = { id: key, ...nodeSize };
        boxes.set(key, box);
        containerOf(parents.get(c)).children!.push(box);
      }
    } else containerOf(chain[0]).children!.push({ id: n.id, ...nodeSize });
  }

  const seen = new Set<string>();
  const edges = [];
  for (const e of doc.edges) {
    const s = boxOf.get(e.source.node);
    const t = boxOf.get(e.target.node);
    if (!s || !t || s === t || seen.has(`${s}>${t}`)) continue;
    seen.add(`${s}>${t}`);
    edges.push({ id: `e${edges.length}`, sources: [s], targets: [t] });
  }
  const laid = (await elk.layout({ ...root, edges } as Parameters<typeof elk.layout>[0])) as ElkBox;

  const out = new Map<string, { x: number; y: number }>();
  const place = (box: ElkBox, ox: number, oy: number) => {
    for (const c of box.children ?? []) {
      const x = ox + (c.x ?? 0);
      const y = oy + (c.y ?? 0);
      if (c.children?.length) place(c, x, y);
      else if (c.id.startsWith('group:') && membersOf.has(c.id.slice(6))) {
        const members = membersOf.get(c.id.slice(6))!;
        const x0 = Math.min(...members.map((m) => m.position.x));
        const y0 = Math.min(...members.map((m) => m.position.y));
        for (const m of members)
          out.set(m.id, { x: Math.round(m.position.x - x0 + x), y: Math.round(m.position.y - y0 + y) });
      } else out.set(c.id, { x: Math.round(x), y: Math.round(y) });
    }
  };
  place(laid, 0, 0);
  return out;
}

/** Above this many layers a template opens with its outer blocks collapsed. */
export const collapseAbove = 40;

/**
 * A template as it reads best when it opens: a big one with blocks (ResNet-18: stem and four
 * stages) shows each outer block collapsed, laid out around them; a small one as it was drawn.
 */
export async function readableTemplate(doc: NetloomDocument): Promise<NetloomDocument> {
  if (doc.nodes.length <= collapseAbove || !doc.groups.some((g) => g.parent === undefined)) return doc;
  const collapsed = {
    ...doc,
    groups: doc.groups.map((g) => (g.parent === undefined ? { ...g, collapsed: true } : g)),
  };
  const positions = await flowLayout(collapsed);
  return {
    ...collapsed,
    nodes: collapsed.nodes.map((n) => {
      const p = positions.get(n.id);
      return p ? { ...n, position: p } : n;
    }),
  };
}

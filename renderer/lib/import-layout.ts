// Positions for an imported model as it opens: its collapsed blocks (import-groups.ts) each stand
// in for their layers, so the graph laid out is the one on screen (Input → stem → layer1 … → fc),
// not the flat column of every layer with gaps where the hidden ones were. Inside each collapsed
// block its layers are laid out on their own, from the block's corner, ready for when it opens.
import type { NetloomDocument } from '../../src/document/schema.ts';
import { groupChain, groupParents } from '../../src/document/groups.ts';
import { nodeSize } from './node-size.ts';

type Point = { x: number; y: number };

/** Lays out a (small) document with elk: in the layout worker from the page, directly in the import worker. */
export type ElkLayout = (doc: NetloomDocument) => Promise<Map<string, Point>> | Map<string, Point>;

/** The document's node and wire lists reduced to `units` (a node id → the unit drawn for it). */
function reduced(doc: NetloomDocument, unitOf: (id: string) => string | undefined): NetloomDocument {
  const units = new Set<string>();
  for (const n of doc.nodes) {
    const u = unitOf(n.id);
    if (u !== undefined) units.add(u);
  }
  const seen = new Set<string>();
  const edges = doc.edges.flatMap((e) => {
    const s = unitOf(e.source.node);
    const t = unitOf(e.target.node);
    if (s === undefined || t === undefined || s === t || seen.has(`${s}\n${t}`)) return [];
    seen.add(`${s}\n${t}`);
    return [{ ...e, source: { node: s, port: 'y' }, target: { node: t, port: 'x' } }];
  });
  return {
    ...doc,
    nodes: [...units].map((id) => ({ id, kind: 'Unit', params: {}, position: { x: 0, y: 0 } })),
    edges,
    groups: [],
  };
}

/** Past this many units elk's layered layout takes tens of seconds (and deep recursion). */
const elkLimit = 1500;

/**
 * Layers by longest path from the inputs, side by side in a layer in file order: linear in the
 * graph's size, for imports too big for elk (a 5,000-node file opens in seconds, not a minute).
 */
function layered(doc: NetloomDocument): Map<string, Point> {
  const ids = doc.nodes.map((n) => n.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const next = ids.map((): number[] => []);
  const indegree = ids.map(() => 0);
  for (const e of doc.edges) {
    const s = index.get(e.source.node);
    const t = index.get(e.target.node);
    if (s === undefined || t === undefined || s === t) continue;
    next[s]!.push(t);
    indegree[t]!++;
  }
  const rank = ids.map(() => 0);
  const queue = ids.flatMap((_, i) => (indegree[i] === 0 ? [i] : []));
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q]!;
    for (const t of next[i]!) {
      rank[t] = Math.max(rank[t]!, rank[i]! + 1);
      if (--indegree[t]! === 0) queue.push(t);
    }
  }
  const rows = new Map<number, number[]>();
  // Nodes on a cycle (the file is untrusted) keep the rank they reached.
  ids.forEach((_, i) => {
    const row = rows.get(rank[i]!);
    if (row) row.push(i);
    else rows.set(rank[i]!, [i]);
  });
  const out = new Map<string, Point>();
  const dx = nodeSize.width + 40;
  const dy = nodeSize.height + 40;
  for (const [r, row] of rows)
    row.forEach((i, k) => out.set(ids[i]!, { x: Math.round((k - (row.length - 1) / 2) * dx), y: r * dy }));
  return out;
}

/** Positions for an imported document, with `elk` for the graphs small enough for it. */
export async function layoutImportedWith(doc: NetloomDocument, elk: ElkLayout): Promise<Map<string, Point>> {
  const place = (d: NetloomDocument) => (d.nodes.length > elkLimit ? layered(d) : elk(d));
  if (!doc.groups.some((g) => g.collapsed)) return place(doc);
  const parents = groupParents(doc.groups);
  const collapsed = new Set(doc.groups.filter((g) => g.collapsed).map((g) => g.id));
  const groupOf = new Map(doc.nodes.map((n) => [n.id, n.group]));
  /** The outermost collapsed group holding the node, if any. */
  const blockOf = (id: string): string | undefined => {
    const chain = groupChain(parents, groupOf.get(id));
    for (let i = chain.length - 1; i >= 0; i--) if (collapsed.has(chain[i]!)) return chain[i];
    return undefined;
  };
  const block = new Map(doc.nodes.map((n) => [n.id, blockOf(n.id)]));
  const shown = await place(reduced(doc, (id) => block.get(id) ?? id));
  const out = new Map<string, Point>();
  for (const n of doc.nodes) if (!block.get(n.id)) out.set(n.id, shown.get(n.id) ?? n.position);
  for (const b of new Set(block.values())) {
    if (b === undefined) continue;
    const inside = await place(reduced(doc, (id) => (block.get(id) === b ? id : undefined)));
    const corner = shown.get(b) ?? { x: 0, y: 0 };
    let x0 = Infinity;
    let y0 = Infinity;
    for (const p of inside.values()) {
      x0 = Math.min(x0, p.x);
      y0 = Math.min(y0, p.y);
    }
    for (const [id, p] of inside) out.set(id, { x: corner.x + p.x - x0, y: corner.y + p.y - y0 });
  }
  return out;
}

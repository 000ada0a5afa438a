// Positions for an imported model as it opens: its collapsed blocks (import-groups.ts) each stand
// in for their layers, so the graph laid out is the one on screen (Input → stem → layer1 … → fc),
// not the flat column of every layer with gaps where the hidden ones were. Inside each collapsed
// block its layers are laid out on their own, from the block's corner, ready for when it opens.
import type { NetloomDocument } from '../../src/document/schema.ts';
import { groupChain, groupParents } from '../../src/document/groups.ts';
import { autoLayout } from './layout.ts';

type Point = { x: number; y: number };

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

export async function layoutImported(doc: NetloomDocument): Promise<Map<string, Point>> {
  if (!doc.groups.some((g) => g.collapsed)) return autoLayout(doc);
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
  const shown = await autoLayout(reduced(doc, (id) => block.get(id) ?? id));
  const out = new Map<string, Point>();
  for (const n of doc.nodes) if (!block.get(n.id)) out.set(n.id, shown.get(n.id) ?? n.position);
  for (const b of new Set(block.values())) {
    if (b === undefined) continue;
    const inside = await autoLayout(reduced(doc, (id) => (block.get(id) === b ? id : undefined)));
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

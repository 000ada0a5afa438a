// Automatic layout with elkjs (layered, top to bottom), keeping ports in order.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { NetloomDocument } from '../../src/document/schema.ts';

const elk = new ELK();

export const nodeSize = { width: 200, height: 84 };

export async function autoLayout(doc: NetloomDocument): Promise<Map<string, { x: number; y: number }>> {
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

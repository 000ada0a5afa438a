// The canvas's view: its zoom limits, where the level of detail changes, and fitting the view to
// the document. Fitting reads the document, not React Flow's nodes: below the level-of-detail zoom
// React Flow holds none (the overview canvas draws them).
import { getViewportForBounds } from '@xyflow/react';
import type { ReactFlowInstance } from '@xyflow/react';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { groupChain, groupParents } from '../../src/document/groups.ts';
import { useEditor } from '../store/document-store.ts';
import { nodeSize } from './layout.ts';

export const minZoom = 0.05;
export const maxZoom = 2;

/**
 * Below this zoom nodes are drawn as boxes on one canvas (text would be under 5 px); above
 * `lodExitZoom` as React Flow nodes. The gap keeps a zoom that hovers at the edge from flipping.
 */
export const lodEnterZoom = 0.35;
export const lodExitZoom = 0.4;

/**
 * Where each node is drawn: at its position, or, inside a collapsed block, at the block's place
 * (its members' top-left corner), so the layers a block hides do not count.
 */
function drawnAt(doc: NetloomDocument): { x: number; y: number }[] {
  if (!doc.groups.some((g) => g.collapsed)) return doc.nodes.map((n) => n.position);
  const parents = groupParents(doc.groups);
  const collapsed = new Set(doc.groups.filter((g) => g.collapsed).map((g) => g.id));
  const corner = new Map<string, { x: number; y: number }>();
  const out: { x: number; y: number }[] = [];
  for (const n of doc.nodes) {
    const block = groupChain(parents, n.group).findLast((g) => collapsed.has(g));
    if (block === undefined) {
      out.push(n.position);
      continue;
    }
    const c = corner.get(block) ?? { x: Infinity, y: Infinity };
    corner.set(block, { x: Math.min(c.x, n.position.x), y: Math.min(c.y, n.position.y) });
  }
  return [...out, ...corner.values()];
}

/** The extent of what the document draws (each node or block as large as a default node). */
export function documentBounds(
  doc: NetloomDocument,
): { x: number; y: number; width: number; height: number } | undefined {
  if (doc.nodes.length === 0) return undefined;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of drawnAt(doc)) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x + nodeSize.width);
    y1 = Math.max(y1, p.y + nodeSize.height);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Fits the view to the document, as React Flow's fitView does (10 % padding, the zoom limits). */
export function fitGraph(
  flow: Pick<ReactFlowInstance, 'setViewport'>,
  opts: { duration?: number } = {},
): void {
  const el = document.querySelector('.react-flow');
  const b = documentBounds(useEditor.getState().doc);
  if (!el || !b) return;
  const { width, height } = el.getBoundingClientRect();
  void flow.setViewport(getViewportForBounds(b, width, height, minZoom, maxZoom, 0.1), opts);
}

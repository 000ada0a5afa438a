// The canvas's view: its zoom limits, where the level of detail changes, and fitting the view to
// the document. Fitting reads the document, not React Flow's nodes: below the level-of-detail zoom
// React Flow holds none (the overview canvas draws them).
import { getViewportForBounds } from '@xyflow/react';
import type { ReactFlowInstance } from '@xyflow/react';
import type { NetloomDocument } from '../../src/document/schema.ts';
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

/** The extent of the document's nodes (each as large as a default node). */
export function documentBounds(
  doc: NetloomDocument,
): { x: number; y: number; width: number; height: number } | undefined {
  if (doc.nodes.length === 0) return undefined;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of doc.nodes) {
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + nodeSize.width);
    y1 = Math.max(y1, n.position.y + nodeSize.height);
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

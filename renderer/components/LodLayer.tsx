// The canvas at low zoom: every node as a box and every wire as a line, painted on one canvas over
// the pane (which still pans and zooms it, and takes the clicks the Canvas turns into selection and
// drags). React Flow gets no nodes while this shows, so thousands of nodes on screen cost one paint.
import { useStoreApi } from '@xyflow/react';
import { memo, useLayoutEffect, useRef } from 'react';
import type { Overview } from '../lib/overview.ts';
import { paintOverview, paletteOf } from '../lib/overview.ts';
import { paintOnView } from '../lib/paint-on-view.ts';
import { useEditor } from '../store/document-store.ts';

/**
 * Mounted for as long as the canvas is, painting only while `on` (the view is in the overview): a
 * canvas made at each crossing was a new backing store and a second full paint in the next frame
 * (the first paint's colours), at 5,000 boxes part of the crossing's long task.
 */
export const LodLayer = memo(function LodLayer({ overview, on }: { overview: Overview; on: boolean }) {
  const store = useStoreApi();
  const ref = useRef<HTMLCanvasElement>(null);
  const theme = useEditor((s) => s.theme);
  const paintedTheme = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    const el = ref.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    if (!on) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, el.width, el.height);
      return;
    }
    const themeChanged = paintedTheme.current !== theme;
    paintedTheme.current = theme;
    const paint = () => {
      const { transform, width, height } = store.getState();
      const dpr = window.devicePixelRatio || 1;
      const w = Math.max(1, Math.round(width * dpr));
      const h = Math.max(1, Math.round(height * dpr));
      if (el.width !== w || el.height !== h) {
        el.width = w;
        el.height = h;
      }
      paintOverview(
        ctx,
        overview,
        { x: transform[0], y: transform[1], zoom: transform[2] },
        { width, height, dpr },
        paletteOf(el),
      );
    };
    // The first paint in this frame (an edit shows with it); at the first crossing and after a
    // change of theme once more in the next frame (its colours are on the page by then); pans and
    // zooms once per frame. An edit, and a later crossing, paints once: at thousands of boxes on
    // screen a second paint doubles its cost.
    return paintOnView(store, paint, themeChanged);
  }, [overview, theme, store, on]);
  return <canvas ref={ref} className="lod-layer" data-testid={on ? 'lod-canvas' : undefined} hidden={!on} />;
});

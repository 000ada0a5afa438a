// One canvas painter per view: the level-of-detail layer and the minimap both repaint when the
// canvas pans, zooms or resizes, at most once a frame.
import type { useStoreApi } from '@xyflow/react';

type FlowStore = ReturnType<typeof useStoreApi>;

/**
 * Paints now (and, with `againNextFrame`, once more in the next frame), then after each change of
 * the view; returns what stops it.
 */
export function paintOnView(store: FlowStore, paint: () => void, againNextFrame = false): () => void {
  let frame = 0;
  const run = () => {
    frame = 0;
    paint();
  };
  run();
  if (againNextFrame) frame = requestAnimationFrame(run);
  const off = store.subscribe((s, prev) => {
    if (frame || (s.transform === prev.transform && s.width === prev.width && s.height === prev.height))
      return;
    frame = requestAnimationFrame(run);
  });
  return () => {
    off();
    if (frame) cancelAnimationFrame(frame);
  };
}

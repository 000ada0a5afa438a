// The minimap: the whole graph as boxes on one canvas (never an SVG element per node), the view
// as a window in a shaded mask. Drag on it to move the view there, wheel on it to zoom.
import { Panel, useReactFlow, useStoreApi } from '@xyflow/react';
import { memo, useLayoutEffect, useRef } from 'react';
import type { PointerEvent, WheelEvent } from 'react';
import type { Overview, View } from '../lib/overview.ts';
import { paintOverview, paletteOf } from '../lib/overview.ts';
import { paintOnView } from '../lib/paint-on-view.ts';
import { useEditor } from '../store/document-store.ts';

const size = { width: 200, height: 150 };
const mask = 'rgb(100 116 139 / 0.25)';

/** The minimap's own view: the graph and the canvas's view, fitted with a margin. */
function miniView(o: Overview, seen: { x: number; y: number; width: number; height: number }): View {
  const b = o.bounds ?? seen;
  const x0 = Math.min(b.x, seen.x);
  const y0 = Math.min(b.y, seen.y);
  const x1 = Math.max(b.x + b.width, seen.x + seen.width);
  const y1 = Math.max(b.y + b.height, seen.y + seen.height);
  const zoom = Math.min(size.width / (x1 - x0), size.height / (y1 - y0)) * 0.9;
  return {
    zoom,
    x: (size.width - (x1 - x0) * zoom) / 2 - x0 * zoom,
    y: (size.height - (y1 - y0) * zoom) / 2 - y0 * zoom,
  };
}

export const MiniMap = memo(function MiniMap({ overview }: { overview: Overview }) {
  const store = useStoreApi();
  const flow = useReactFlow();
  const ref = useRef<HTMLCanvasElement>(null);
  const view = useRef<View>({ x: 0, y: 0, zoom: 1 });
  const theme = useEditor((s) => s.theme);

  useLayoutEffect(() => {
    const el = ref.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    el.width = size.width * dpr;
    el.height = size.height * dpr;
    // The boxes are painted into a second canvas once per graph (and theme) at the minimap's zoom,
    // and again only when that zoom falls below 0.8 of it or rises above it; every pan and zoom
    // between draws that canvas scaled and moved, with the window over it. Painted again at each
    // change of the minimap's view (the canvas zooming out past the graph), 5,000 boxes were
    // rasterized in every frame of a zoom: a quarter of its time.
    const boxes = document.createElement('canvas');
    const bounds = overview.bounds;
    const pad = 2;
    let at: (View & { width: number; height: number }) | undefined;
    const paintBoxes = (zoom: number) => {
      if (!bounds) return;
      at = {
        zoom,
        x: pad - bounds.x * zoom,
        y: pad - bounds.y * zoom,
        width: Math.ceil(bounds.width * zoom) + 2 * pad,
        height: Math.ceil(bounds.height * zoom) + 2 * pad,
      };
      boxes.width = Math.ceil(at.width * dpr);
      boxes.height = Math.ceil(at.height * dpr);
      paintOverview(boxes.getContext('2d')!, overview, at, { ...at, dpr }, paletteOf(el), {
        wires: false,
        minPixels: 1.5,
      });
    };
    const paint = () => {
      const { transform, width, height } = store.getState();
      const [tx, ty, zoom] = transform;
      const seen = { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
      const v = miniView(overview, seen);
      view.current = v;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, el.width, el.height);
      if (!at || v.zoom > at.zoom * (1 + 1e-9) || v.zoom < at.zoom * 0.8) paintBoxes(v.zoom);
      if (at) {
        // A point at p in the cached boxes is at p·s + t in the minimap; unscaled (most of the
        // time), on whole pixels: the boxes as painted, not resampled.
        const s = v.zoom / at.zoom;
        const whole = Math.abs(s - 1) < 1e-9 ? Math.round : (x: number) => x;
        ctx.setTransform(
          dpr * s,
          0,
          0,
          dpr * s,
          whole(dpr * (v.x - at.x * s)),
          whole(dpr * (v.y - at.y * s)),
        );
        ctx.drawImage(boxes, 0, 0, at.width, at.height);
      }
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.beginPath();
      ctx.rect(0, 0, size.width, size.height);
      ctx.rect(v.x + seen.x * v.zoom, v.y + seen.y * v.zoom, seen.width * v.zoom, seen.height * v.zoom);
      ctx.fillStyle = mask;
      ctx.fill('evenodd');
    };
    return paintOnView(store, paint);
  }, [overview, theme, store]);

  /** Centres the canvas's view on the flow point under the pointer. */
  const moveTo = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const v = view.current;
    const x = (e.clientX - r.left - v.x) / v.zoom;
    const y = (e.clientY - r.top - v.y) / v.zoom;
    void flow.setCenter(x, y, { zoom: store.getState().transform[2] });
  };
  return (
    <Panel position="bottom-right" className="minimap" data-testid="minimap">
      <canvas
        ref={ref}
        style={size}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          moveTo(e);
        }}
        onPointerMove={(e) => {
          if (e.buttons & 1) moveTo(e);
        }}
        onWheel={(e: WheelEvent<HTMLCanvasElement>) => {
          const zoom = store.getState().transform[2] * Math.pow(2, -e.deltaY * 0.002);
          void flow.zoomTo(zoom);
        }}
      />
    </Panel>
  );
});

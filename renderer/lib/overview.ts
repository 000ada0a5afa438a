// The graph drawn as plain shapes on one canvas: a box per layer in its family's colour (red when
// it has a problem, outlined when selected), a dashed frame per expanded group, a straight line per
// wire. The canvas's level of detail at low zoom (components/LodLayer.tsx) and the minimap
// (components/MiniMap.tsx) paint it; at thousands of nodes one canvas costs a few milliseconds a
// frame where DOM nodes with text and ports cost seconds.
import type { FlowGraph } from './flow-model.ts';
import type { Edge, Node } from '@xyflow/react';

export interface Box {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly type: 'layer' | 'block' | 'frame';
  readonly color: string;
  readonly error: boolean;
  readonly selected: boolean;
}

export interface Line {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly bad: boolean;
}

export interface Overview {
  /** Frames first, then nodes in drawing order (a later box is on top). */
  readonly boxes: readonly Box[];
  readonly lines: readonly Line[];
  /** The boxes' extent; undefined for an empty graph. */
  readonly bounds: { x: number; y: number; width: number; height: number } | undefined;
}

/** Pan and zoom: a canvas point p shows flow point (p - [x, y]) / zoom. */
export interface View {
  readonly x: number;
  readonly y: number;
  readonly zoom: number;
}

export interface Palette {
  readonly card: string;
  readonly line: string;
  readonly muted: string;
  readonly accent: string;
  readonly error: string;
  readonly block: string;
}

const palettes = new Map<string, Palette>();

/** The theme's colours, read from the CSS variables on `el` once per theme (reading styles forces a style pass). */
export function paletteOf(el: Element): Palette {
  const theme = document.documentElement.dataset['theme'] ?? '';
  const known = palettes.get(theme);
  if (known) return known;
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const accent = v('--accent', '#60a5fa');
  const palette = {
    card: v('--card', '#1e293b'),
    line: v('--line', '#334155'),
    muted: v('--muted', '#94a3b8'),
    accent,
    error: v('--error', '#f87171'),
    block: accent,
  };
  palettes.set(theme, palette);
  return palette;
}

/**
 * Boxes and lines by the React Flow object they were made from: the flow model keeps the objects
 * of unchanged nodes and wires, so after an edit only the few remade ones are measured again.
 */
const boxOfNode = new WeakMap<Node, Box>();
const lineOfEdge = new WeakMap<Edge, { a: Box; b: Box; line: Line }>();

export function overviewOf(
  graph: FlowGraph,
  sizeOf: (n: Node) => { width: number; height: number },
): Overview {
  const boxes: Box[] = [];
  const byId = new Map<string, Box>();
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of graph.nodes) {
    const { width: w, height: h } = sizeOf(n);
    let box = boxOfNode.get(n);
    // A layer's problem is in the graph's `flagged` (its node object stays when a problem comes).
    const data = n.data as { color?: string; error?: unknown };
    const error = n.type === 'layer' ? graph.flagged.has(n.id) : !!data.error;
    if (!box || box.w !== w || box.h !== h || box.error !== error) {
      box = {
        id: n.id,
        x: n.position.x,
        y: n.position.y,
        w,
        h,
        type: n.type === 'frame' ? 'frame' : n.type === 'block' ? 'block' : 'layer',
        color: typeof data.color === 'string' ? data.color : '',
        error,
        selected: !!n.selected,
      };
      boxOfNode.set(n, box);
    }
    boxes.push(box);
    byId.set(n.id, box);
    if (box.x < x0) x0 = box.x;
    if (box.y < y0) y0 = box.y;
    if (box.x + w > x1) x1 = box.x + w;
    if (box.y + h > y1) y1 = box.y + h;
  }
  const lines: Line[] = [];
  for (const e of graph.edges) {
    const a = byId.get(e.source);
    const b = byId.get(e.target);
    if (!a || !b) continue;
    const known = lineOfEdge.get(e);
    if (known && known.a === a && known.b === b) {
      lines.push(known.line);
      continue;
    }
    // Simplified wires: bottom centre of the source to top centre of the target.
    const line = {
      x1: a.x + a.w / 2,
      y1: a.y + a.h,
      x2: b.x + b.w / 2,
      y2: b.y,
      bad: typeof e.className === 'string' && e.className.includes('bad'),
    };
    lineOfEdge.set(e, { a, b, line });
    lines.push(line);
  }
  return {
    boxes,
    lines,
    bounds: boxes.length ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined,
  };
}

/** The topmost layer or block at a flow point (frames are not picked). */
export function boxAt(o: Overview, x: number, y: number): Box | undefined {
  for (let i = o.boxes.length - 1; i >= 0; i--) {
    const b = o.boxes[i]!;
    if (b.type !== 'frame' && x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h) return b;
  }
  return undefined;
}

/**
 * Paints the overview in `view` on a canvas of `width`×`height` CSS pixels at `dpr` device pixels
 * each; only what is in view is drawn. `wires: false` leaves the wires out (the minimap).
 */
export function paintOverview(
  ctx: CanvasRenderingContext2D,
  o: Overview,
  view: View,
  size: { width: number; height: number; dpr: number },
  colors: Palette,
  opts: { wires: boolean; minPixels?: number } = { wires: true },
): void {
  const { zoom } = view;
  const { dpr } = size;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, size.width, size.height);
  ctx.setTransform(dpr * zoom, 0, 0, dpr * zoom, dpr * view.x, dpr * view.y);
  const vx0 = -view.x / zoom;
  const vy0 = -view.y / zoom;
  const vx1 = vx0 + size.width / zoom;
  const vy1 = vy0 + size.height / zoom;
  const px = 1 / zoom; // one CSS pixel in flow units
  const inView = (b: Box) => b.x <= vx1 && b.x + b.w >= vx0 && b.y <= vy1 && b.y + b.h >= vy0;
  // A box is never drawn thinner than minPixels (the minimap's nodes stay visible when small).
  const minW = (opts.minPixels ?? 0) * px;

  ctx.setLineDash([6 * px, 4 * px]);
  ctx.lineWidth = px;
  ctx.strokeStyle = colors.line;
  ctx.beginPath();
  for (const b of o.boxes) if (b.type === 'frame' && inView(b)) ctx.rect(b.x, b.y, b.w, b.h);
  ctx.stroke();
  ctx.setLineDash([]);

  if (opts.wires) {
    for (const bad of [false, true]) {
      ctx.beginPath();
      for (const l of o.lines) {
        if (l.bad !== bad) continue;
        if (Math.max(l.x1, l.x2) < vx0 || Math.min(l.x1, l.x2) > vx1) continue;
        if (Math.max(l.y1, l.y2) < vy0 || Math.min(l.y1, l.y2) > vy1) continue;
        ctx.moveTo(l.x1, l.y1);
        ctx.lineTo(l.x2, l.y2);
      }
      ctx.strokeStyle = bad ? colors.error : colors.muted;
      ctx.lineWidth = (bad ? 2 : 1) * px;
      ctx.stroke();
    }
  }

  // One path per colour: thousands of boxes in a handful of fills.
  const byColor = new Map<string, Box[]>();
  for (const b of o.boxes) {
    if (b.type === 'frame' || !inView(b)) continue;
    const c = b.error ? colors.error : b.type === 'block' ? colors.block : b.color || colors.muted;
    const list = byColor.get(c);
    if (list) list.push(b);
    else byColor.set(c, [b]);
  }
  for (const [color, list] of byColor) {
    ctx.beginPath();
    for (const b of list) ctx.rect(b.x, b.y, Math.max(b.w, minW), Math.max(b.h, minW));
    ctx.fillStyle = color;
    ctx.fill();
  }
  ctx.beginPath();
  for (const b of o.boxes)
    if (b.selected && inView(b)) ctx.rect(b.x - 3 * px, b.y - 3 * px, b.w + 6 * px, b.h + 6 * px);
  ctx.strokeStyle = colors.accent;
  ctx.lineWidth = 2 * px;
  ctx.stroke();
}

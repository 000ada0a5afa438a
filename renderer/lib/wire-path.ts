// Where a residual shortcut runs: a wire straight down past other layers would be drawn behind
// them and vanish, so it bends out to the right, beside the column, and back in. Only a wire with
// a layer (or a collapsed block) in its straight path is routed so: one that drops a long way with
// nothing in between (past a frame's title bars into the next block) stays straight. Shared by the
// canvas's wires (components/WireEdge.tsx) and the SVG/PNG export (lib/diagram.ts).
import { nodeSize } from './layout.ts';

/** How far beside the column a shortcut runs: past half a node and a margin. */
export const shortcutAside = nodeSize.width / 2 + 40;

/** A layer's or a block's box on the canvas, which a straight wire would be drawn behind. */
export interface Obstacle {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The path of a wire that skips layers below its source, and where its label goes. */
export function shortcutPath(sx: number, sy: number, tx: number, ty: number): [string, number, number] {
  const x = Math.max(sx, tx) + shortcutAside;
  const path =
    `M ${sx},${sy} C ${sx},${sy + 40} ${x},${sy + 10} ${x},${sy + 60} ` +
    `L ${x},${ty - 60} C ${x},${ty - 10} ${tx},${ty - 40} ${tx},${ty}`;
  return [path, x, (sy + ty) / 2];
}

/** True for a wire that runs straight down far enough to pass a layer: the cheap test that comes first. */
export function mayBeShortcut(sx: number, sy: number, tx: number, ty: number): boolean {
  return Math.abs(tx - sx) < nodeSize.width / 2 && ty - sy > nodeSize.height + 40;
}

/** Port dots sit on a box's edge: a box must reach this far past a wire's end to lie in its way. */
const endSlack = 8;

/**
 * True for a wire straight down from `source` to `target` with a layer or block (other than its
 * two ends) in its straight path, which it would be drawn behind.
 */
export function isShortcut(
  sx: number,
  sy: number,
  tx: number,
  ty: number,
  obstacles: Iterable<Obstacle>,
  ends: { readonly source: string; readonly target: string },
): boolean {
  if (!mayBeShortcut(sx, sy, tx, ty)) return false;
  const left = Math.min(sx, tx);
  const right = Math.max(sx, tx);
  for (const b of obstacles) {
    if (b.id === ends.source || b.id === ends.target) continue;
    if (b.x < right && b.x + b.width > left && b.y < ty - endSlack && b.y + b.height > sy + endSlack)
      return true;
  }
  return false;
}

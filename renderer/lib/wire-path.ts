// Where a residual shortcut runs: a wire straight down past other layers would be drawn behind
// them and vanish, so it bends out to the right, beside the column, and back in. Shared by the
// canvas's wires (components/WireEdge.tsx) and the SVG/PNG export (lib/diagram.ts).
import { nodeSize } from './layout.ts';

/** How far beside the column a shortcut runs: past half a node and a margin. */
export const shortcutAside = nodeSize.width / 2 + 40;

/** The path of a wire that skips layers below its source, and where its label goes. */
export function shortcutPath(sx: number, sy: number, tx: number, ty: number): [string, number, number] {
  const x = Math.max(sx, tx) + shortcutAside;
  const path =
    `M ${sx},${sy} C ${sx},${sy + 40} ${x},${sy + 10} ${x},${sy + 60} ` +
    `L ${x},${ty - 60} C ${x},${ty - 10} ${tx},${ty - 40} ${tx},${ty}`;
  return [path, x, (sy + ty) / 2];
}

/** True for a wire straight down past at least one layer. */
export function isShortcut(sx: number, sy: number, tx: number, ty: number): boolean {
  return Math.abs(tx - sx) < nodeSize.width / 2 && ty - sy > nodeSize.height + 40;
}

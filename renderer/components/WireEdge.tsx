// A wire: a bezier from an output port to an input port, labelled with the shape it carries (red,
// dashed and crossed when it does not fit). The label is plain SVG text with a halo instead of
// React Flow's measured label box: measuring each label forced a layout per wire.
//
// A wire that runs straight down past other layers (a residual shortcut) would be drawn behind
// them and vanish: it bends out to the right, beside the column, and back in.
import { BaseEdge, getBezierPath } from '@xyflow/react';
import type { Edge, EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import type { WireData } from '../lib/flow-model.ts';
import { nodeSize } from '../lib/layout.ts';

export type WireFlowEdge = Edge<WireData, 'wire'>;

/** How far beside the column a shortcut runs: past half a node and a margin. */
const aside = nodeSize.width / 2 + 40;

/** The path of a wire that skips layers below its source, and where its label goes. */
export function shortcutPath(sx: number, sy: number, tx: number, ty: number): [string, number, number] {
  const x = Math.max(sx, tx) + aside;
  const path =
    `M ${sx},${sy} C ${sx},${sy + 40} ${x},${sy + 10} ${x},${sy + 60} ` +
    `L ${x},${ty - 60} C ${x},${ty - 10} ${tx},${ty - 40} ${tx},${ty}`;
  return [path, x, (sy + ty) / 2];
}

/** True for a wire straight down past at least one layer. */
export function isShortcut(sx: number, sy: number, tx: number, ty: number): boolean {
  return Math.abs(tx - sx) < nodeSize.width / 2 && ty - sy > nodeSize.height + 40;
}

export const WireEdge = memo(function WireEdge(props: EdgeProps<WireFlowEdge>) {
  const { sourceX: sx, sourceY: sy, targetX: tx, targetY: ty } = props;
  const [path, x, y] = isShortcut(sx, sy, tx, ty) ? shortcutPath(sx, sy, tx, ty) : getBezierPath(props);
  const text = props.data?.text;
  return (
    <>
      <BaseEdge id={props.id} path={path} interactionWidth={props.interactionWidth} />
      {text && (
        <text x={x} y={y} className="wire-label" textAnchor="middle" dominantBaseline="central">
          {text}
        </text>
      )}
    </>
  );
});

// A wire: a bezier from an output port to an input port, labelled with the shape it carries (red,
// dashed and crossed when it does not fit). The label is plain SVG text with a halo instead of
// React Flow's measured label box: measuring each label forced a layout per wire.
//
// A wire that runs straight down past other layers (a residual shortcut) bends out beside the
// column (lib/wire-path.ts), so it is not drawn behind them.
import { BaseEdge, getBezierPath, useStore } from '@xyflow/react';
import type { Edge, EdgeProps, ReactFlowState } from '@xyflow/react';
import { memo, useCallback } from 'react';
import type { WireData } from '../lib/flow-model.ts';
import { nodeSize } from '../lib/layout.ts';
import type { Obstacle } from '../lib/wire-path.ts';
import { isShortcut, mayBeShortcut, shortcutPath } from '../lib/wire-path.ts';

export type WireFlowEdge = Edge<WireData, 'wire'>;

/** The canvas's layers and blocks as boxes (frames are not in a wire's way). */
function* obstaclesOf(s: ReactFlowState): Iterable<Obstacle> {
  for (const n of s.nodeLookup.values()) {
    if (n.type === 'frame') continue;
    const p = n.internals.positionAbsolute;
    yield {
      id: n.id,
      x: p.x,
      y: p.y,
      width: n.measured.width ?? n.width ?? nodeSize.width,
      height: n.measured.height ?? n.height ?? nodeSize.height,
    };
  }
}

export const WireEdge = memo(function WireEdge(props: EdgeProps<WireFlowEdge>) {
  const { sourceX: sx, sourceY: sy, targetX: tx, targetY: ty, source, target } = props;
  // Only a long straight-down wire looks for a layer in its way; every other wire returns at once,
  // so the store's updates (a pan) cost nothing per ordinary wire.
  const candidate = mayBeShortcut(sx, sy, tx, ty);
  const aside = useStore(
    useCallback(
      (s: ReactFlowState) => candidate && isShortcut(sx, sy, tx, ty, obstaclesOf(s), { source, target }),
      [candidate, sx, sy, tx, ty, source, target],
    ),
  );
  const [path, x, y] = aside ? shortcutPath(sx, sy, tx, ty) : getBezierPath(props);
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

// A wire: a bezier from an output port to an input port, labelled with the shape it carries (red,
// dashed and crossed when it does not fit). The label is plain SVG text with a halo instead of
// React Flow's measured label box: measuring each label forced a layout per wire.
//
// The label's text comes from the flow model's wire labels (lib/wire-labels.ts), so an edit that
// changes a shape re-renders that label and leaves React Flow's wires alone.
//
// A wire that runs straight down past other layers (a residual shortcut) bends out beside the
// column (lib/wire-path.ts), so it is not drawn behind them.
import { BaseEdge, getBezierPath, useStore } from '@xyflow/react';
import type { Edge, EdgeProps, ReactFlowState } from '@xyflow/react';
import { createContext, memo, useCallback, useContext, useSyncExternalStore } from 'react';
import type { WireData } from '../lib/flow-model.ts';
import { nodeSize } from '../lib/layout.ts';
import { WireLabels } from '../lib/wire-labels.ts';
import type { Obstacle } from '../lib/wire-path.ts';
import { isShortcut, mayBeShortcut, shortcutPath } from '../lib/wire-path.ts';

export type WireFlowEdge = Edge<WireData, 'wire'>;

/** The canvas's wire labels (the Canvas provides its flow model's). */
export const WireLabelsContext = createContext<WireLabels>(new WireLabels());

function useWireLabel(id: string): string | undefined {
  const labels = useContext(WireLabelsContext);
  const subscribe = useCallback((f: () => void) => labels.subscribe(id, f), [labels, id]);
  return useSyncExternalStore(subscribe, () => labels.get(id));
}

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
  const text = useWireLabel(props.id);
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

// A layer on the canvas: kind, name, key parameters, output shape, parameter count, and the
// reason when it does not fit. Defined at module scope and memoised, as React Flow asks.
//
// What an edit changes (shapes, counts, problems, name) is the layer's face, read from the flow
// model's faces by id (lib/wire-labels.ts), not from the React Flow node: an edit re-renders only
// the layers whose faces changed, and React Flow is handed the same nodes as before.
import { Handle, Position } from '@xyflow/react';
import type { NodeProps, Node } from '@xyflow/react';
import { createContext, memo, useCallback, useContext, useSyncExternalStore } from 'react';
import { useDiffMark } from '../runs/diff-highlight.ts';
import type { LayerFace } from '../lib/wire-labels.ts';
import { LayerFaces } from '../lib/wire-labels.ts';

/** What changes only with a layer's kind or ports: in its React Flow node. */
export interface LayerNodeData extends Record<string, unknown> {
  kind: string;
  title: string;
  color: string;
  inputs: { name: string; label: string }[];
  outputs: { name: string; label: string }[];
}

/** The canvas's layer faces (the Canvas provides its flow model's). */
export const LayerFacesContext = createContext<LayerFaces>(new LayerFaces());

const blankFace: LayerFace = {
  label: '',
  summary: '',
  shape: '',
  params: '',
  error: undefined,
  warning: undefined,
  frozen: false,
};

function useFace(id: string): LayerFace {
  const faces = useContext(LayerFacesContext);
  const subscribe = useCallback((f: () => void) => faces.subscribe(id, f), [faces, id]);
  return useSyncExternalStore(subscribe, () => faces.get(id)) ?? blankFace;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

function spread(i: number, n: number): string {
  return `${((i + 1) / (n + 1)) * 100}%`;
}

export const LayerNode = memo(function LayerNode({ id, data: kind, selected }: NodeProps<LayerFlowNode>) {
  // Marked by comparing two runs in the Runs tab (renderer/runs/diff-highlight.ts).
  const diff = useDiffMark(id);
  const face = useFace(id);
  const data = { ...kind, ...face };
  return (
    <div
      className={`layer-node${selected ? ' selected' : ''}${data.error ? ' has-error' : ''}${data.frozen ? ' frozen' : ''}${diff ? ` diff-${diff}` : ''}`}
      data-diff={diff}
      style={{ borderTopColor: data.color }}
      data-testid={`node-${data.label}`}
      data-kind={data.kind}
      data-frozen={data.frozen ? 'true' : undefined}
      title={data.error ?? data.warning ?? ''}
    >
      {data.inputs.map((p, i) => (
        <Handle
          key={p.name}
          id={p.name}
          type="target"
          position={Position.Top}
          style={{ left: spread(i, data.inputs.length) }}
          className="port"
          data-port={p.name}
        >
          {data.inputs.length > 1 && <span className="port-label top">{p.label}</span>}
        </Handle>
      ))}
      <div className="layer-head">
        <span className="layer-kind" style={{ color: data.color }}>
          {data.title}
        </span>
        {data.label !== data.kind && <span className="layer-name">{data.label}</span>}
      </div>
      {data.summary && <div className="layer-summary">{data.summary}</div>}
      <div className="layer-foot">
        <span className="layer-shape" data-testid="shape">
          {data.shape}
        </span>
        {data.params && (
          <span className="layer-params">
            {data.frozen ? 'frozen · ' : ''}
            {data.params}
          </span>
        )}
      </div>
      {data.error && (
        <div className="layer-error" data-testid="node-error">
          {data.error}
        </div>
      )}
      {data.outputs.map((p, i) => (
        <Handle
          key={p.name}
          id={p.name}
          type="source"
          position={Position.Bottom}
          style={{ left: spread(i, data.outputs.length) }}
          className="port"
          data-port={p.name}
        >
          {data.outputs.length > 1 && <span className="port-label bottom">{p.label}</span>}
        </Handle>
      ))}
    </div>
  );
});

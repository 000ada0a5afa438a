// A layer on the canvas: kind, name, key parameters, output shape, parameter count, and the
// reason when it does not fit. Defined at module scope and memoised, as React Flow asks.
//
// What an edit changes (shapes, counts, problems, name) is the layer's face, read from the flow
// model's faces by id (lib/wire-labels.ts), not from the React Flow node: an edit re-renders only
// the layers whose faces changed, and React Flow is handed the same nodes as before.
import { Handle, Position } from '@xyflow/react';
import type { NodeProps, Node } from '@xyflow/react';
import type { ReactElement } from 'react';
import { createContext, memo, useCallback, useContext, useMemo, useSyncExternalStore } from 'react';
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

/** A layer's ports on one side: what changes with its kind only, not with an edit of its face. */
function ports(list: LayerNodeData['inputs'], type: 'target' | 'source'): ReactElement[] {
  const position = type === 'target' ? Position.Top : Position.Bottom;
  return list.map((p, i) => (
    <Handle
      key={p.name}
      id={p.name}
      type={type}
      position={position}
      style={{ left: spread(i, list.length) }}
      className="port"
      data-port={p.name}
    >
      {list.length > 1 && (
        <span className={`port-label ${type === 'target' ? 'top' : 'bottom'}`}>{p.label}</span>
      )}
    </Handle>
  ));
}

export const LayerNode = memo(function LayerNode({ id, data: kind, selected }: NodeProps<LayerFlowNode>) {
  // Marked by comparing two runs in the Runs tab (renderer/runs/diff-highlight.ts).
  const diff = useDiffMark(id);
  const face = useFace(id);
  const data = { ...kind, ...face };
  // The same port elements while the kind's ports are the same: an edit that re-renders the face
  // does not render every port (React Flow's handles each read its store) again.
  const inputs = useMemo(() => ports(kind.inputs, 'target'), [kind.inputs]);
  const outputs = useMemo(() => ports(kind.outputs, 'source'), [kind.outputs]);
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
      {inputs}
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
      {outputs}
    </div>
  );
});

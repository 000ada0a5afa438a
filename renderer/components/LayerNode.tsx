// A layer on the canvas: kind, name, key parameters, output shape, parameter count, and the
// reason when it does not fit. Defined at module scope and memoised, as React Flow asks.
import { Handle, Position } from '@xyflow/react';
import type { NodeProps, Node } from '@xyflow/react';
import { memo } from 'react';
import { useDiffMark } from '../runs/diff-highlight.ts';

export interface LayerNodeData extends Record<string, unknown> {
  kind: string;
  title: string;
  label: string;
  summary: string;
  color: string;
  inputs: { name: string; label: string }[];
  outputs: { name: string; label: string }[];
  shape: string;
  params: string;
  error: string | undefined;
  warning: string | undefined;
  /** Its weights stay as they are while the rest trains (fine-tuning). */
  frozen: boolean;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

function spread(i: number, n: number): string {
  return `${((i + 1) / (n + 1)) * 100}%`;
}

export const LayerNode = memo(function LayerNode({ id, data, selected }: NodeProps<LayerFlowNode>) {
  // Marked by comparing two runs in the Runs tab (renderer/runs/diff-highlight.ts).
  const diff = useDiffMark(id);
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

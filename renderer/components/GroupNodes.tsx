// Blocks: an expanded group is a titled frame behind its nodes; a collapsed one is a single node
// that carries the wires of everything inside it. A click anywhere on a frame's title bar, or on a
// block's head, collapses or expands it.
import { Handle, Position } from '@xyflow/react';
import type { Node, NodeProps } from '@xyflow/react';
import { memo } from 'react';

export interface GroupNodeData extends Record<string, unknown> {
  groupId: string;
  name: string;
  params: string;
  count: number;
  error: boolean;
  onToggle: (id: string) => void;
}

export type FrameFlowNode = Node<GroupNodeData, 'frame'>;
export type BlockFlowNode = Node<GroupNodeData, 'block'>;

export const FrameNode = memo(function FrameNode({ data }: NodeProps<FrameFlowNode>) {
  return (
    <div className={`group-frame${data.error ? ' has-error' : ''}`} data-testid={`frame-${data.name}`}>
      <div
        className="group-title"
        onClick={() => data.onToggle(data.groupId)}
        title="Collapse block"
        data-testid={`frame-title-${data.name}`}
      >
        <span className="icon">▾</span>
        <span className="group-name">{data.name}</span>
        <span className="group-params">{data.params}</span>
      </div>
    </div>
  );
});

export const BlockNode = memo(function BlockNode({ data, selected }: NodeProps<BlockFlowNode>) {
  return (
    <div
      className={`block-node${selected ? ' selected' : ''}${data.error ? ' has-error' : ''}`}
      data-testid={`block-${data.name}`}
    >
      <Handle id="in" type="target" position={Position.Top} className="port" />
      <div
        className="layer-head block-head"
        onClick={(e) => {
          e.stopPropagation();
          data.onToggle(data.groupId);
        }}
        title="Expand block"
      >
        <span className="icon">▸</span>
        <span className="layer-kind">{data.name}</span>
      </div>
      <div className="layer-foot">
        <span>{data.count} layers</span>
        <span className="layer-params">{data.params}</span>
      </div>
      <Handle id="out" type="source" position={Position.Bottom} className="port" />
    </div>
  );
});

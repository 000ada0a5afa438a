// The canvas: React Flow over the Document. Node drags update positions live (one undo step per
// drag), wires refuse loops, palette items drop where the pointer is, and double-click on empty
// canvas opens the quick-add search there.
import { Background, Controls, MiniMap, ReactFlow, useReactFlow } from '@xyflow/react';
import type { Connection, EdgeChange, NodeChange, NodeTypes } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DragEvent, MouseEvent } from 'react';
import {
  addNode,
  connect,
  makesCycle,
  moveNodes,
  removeEdges,
  removeNodes,
  snap,
  toggleCollapsed,
} from '../../src/document/edits.ts';
import { useEditor } from '../store/document-store.ts';
import { useLowered } from '../store/useLowered.ts';
import { buildFlow } from '../lib/flow-graph.ts';
import { LayerNode } from './LayerNode.tsx';
import { BlockNode, FrameNode } from './GroupNodes.tsx';
import { QuickAdd } from './QuickAdd.tsx';
import { confirmDiscard, openBytes } from '../lib/file-actions.ts';

const nodeTypes: NodeTypes = { layer: LayerNode, frame: FrameNode, block: BlockNode };

export const dragKindType = 'application/netloom-kind';

export function Canvas() {
  const doc = useEditor((s) => s.doc);
  const selection = useEditor((s) => s.selection);
  const lowered = useLowered();
  const flow = useReactFlow();
  const [quick, setQuick] = useState<{ screen: { x: number; y: number }; flow: { x: number; y: number } }>();

  const onToggle = useCallback(
    (gid: string) => useEditor.getState().edit((d) => toggleCollapsed(d, gid)),
    [],
  );
  const { nodes, edges } = useMemo(
    () => buildFlow(doc, lowered, selection, onToggle),
    [doc, lowered, selection, onToggle],
  );

  const onNodesChange = useCallback((changes: NodeChange[]) => {
    const st = useEditor.getState();
    const moves = new Map<string, { x: number; y: number }>();
    let sel: Set<string> | undefined;
    const removed: string[] = [];
    for (const c of changes) {
      if (c.type === 'position' && c.position) {
        if (c.id.startsWith('group:')) {
          // Dragging a collapsed block moves all its members by the same amount.
          const gid = c.id.slice(6);
          const members = st.doc.nodes.filter((n) => n.group === gid);
          const x0 = Math.min(...members.map((m) => m.position.x));
          const y0 = Math.min(...members.map((m) => m.position.y));
          for (const m of members)
            moves.set(m.id, { x: m.position.x + c.position.x - x0, y: m.position.y + c.position.y - y0 });
        } else moves.set(c.id, c.dragging === false ? snap(c.position) : c.position);
      } else if (c.type === 'select') {
        sel ??= new Set(st.selection);
        if (c.selected) sel.add(c.id);
        else sel.delete(c.id);
      } else if (c.type === 'remove' && !c.id.startsWith('frame:')) removed.push(c.id);
    }
    if (moves.size) st.replace(moveNodes(st.doc, moves));
    if (sel) st.select([...sel]);
    if (removed.length) st.edit((d) => removeNodes(d, removed));
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const removed = changes.filter((c) => c.type === 'remove').map((c) => c.id);
    if (removed.length) useEditor.getState().edit((d) => removeEdges(d, removed));
  }, []);

  const onConnect = useCallback((c: Connection) => {
    if (!c.sourceHandle || !c.targetHandle) return;
    useEditor
      .getState()
      .edit((d) =>
        connect(d, { node: c.source, port: c.sourceHandle! }, { node: c.target, port: c.targetHandle! }),
      );
  }, []);

  const isValidConnection = useCallback(
    (c: Connection | { source: string; target: string }) =>
      !c.source.startsWith('group:') &&
      !c.target.startsWith('group:') &&
      !makesCycle(useEditor.getState().doc, c.source, c.target),
    [],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      // A project or ONNX file dropped from the desktop (the browser build; Electron's preload
      // takes file drops before the page sees them).
      const file = e.dataTransfer.files[0];
      if (file && /\.(json|onnx)$/i.test(file.name)) {
        e.preventDefault();
        if (confirmDiscard()) {
          void file
            .arrayBuffer()
            .then((b) => openBytes(new Uint8Array(b), file.name))
            .then((ok) => ok && setTimeout(() => flow.fitView(), 50));
        }
        return;
      }
      const kind = e.dataTransfer.getData(dragKindType);
      if (!kind) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      useEditor.getState().edit((d) => addNode(d, kind, { x: p.x - 100, y: p.y - 30 }));
    },
    [flow],
  );

  // "A" opens quick-add where the pointer last was over the canvas (its centre if never).
  const pointer = useRef<{ x: number; y: number }>(undefined);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key !== 'a' || e.ctrlKey || e.metaKey || e.altKey) return;
      if (t.closest('input, textarea, select, [contenteditable="true"]')) return;
      const r = box.current?.getBoundingClientRect();
      if (!r) return;
      const at = pointer.current ?? { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      e.preventDefault();
      setQuick({ screen: at, flow: flow.screenToFlowPosition(at) });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [flow]);

  const onDoubleClick = useCallback(
    (e: MouseEvent) => {
      if (!(e.target as HTMLElement).classList.contains('react-flow__pane')) return;
      setQuick({
        screen: { x: e.clientX, y: e.clientY },
        flow: flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }),
      });
    },
    [flow],
  );

  return (
    <div
      className="canvas"
      ref={box}
      onDoubleClick={onDoubleClick}
      onMouseMove={(e) => (pointer.current = { x: e.clientX, y: e.clientY })}
      onMouseLeave={() => (pointer.current = undefined)}
      data-testid="canvas"
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStart={() => useEditor.getState().checkpoint()}
        onSelectionDragStart={() => useEditor.getState().checkpoint()}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        onDrop={onDrop}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }}
        onPaneClick={() => useEditor.getState().select([])}
        snapToGrid
        snapGrid={[20, 20]}
        zoomOnDoubleClick={false}
        deleteKeyCode={['Delete', 'Backspace']}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionKeyCode="Shift"
        minZoom={0.05}
        onlyRenderVisibleElements
        defaultViewport={{ x: 40, y: 40, zoom: 1 }}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} size={1} />
        <MiniMap
          pannable
          zoomable
          nodeStrokeWidth={3}
          className="minimap"
          nodeColor={(n) =>
            n.type === 'layer' ? String((n.data as { color?: string }).color ?? '#64748b') : 'transparent'
          }
          maskColor="rgb(100 116 139 / 0.25)"
        />
        <Controls />
      </ReactFlow>
      {quick && (
        <QuickAdd
          at={quick.screen}
          onPick={(kind) => {
            useEditor.getState().edit((d) => addNode(d, kind, quick.flow));
            setQuick(undefined);
          }}
          onClose={() => setQuick(undefined)}
        />
      )}
    </div>
  );
}

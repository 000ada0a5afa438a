// The canvas: React Flow over the Document. Node drags update positions live (one undo step per
// drag), wires refuse loops, palette items drop where the pointer is, and double-click on empty
// canvas opens the quick-add search there.
//
// What it draws costs what is visible at the detail that is visible: the flow model
// (lib/flow-model.ts) remakes only the nodes and wires whose data changed, React Flow holds only
// those near the view of a big graph (lib/view-window.ts) and renders only those on screen, and
// below the level-of-detail zoom (lib/view.ts) React Flow gets no nodes at all: one canvas draws
// every node as a box and every wire as a line (LodLayer), and the Canvas
// turns clicks, drags and double-clicks on it into selection, moves and zooming in. The minimap is
// one canvas too.
import {
  Background,
  ControlButton,
  Controls,
  ReactFlow,
  useReactFlow,
  useStore,
  useStoreApi,
} from '@xyflow/react';
import type {
  Connection,
  Edge,
  EdgeChange,
  EdgeTypes,
  FinalConnectionState,
  Node,
  NodeChange,
  NodeTypes,
  OnSelectionChangeFunc,
} from '@xyflow/react';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { DragEvent, MouseEvent } from 'react';
import {
  addNode,
  connect,
  makesCycle,
  moveNodes,
  removeEdges,
  removeNodes,
  selectedNodes,
  snap,
} from '../../src/document/edits.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { useEditor } from '../store/document-store.ts';
import { useLowered } from '../store/lowering-store.ts';
import { useAdoptedInSlices } from '../lib/adopt-slices.ts';
import { FlowModel } from '../lib/flow-model.ts';
import { usePreparedGraph } from '../lib/flow-model-prepare.ts';
import { boxAt, overviewOf } from '../lib/overview.ts';
import { fitGraph, lodEnterZoom, lodExitZoom, maxZoom, minZoom } from '../lib/view.ts';
import type { Box } from '../lib/view-window.ts';
import { covers, HeldNodes, sameBox, viewBox, windowAround, windowedNodes } from '../lib/view-window.ts';
import { LayerFacesContext, LayerNode } from './LayerNode.tsx';
import { BlockNode, FrameNode } from './GroupNodes.tsx';
import { LodLayer } from './LodLayer.tsx';
import { MiniMap } from './MiniMap.tsx';
import { QuickAdd } from './QuickAdd.tsx';
import { WireEdge, WireLabelsContext } from './WireEdge.tsx';
import { confirmDiscard, openBytes } from '../lib/file-actions.ts';
import { startImportWorker } from '../lib/import-client.ts';
import type { WireEnd } from '../lib/fitting-layers.ts';
import { firstInput, firstOutput, kindsThatFit } from '../lib/fitting-layers.ts';
import { setPointerSource, toggleGroup } from '../lib/commands.ts';
import type { CommandId } from '../../src/host/commands.ts';
import { ContextMenu } from './ContextMenu.tsx';
import { NodeMenu } from './NodeMenu.tsx';

const nodeTypes: NodeTypes = { layer: LayerNode, frame: FrameNode, block: BlockNode };
// React Flow, memoised: an edit that changes only what layers and wires read (their faces and
// labels, through the contexts below) renders the canvas, which hands React Flow the same props,
// and React Flow's own tree (its store updater, panes, wrappers) is not rendered again.
const Flow = memo(ReactFlow) as typeof ReactFlow;
const edgeTypes: EdgeTypes = { wire: WireEdge };
const noNodes: Node[] = [];
const noEdges: Edge[] = [];
// React Flow's options, made once: a new array or object for one of them at each render is a
// change its store takes up, waking every node's and wire's selectors.
const snapGrid: [number, number] = [20, 20];
const deleteKeys = ['Delete', 'Backspace'];
const multiSelectionKeys = ['Shift', 'Meta', 'Control'];
const defaultViewport = { x: 40, y: 40, zoom: 1 };
const proOptions = { hideAttribution: true };

export const dragKindType = 'application/netloom-kind';

/** Where quick-add opened, and what its pick is wired after: a dropped wire's end or the selected layer. */
interface QuickAt {
  readonly screen: { x: number; y: number };
  readonly flow: { x: number; y: number };
  readonly after?: WireEnd | undefined;
  /** Offered kinds when a dropped wire opened it: those whose input fits. */
  readonly fits?: ReadonlySet<string> | undefined;
}

/** Adds a layer of `kind` at `at`, wires it after `after` when given, and selects it: one undo step. */
function addAfter(kind: string, at: { x: number; y: number }, after: WireEnd | undefined): void {
  const st = useEditor.getState();
  let id = '';
  st.edit((d) => {
    let next = addNode(d, kind, at);
    id = next.nodes[next.nodes.length - 1]!.id;
    const port = firstInput(kind);
    if (after && port && !makesCycle(next, after.node, id)) next = connect(next, after, { node: id, port });
    return next;
  });
  if (id) st.select([id]);
}

/**
 * Where the nodes `id` stands for go when it moves to `to`: a layer itself, or every member of a
 * collapsed block by the same amount.
 */
function movesFor(
  doc: NetloomDocument,
  id: string,
  to: { x: number; y: number },
  from?: { x: number; y: number },
): Map<string, { x: number; y: number }> {
  const moves = new Map<string, { x: number; y: number }>();
  if (id.startsWith('group:')) {
    const gid = id.slice(6);
    const members = doc.nodes.filter((n) => n.group === gid);
    const x0 = from?.x ?? Math.min(...members.map((m) => m.position.x));
    const y0 = from?.y ?? Math.min(...members.map((m) => m.position.y));
    for (const m of members) moves.set(m.id, { x: m.position.x + to.x - x0, y: m.position.y + to.y - y0 });
  } else moves.set(id, to);
  return moves;
}

/** The fit-view button's icon (React Flow's own; its button is replaced, see fitDocument). */
function FitIcon() {
  return (
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 30">
      <path d="M3.692 4.63c0-.53.4-.938.939-.938h5.215V0H4.708C2.13 0 0 2.054 0 4.63v5.216h3.692V4.631zM27.354 0h-5.2v3.692h5.17c.53 0 .984.4.984.939v5.215H32V4.631A4.624 4.624 0 0027.354 0zm.954 24.83c0 .532-.4.94-.939.94h-5.215v3.768h5.215c2.577 0 4.631-2.13 4.631-4.707v-5.139h-3.692v5.139zm-23.677.94c-.531 0-.939-.4-.939-.94v-5.138H0v5.139c0 2.577 2.13 4.707 4.708 4.707h5.138V25.77H4.631z" />
    </svg>
  );
}

/** Above this many nodes a freshly loaded document shows as boxes until the view is fitted to it. */
const bigGraphNodes = 1000;

/**
 * True while the view is zoomed out past the level of detail (with hysteresis), and from the load
 * of a big document until the view first moves (the fit that follows a load): React Flow handed
 * thousands of nodes at the old view's zoom would mount them all first, a freeze of seconds.
 */
function useLevelOfDetail(doc: NetloomDocument): boolean {
  const on = useRef(false);
  const store = useStoreApi();
  const seen = useRef(doc);
  const heldAt = useRef<unknown>(undefined);
  if (doc !== seen.current) {
    seen.current = doc;
    const st = useEditor.getState();
    if (doc.nodes.length > bigGraphNodes && st.past.length === 0 && st.future.length === 0)
      heldAt.current = store.getState().transform;
  }
  const hold = heldAt.current;
  const held = useStore(useCallback((s: { transform: unknown }) => s.transform === hold, [hold]));
  const lod = useStore(
    useCallback((s: { transform: [number, number, number] }) => {
      const z = s.transform[2];
      return on.current ? z < lodExitZoom : z < lodEnterZoom;
    }, []),
  );
  on.current = lod;
  return lod || held;
}

/**
 * The window of the canvas React Flow holds nodes for while `on` (a big graph above the level of
 * detail; lib/view-window.ts): the same box while the view stays inside it, a new one around the
 * view when it leaves.
 */
function useViewWindow(on: boolean): Box | undefined {
  const held = useRef<Box>(undefined);
  const box = useStore(
    useCallback(
      (s: { transform: [number, number, number]; width: number; height: number }) => {
        if (!on) return undefined;
        const view = viewBox(s.transform, s.width, s.height);
        const now = held.current;
        return now && covers(now, view) ? now : windowAround(view);
      },
      [on],
    ),
    sameBox,
  );
  held.current = box;
  return box;
}

/**
 * React Flow 12 mounts its selection listener whenever the store's list of selection handlers
 * exists, and an empty list exists from the start; the listener then walks every node and wire on
 * each store update (a click on a node makes several): at 5,000 nodes most of a selection's time.
 * The editor registers no selection handlers (selection lives in the editor's store), so the list
 * is taken away before <ReactFlow> first renders, and the listener never mounts.
 */
function withoutSelectionListener(store: ReturnType<typeof useStoreApi>): void {
  const handlers = store.getState().onSelectionChangeHandlers as OnSelectionChangeFunc[] | undefined;
  if (handlers?.length === 0)
    store.setState({ onSelectionChangeHandlers: undefined as unknown as OnSelectionChangeFunc[] });
}

/**
 * Starts the import worker as the canvas first mounts (its code loads and compiles on the worker's
 * thread). A file reaches the canvas through Open…, a drop or a recovery, and each is read in that
 * worker: started only when the Open dialog opened, a file chosen at once (or dropped) waited
 * 0.5–0.9 s for the worker's code while the page itself sat idle (the 2,000- and 5,000-layer grids
 * were shown that much later than when the page parsed them itself).
 */
function useImportWorkerStarted(): void {
  useEffect(startImportWorker, []);
}

/** Those of `ids` that are among `nodes` (a selection is mostly a few ids: no set of every node). */
function onCanvas(ids: readonly string[], nodes: readonly Node[]): string[] {
  if (ids.length > 8) {
    const all = new Set(nodes.map((n) => n.id));
    return ids.filter((id) => all.has(id));
  }
  return ids.filter((id) => nodes.some((n) => n.id === id));
}

/** A drag of nodes begins: one undo step for all of it. */
const checkpoint = () => useEditor.getState().checkpoint();

const onDragOver = (e: DragEvent) => {
  e.preventDefault();
  e.dataTransfer.dropEffect = 'copy';
};

/** The selected layer's first output, which a quick-added layer is wired after. */
function afterSelected(): WireEnd | undefined {
  const st = useEditor.getState();
  return st.selection.length === 1 ? firstOutput(st.doc, st.selection[0]!) : undefined;
}

/** Where a node's context menu opened: on screen, and in flow coordinates (where Paste lands). */
interface MenuAt {
  readonly x: number;
  readonly y: number;
  readonly flow: { x: number; y: number };
}

/**
 * What a right-click on `id` (a layer, a collapsed block `group:…`, or an expanded block's frame
 * `frame:…`) acts on: the selection when it holds `id`, else `id` alone, selected — as file managers do.
 */
function selectForMenu(id: string): void {
  const target = id.startsWith('frame:') ? `group:${id.slice('frame:'.length)}` : id;
  const st = useEditor.getState();
  if (!st.selection.includes(target)) st.select([target]);
}

export const Canvas = memo(function Canvas(props: { run: (id: CommandId) => void }) {
  const { run } = props;
  const doc = useEditor((s) => s.doc);
  const selection = useEditor((s) => s.selection);
  // Every slice's facts as it comes (opening a 5,000-layer project lowers in tens of slices): React
  // Flow keeps the same node and wire objects (lib/flow-model.ts remakes a node only when its ports
  // or place change), so a slice's redraw costs what it lowered; drawing only the first and the
  // finished facts made the finished ones one task that redrew all 5,000 layers (0.15–0.3 s).
  const facts = useLowered();
  const flow = useReactFlow();
  const [quick, setQuick] = useState<QuickAt>();
  const [wire, setWire] = useState<string>();
  const [wireMenu, setWireMenu] = useState<{ id: string; x: number; y: number }>();
  const [nodeMenu, setNodeMenu] = useState<MenuAt>();
  const closeWireMenu = useCallback(() => setWireMenu(undefined), []);
  const onMoveStart = useCallback(() => {
    setWireMenu(undefined);
    setNodeMenu(undefined);
  }, []);
  const closeNodeMenu = useCallback(() => setNodeMenu(undefined), []);
  const openNodeMenu = useCallback(
    (ev: MouseEvent, id: string) => {
      ev.preventDefault();
      selectForMenu(id);
      setWire(undefined);
      setWireMenu(undefined);
      const screen = { x: ev.clientX, y: ev.clientY };
      setNodeMenu({ ...screen, flow: flow.screenToFlowPosition(screen) });
    },
    [flow],
  );
  useImportWorkerStarted();
  const model = useMemo(() => new FlowModel(toggleGroup), []);
  const store = useStoreApi();
  useState(() => withoutSelectionListener(store));
  // A big document just opened is shown once its layers are made, in slices (lib/flow-model-prepare.ts).
  const graph = usePreparedGraph(model, doc, facts, selection);
  // Labels and layers whose faces changed re-render once this render is committed.
  useLayoutEffect(() => {
    model.labels.notify();
    model.faces.notify();
  });
  const overview = useMemo(() => overviewOf(graph, (n) => model.sizeOf(n)), [graph, model]);
  const lod = useLevelOfDetail(doc);
  // What is on the canvas now, for a selection change to keep only that selected: read when one
  // comes (a set of 5,000 ids made at every render was a tenth of a click's time).
  const shown = useRef(graph.nodes);
  shown.current = graph.nodes;
  // The selected wire is drawn highlighted; selecting a layer (or anything) deselects it.
  const liveWire = wire && selection.length === 0 && doc.edges.some((e) => e.id === wire) ? wire : undefined;
  const edges = useMemo(
    () =>
      liveWire ? graph.edges.map((e) => (e.id === liveWire ? { ...e, selected: true } : e)) : graph.edges,
    [graph.edges, liveWire],
  );
  // Of a big graph React Flow holds the nodes near the view (lib/view-window.ts), and the
  // selection, which it deselects and drags.
  const around = useViewWindow(!lod && graph.nodes.length > windowedNodes);
  const [holding] = useState(() => new HeldNodes<Node, Edge>());
  const near = useMemo(
    () =>
      around
        ? holding.of(graph.nodes, edges, around, (n) => model.sizeOf(n), new Set(selection))
        : { nodes: graph.nodes, edges },
    [around, graph.nodes, edges, model, selection, holding],
  );
  // Many nodes arriving at once come into React Flow in slices, what is on screen first
  // (lib/adopt-slices.ts).
  const handed = useAdoptedInSlices(
    lod ? noNodes : (near.nodes as Node[]),
    lod ? noEdges : (near.edges as Edge[]),
    (n) => {
      const { transform, width, height } = store.getState();
      const [tx, ty, zoom] = transform;
      const x = n.position.x * zoom + tx;
      const y = n.position.y * zoom + ty;
      return x > -400 && x < width + 100 && y > -300 && y < height + 100;
    },
    around !== undefined,
  );

  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      const st = useEditor.getState();
      const moves = new Map<string, { x: number; y: number }>();
      let sel: Set<string> | undefined;
      for (const c of changes) {
        if (c.type === 'dimensions' && c.dimensions) model.measured.set(c.id, c.dimensions);
        else if (c.type === 'position' && c.position) {
          const to = c.dragging === false && !c.id.startsWith('group:') ? snap(c.position) : c.position;
          for (const [id, p] of movesFor(st.doc, c.id, to)) moves.set(id, p);
        } else if (c.type === 'select') {
          // Only what is on the canvas now stays selected (a block just expanded is gone).
          sel ??= new Set(onCanvas(st.selection, shown.current));
          if (c.selected) sel.add(c.id);
          else sel.delete(c.id);
        }
      }
      if (moves.size) st.replace(moveNodes(st.doc, moves));
      if (sel) st.select([...sel]);
    },
    [model],
  );

  // Removals come through onDelete, nodes and wires together, as one undo step.
  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    for (const c of changes)
      if (c.type === 'select') setWire((w) => (c.selected ? c.id : w === c.id ? undefined : w));
  }, []);

  // A selected collapsed block (`group:…`) goes with every layer in it.
  const onDelete = useCallback(({ nodes, edges }: { nodes: Node[]; edges: Edge[] }) => {
    const st = useEditor.getState();
    const ids = [
      ...selectedNodes(
        st.doc,
        nodes.map((n) => n.id).filter((id) => !id.startsWith('frame:')),
      ),
    ];
    const wires = edges.map((e) => e.id);
    if (!ids.length && !wires.length) return;
    st.edit((d) => removeEdges(removeNodes(d, ids), wires));
    setWire(undefined);
  }, []);

  // A wire dropped on empty canvas opens quick-add there, offering the layers its output fits.
  const onConnectEnd = useCallback(
    (e: globalThis.MouseEvent | TouchEvent, c: FinalConnectionState) => {
      if (c.isValid || c.toNode || !c.fromNode || !c.fromHandle || c.fromHandle.type !== 'source') return;
      if (c.fromNode.id.startsWith('group:') || !c.fromHandle.id) return;
      const p = 'changedTouches' in e ? e.changedTouches[0]! : e;
      const screen = { x: p.clientX, y: p.clientY };
      const from = { node: c.fromNode.id, port: c.fromHandle.id };
      setQuick({
        screen,
        flow: flow.screenToFlowPosition(screen),
        after: from,
        fits: kindsThatFit(useEditor.getState().doc, from),
      });
    },
    [flow],
  );

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
            .then((ok) => ok && setTimeout(() => fitGraph(flow), 50));
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

  // The controls' fit button fits the document, as opening a file does. React Flow's own fit sees
  // only the nodes it holds (none in the overview, a window of a big graph), and it is queued until
  // they are measured: it then moved the view again, long after, to fit what it held.
  const fitDocument = useCallback(() => fitGraph(flow), [flow]);

  /** The layer or block drawn at a screen point by the level-of-detail canvas. */
  const boxOnScreen = useCallback(
    (x: number, y: number) => {
      const p = flow.screenToFlowPosition({ x, y });
      return boxAt(overview, p.x, p.y);
    },
    [flow, overview],
  );

  /** Set when a drag of a box ends: the click that follows the release is not a selection. */
  const dragged = useRef(false);

  // Below the level of detail a press on a box drags it (its selection, if it is selected), as
  // React Flow does with its nodes above it; the pane pans everywhere else.
  const onMouseDownCapture = useCallback(
    (e: MouseEvent) => {
      dragged.current = false;
      if (!lod || e.button !== 0 || !(e.target as HTMLElement).classList.contains('react-flow__pane')) return;
      const hit = boxOnScreen(e.clientX, e.clientY);
      if (!hit) return;
      e.stopPropagation();
      e.preventDefault();
      const st = useEditor.getState();
      const ids = st.selection.includes(hit.id) ? st.selection : [hit.id];
      if (!st.selection.includes(hit.id)) st.select([hit.id]);
      const start = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const from = new Map(overview.boxes.filter((b) => ids.includes(b.id)).map((b) => [b.id, b]));
      let moved = false;
      const moveTo = (clientX: number, clientY: number, snapped: boolean) => {
        const p = flow.screenToFlowPosition({ x: clientX, y: clientY });
        const dx = p.x - start.x;
        const dy = p.y - start.y;
        if (!moved && Math.hypot(dx, dy) * flow.getZoom() < 3) return;
        if (!moved) st.checkpoint();
        moved = true;
        const moves = new Map<string, { x: number; y: number }>();
        const doc = useEditor.getState().doc;
        for (const [id, b] of from) {
          const to = { x: b.x + dx, y: b.y + dy };
          for (const [m, q] of movesFor(doc, id, snapped ? snap(to) : to, b)) moves.set(m, q);
        }
        useEditor.getState().replace(moveNodes(doc, moves));
      };
      const onMove = (ev: globalThis.MouseEvent) => moveTo(ev.clientX, ev.clientY, false);
      const onUp = (ev: globalThis.MouseEvent) => {
        window.removeEventListener('mousemove', onMove);
        if (moved) moveTo(ev.clientX, ev.clientY, true);
        dragged.current = moved;
      };
      window.addEventListener('mousemove', onMove);
      window.addEventListener('mouseup', onUp, { once: true });
    },
    [lod, boxOnScreen, flow, overview],
  );

  const onPaneClick = useCallback(
    (e: MouseEvent) => {
      if (dragged.current) {
        dragged.current = false;
        return;
      }
      const st = useEditor.getState();
      const hit = lod ? boxOnScreen(e.clientX, e.clientY) : undefined;
      setWire(undefined);
      setWireMenu(undefined);
      if (!hit) st.select([]);
      else if (e.shiftKey || e.ctrlKey || e.metaKey)
        st.select(
          st.selection.includes(hit.id)
            ? st.selection.filter((x) => x !== hit.id)
            : [...st.selection, hit.id],
        );
      else st.select([hit.id]);
    },
    [lod, boxOnScreen],
  );

  // Delete removes the selection; React Flow does it for its own nodes above the level of detail.
  useEffect(() => {
    if (!lod) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Delete' && e.key !== 'Backspace') return;
      if ((e.target as HTMLElement).closest('input, textarea, select, [contenteditable="true"]')) return;
      const st = useEditor.getState();
      const ids = [...selectedNodes(st.doc, st.selection)];
      if (ids.length) st.edit((d) => removeNodes(d, ids));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [lod]);

  // "A" opens quick-add where the pointer last was over the canvas (its centre if never).
  const pointer = useRef<{ x: number; y: number }>(undefined);
  const box = useRef<HTMLDivElement>(null);
  // Paste lands where the pointer is over the canvas.
  useEffect(() => {
    setPointerSource(() => (pointer.current ? flow.screenToFlowPosition(pointer.current) : undefined));
    return () => setPointerSource(() => undefined);
  }, [flow]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key !== 'a' || e.ctrlKey || e.metaKey || e.altKey) return;
      if (t.closest('input, textarea, select, [contenteditable="true"]')) return;
      const r = box.current?.getBoundingClientRect();
      if (!r) return;
      const at = pointer.current ?? { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      e.preventDefault();
      setQuick({ screen: at, flow: flow.screenToFlowPosition(at), after: afterSelected() });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [flow]);

  const onDoubleClick = useCallback(
    (e: MouseEvent) => {
      if (!(e.target as HTMLElement).classList.contains('react-flow__pane')) return;
      const hit = lod ? boxOnScreen(e.clientX, e.clientY) : undefined;
      if (hit) {
        // A double-click on a box zooms in to read it.
        void flow.setCenter(hit.x + hit.w / 2, hit.y + hit.h / 2, { zoom: 1, duration: 300 });
        return;
      }
      setQuick({
        screen: { x: e.clientX, y: e.clientY },
        flow: flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }),
        after: afterSelected(),
      });
    },
    [flow, lod, boxOnScreen],
  );

  // Handlers React Flow hands to every node or wire keep their identity between renders: a new
  // one re-renders every node (or wire) on screen, which an edit would otherwise do each time.
  const onEdgeClick = useCallback((_: MouseEvent, e: Edge) => {
    if (!e.selectable) return;
    useEditor.getState().select([]);
    setWire(e.id);
  }, []);
  const onEdgeContextMenu = useCallback((ev: MouseEvent, e: Edge) => {
    if (!e.selectable) return;
    ev.preventDefault();
    useEditor.getState().select([]);
    setWire(e.id);
    setWireMenu({ id: e.id, x: ev.clientX, y: ev.clientY });
  }, []);
  const onNodeContextMenu = useCallback((ev: MouseEvent, n: Node) => openNodeMenu(ev, n.id), [openNodeMenu]);
  const onPaneContextMenu = useCallback(
    (ev: MouseEvent | globalThis.MouseEvent) => {
      // Below the level of detail the boxes are drawn on one canvas: find the one under the pointer.
      const hit = lod ? boxOnScreen(ev.clientX, ev.clientY) : undefined;
      if (hit) openNodeMenu(ev as MouseEvent, hit.id);
    },
    [lod, boxOnScreen, openNodeMenu],
  );

  // The same children while what they show is the same, so that the memoised React Flow is not
  // rendered again by a new children element.
  const overlays = useMemo(
    () => (
      <>
        <Background gap={20} size={1} />
        <LodLayer overview={overview} on={lod} />
        <MiniMap overview={overview} />
        <Controls showFitView={false}>
          <ControlButton
            className="react-flow__controls-fitview"
            onClick={fitDocument}
            title="Fit view"
            aria-label="Fit view"
          >
            <FitIcon />
          </ControlButton>
        </Controls>
      </>
    ),
    [overview, lod, fitDocument],
  );

  return (
    <div
      className="canvas"
      ref={box}
      onDoubleClick={onDoubleClick}
      onMouseMove={(e) => (pointer.current = { x: e.clientX, y: e.clientY })}
      onMouseLeave={() => (pointer.current = undefined)}
      onMouseDownCapture={onMouseDownCapture}
      data-testid="canvas"
      data-lod={lod ? 'overview' : 'detail'}
    >
      <WireLabelsContext.Provider value={model.labels}>
        <LayerFacesContext.Provider value={model.faces}>
          <Flow
            nodes={handed.nodes as Node[]}
            edges={handed.edges as Edge[]}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onNodeDragStart={checkpoint}
            onSelectionDragStart={checkpoint}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            onDelete={onDelete}
            onEdgeClick={onEdgeClick}
            onEdgeContextMenu={onEdgeContextMenu}
            onNodeContextMenu={onNodeContextMenu}
            onPaneContextMenu={onPaneContextMenu}
            onMoveStart={onMoveStart}
            isValidConnection={isValidConnection}
            onDrop={onDrop}
            onDragOver={onDragOver}
            onPaneClick={onPaneClick}
            snapToGrid
            snapGrid={snapGrid}
            zoomOnDoubleClick={false}
            deleteKeyCode={deleteKeys}
            multiSelectionKeyCode={multiSelectionKeys}
            selectionKeyCode="Shift"
            minZoom={minZoom}
            maxZoom={maxZoom}
            onlyRenderVisibleElements
            defaultViewport={defaultViewport}
            proOptions={proOptions}
          >
            {overlays}
          </Flow>
        </LayerFacesContext.Provider>
      </WireLabelsContext.Provider>
      {doc.nodes.length === 0 && (
        <div className="empty-hint" data-testid="empty-hint">
          <b>Start a network</b>
          <span>Open a template (Templates in the toolbar)</span>
          <span>drag a layer from the palette on the left</span>
          <span>
            or press <kbd>A</kbd> (or double-click) to add a layer by name
          </span>
        </div>
      )}
      {wireMenu && (
        <ContextMenu
          x={wireMenu.x}
          y={wireMenu.y}
          testId="wire-menu"
          onClose={closeWireMenu}
          items={[
            {
              label: 'Delete wire',
              keys: 'Del',
              run: () => {
                useEditor.getState().edit((d) => removeEdges(d, [wireMenu.id]));
                setWire(undefined);
              },
            },
          ]}
        />
      )}
      {nodeMenu && (
        <NodeMenu x={nodeMenu.x} y={nodeMenu.y} pasteAt={nodeMenu.flow} run={run} onClose={closeNodeMenu} />
      )}
      {quick && (
        <QuickAdd
          at={quick.screen}
          only={quick.fits}
          onPick={(kind) => {
            addAfter(kind, quick.flow, quick.after);
            setQuick(undefined);
          }}
          onClose={() => setQuick(undefined)}
        />
      )}
    </div>
  );
});

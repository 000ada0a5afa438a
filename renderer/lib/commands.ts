// What each command of the table in src/host/commands.ts does in the editor, and when it can.
// The toolbar, the keyboard handler, the Help dialog and the desktop menus all run commands by id
// through this one list, so a button, its shortcut and its menu item cannot disagree.
import type { ReactFlowInstance } from '@xyflow/react';
import type { CommandId, CommandSpec, KeyChord } from '../../src/host/commands.ts';
import { commandList } from '../../src/host/commands.ts';
import type { Host } from '../../src/host/host.ts';
import type { Clip } from '../../src/document/edits.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import {
  copySelection,
  groupNodes,
  moveNodes,
  parseClip,
  paste,
  removeNodes,
  renameGroup,
  renameNode,
  selectedNodes,
  setFrozen,
  snap,
  toggleCollapsed,
  trainOnly,
  unfreezeAll,
  ungroup,
} from '../../src/document/edits.ts';
import type { EditorState } from '../store/document-store.ts';
import { useEditor } from '../store/document-store.ts';
import {
  exportDiagram,
  exportOnnxFile,
  exportPytorchFile,
  importOnnxFile,
  newDocument,
  openProject,
  saveProject,
} from './file-actions.ts';
import { flowLayout } from './layout.ts';
import { layoutInWorker } from './layout-client.ts';
import { fitGraph } from './view.ts';

/** What commands act on beyond the store: the platform, the canvas's view, the app's dialogs. */
export interface CommandContext {
  readonly host: Host;
  readonly flow: Pick<ReactFlowInstance, 'setViewport' | 'zoomIn' | 'zoomOut'>;
  showHelp(): void;
  showGallery(): void;
  /** Asks for a name in an in-app dialog; undefined when cancelled. */
  askName(title: string, initial: string): Promise<string | undefined>;
}

interface Behaviour {
  perform(ctx: CommandContext, st: EditorState): void;
  /** Default: always. */
  enabled?(st: EditorState): boolean;
}

export interface Command extends CommandSpec, Behaviour {
  readonly id: CommandId;
}

/** The last copy, for a paste when the system clipboard is unavailable (or holds something else). */
let internalClip: Clip | undefined;

/** The layers a selection stands for: a selected block as every layer in it. */
function selectedLayers(st: EditorState): string[] {
  return [...selectedNodes(st.doc, st.selection)];
}

/** The block a selection is, when it is one block (`group:<id>` on the canvas). */
export function selectedBlock(st: EditorState): string | undefined {
  const only = st.selection.length === 1 ? st.selection[0]! : '';
  const gid = only.startsWith('group:') ? only.slice('group:'.length) : undefined;
  return gid && st.doc.groups.some((g) => g.id === gid) ? gid : undefined;
}

/** The layer a selection is, when it is one layer. */
function selectedLayer(st: EditorState): string | undefined {
  const only = st.selection.length === 1 ? st.selection[0]! : '';
  return st.doc.nodes.some((n) => n.id === only) ? only : undefined;
}

/**
 * An edit that changes which blocks show (collapse, expand, ungroup): the selection starts afresh,
 * so nothing hidden stays selected, and the graph re-flows around the block — one undo step with
 * the edit; an edit made before the layout arrives keeps the positions as they were.
 */
export function editAndReflow(change: (d: NetloomDocument) => NetloomDocument): void {
  const st = useEditor.getState();
  st.select([]);
  st.edit(change);
  const changed = useEditor.getState().doc;
  void flowLayout(changed).then((positions) => {
    const now = useEditor.getState();
    if (now.doc === changed) now.replace(moveNodes(changed, positions));
  });
}

export const toggleGroup = (gid: string): void => editAndReflow((d) => toggleCollapsed(d, gid));

async function copy(st: EditorState): Promise<void> {
  if (!st.selection.length) return;
  internalClip = copySelection(st.doc, selectedLayers(st));
  await navigator.clipboard?.writeText(JSON.stringify(internalClip)).catch(() => undefined);
}

/** Where the pointer is over the canvas, in flow coordinates; the canvas registers it. */
let pointerSource: () => { x: number; y: number } | undefined = () => undefined;

export function setPointerSource(source: () => { x: number; y: number } | undefined): void {
  pointerSource = source;
}

/**
 * Pastes a clip as one undo step and selects what was pasted: its top-left corner at `at`, or,
 * with no point, beside the originals (clear of them, to their right).
 */
function pasteAt(st: EditorState, clip: Clip, at: { x: number; y: number } | undefined): void {
  if (!clip.nodes.length) return;
  const x0 = Math.min(...clip.nodes.map((n) => n.position.x));
  const y0 = Math.min(...clip.nodes.map((n) => n.position.y));
  const x1 = Math.max(...clip.nodes.map((n) => n.position.x));
  const to = at ?? { x: x1 + 240, y: y0 };
  let ids: string[] = [];
  st.edit((d) => {
    const r = paste(d, clip, 0);
    ids = r.ids;
    const pos = new Map(r.doc.nodes.map((n) => [n.id, n.position]));
    const moves = new Map(
      ids.map((id) => {
        const p = pos.get(id)!;
        return [id, snap({ x: p.x - x0 + to.x, y: p.y - y0 + to.y })] as const;
      }),
    );
    return moveNodes(r.doc, moves);
  });
  st.select(ids);
}

/** Pastes the clipboard's layers (or the last copy) with their corner at `at`, or beside the originals. */
export async function pasteClip(at = pointerSource()): Promise<void> {
  const text = await navigator.clipboard?.readText().catch(() => undefined);
  const clip = (text && parseClip(text)) || internalClip;
  if (!clip) return;
  pasteAt(useEditor.getState(), clip, at);
}

async function layout(ctx: CommandContext): Promise<void> {
  const st = useEditor.getState();
  const positions = await layoutInWorker(st.doc);
  st.edit((d) => moveNodes(d, positions));
  setTimeout(() => fitGraph(ctx.flow, { duration: 300 }), 50);
}

/** After a file opened, the view fits it. */
const fitAfterOpen =
  (ctx: CommandContext) =>
  (opened: boolean): void => {
    if (opened) setTimeout(() => fitGraph(ctx.flow), 50);
  };

// Typed by CommandId, so a command added to the table without a behaviour fails to typecheck.
const behaviours: Readonly<Record<CommandId, Behaviour>> = {
  new: { perform: () => newDocument() },
  open: { perform: (ctx) => void openProject(ctx.host).then(fitAfterOpen(ctx)) },
  save: { perform: (ctx) => void saveProject(ctx.host) },
  'save-as': { perform: (ctx) => void saveProject(ctx.host, true) },
  'import-onnx': { perform: (ctx) => void importOnnxFile(ctx.host).then(fitAfterOpen(ctx)) },
  'export-onnx': { perform: (ctx) => void exportOnnxFile(ctx.host) },
  'export-pytorch': { perform: (ctx) => void exportPytorchFile(ctx.host) },
  'export-diagram-svg': { perform: (ctx) => void exportDiagram(ctx.host, 'svg') },
  'export-diagram-png': { perform: (ctx) => void exportDiagram(ctx.host, 'png') },
  gallery: { perform: (ctx) => ctx.showGallery() },
  undo: { perform: (_ctx, st) => st.undo(), enabled: (st) => st.past.length > 0 },
  redo: { perform: (_ctx, st) => st.redo(), enabled: (st) => st.future.length > 0 },
  cut: {
    perform: (_ctx, st) => {
      const ids = selectedLayers(st);
      void copy(st).then(() => useEditor.getState().edit((d) => removeNodes(d, ids)));
    },
  },
  copy: { perform: (_ctx, st) => void copy(st) },
  paste: { perform: () => void pasteClip() },
  duplicate: {
    perform: (_ctx, st) => {
      if (!st.selection.length) return;
      pasteAt(st, copySelection(st.doc, selectedLayers(st)), undefined);
    },
  },
  delete: {
    perform: (_ctx, st) => {
      const ids = selectedLayers(st);
      st.edit((d) => removeNodes(d, ids));
    },
    enabled: (st) => st.selection.length > 0,
  },
  rename: {
    perform: (ctx, st) => {
      const gid = selectedBlock(st);
      const layer = selectedLayer(st);
      if (gid) {
        const name = st.doc.groups.find((g) => g.id === gid)!.name;
        void ctx.askName('Block name', name).then((to) => {
          if (to) useEditor.getState().edit((d) => renameGroup(d, gid, to));
        });
      } else if (layer) {
        const n = st.doc.nodes.find((x) => x.id === layer)!;
        void ctx.askName('Layer name', n.name ?? n.id).then((to) => {
          if (to !== undefined) useEditor.getState().edit((d) => renameNode(d, layer, to));
        });
      }
    },
    enabled: (st) => selectedBlock(st) !== undefined || selectedLayer(st) !== undefined,
  },
  ungroup: {
    perform: (_ctx, st) => {
      const gid = selectedBlock(st);
      if (gid) editAndReflow((d) => ungroup(d, gid));
    },
    enabled: (st) => selectedBlock(st) !== undefined,
  },
  'toggle-collapse': {
    perform: (_ctx, st) => {
      const gid = selectedBlock(st);
      if (gid) toggleGroup(gid);
    },
    enabled: (st) => selectedBlock(st) !== undefined,
  },
  freeze: {
    perform: (_ctx, st) => st.edit((d) => setFrozen(d, st.selection, true)),
    enabled: (st) => selectedLayers(st).some((id) => !st.doc.nodes.find((n) => n.id === id)?.frozen),
  },
  unfreeze: {
    perform: (_ctx, st) => st.edit((d) => setFrozen(d, st.selection, false)),
    enabled: (st) => selectedLayers(st).some((id) => st.doc.nodes.find((n) => n.id === id)?.frozen),
  },
  'select-all': { perform: (_ctx, st) => st.select(st.doc.nodes.map((n) => n.id)) },
  group: {
    perform: (ctx, st) => {
      if (!st.selection.length) return;
      const ids = st.selection;
      void ctx.askName('Block name', 'Block').then((name) => {
        if (name) useEditor.getState().edit((d) => groupNodes(d, ids, name));
      });
    },
  },
  'train-only-selection': {
    perform: (_ctx, st) => {
      st.edit((d) => trainOnly(d, st.selection));
      const frozen = useEditor.getState().doc.nodes.filter((n) => n.frozen).length;
      st.say('info', `${frozen} layers frozen; the selection trains`);
    },
    enabled: (st) => st.selection.length > 0,
  },
  'unfreeze-all': {
    perform: (_ctx, st) => st.edit((d) => unfreezeAll(d)),
    enabled: (st) => st.doc.nodes.some((n) => n.frozen),
  },
  layout: { perform: (ctx) => void layout(ctx) },
  'zoom-in': { perform: (ctx) => void ctx.flow.zoomIn() },
  'zoom-out': { perform: (ctx) => void ctx.flow.zoomOut() },
  'zoom-fit': { perform: (ctx) => fitGraph(ctx.flow, { duration: 300 }) },
  'toggle-theme': { perform: (_ctx, st) => st.setTheme(st.theme === 'dark' ? 'light' : 'dark') },
  // The desktop menus offer these; the palette and the inspector cannot be hidden yet.
  'toggle-palette': { perform: () => undefined },
  'toggle-inspector': { perform: () => undefined },
  'show-shortcuts': { perform: (ctx) => ctx.showHelp() },
  about: { perform: (_ctx, st) => st.say('info', 'Netloom — design, train and export neural networks.') },
};

export const commands: readonly Command[] = commandList.map((spec) => ({ ...spec, ...behaviours[spec.id] }));

const byId = new Map(commands.map((c) => [c.id, c]));

export function command(id: CommandId): Command {
  return byId.get(id)!;
}

export function isEnabled(c: Command, st: EditorState = useEditor.getState()): boolean {
  return c.enabled?.(st) ?? true;
}

/** Runs a command if it is enabled now; the toolbar, the keys and the desktop menus all come here. */
export function runCommand(id: CommandId, ctx: CommandContext): void {
  const c = command(id);
  const st = useEditor.getState();
  if (isEnabled(c, st)) c.perform(ctx, st);
}

function matches(
  chord: KeyChord,
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey'>,
): boolean {
  return (
    chord.key === e.key.toLowerCase() &&
    !!chord.mod === (e.ctrlKey || e.metaKey) &&
    !!chord.shift === e.shiftKey
  );
}

/** The command a key press asks for, if any. */
export function commandForKey(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey'>,
): Command | undefined {
  return commands.find((c) => c.keys?.some((k) => matches(k, e)));
}

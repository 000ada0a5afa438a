// What each command of the table in src/host/commands.ts does in the editor, and when it can.
// The toolbar, the keyboard handler, the Help dialog and the desktop menus all run commands by id
// through this one list, so a button, its shortcut and its menu item cannot disagree.
import type { ReactFlowInstance } from '@xyflow/react';
import type { CommandId, CommandSpec, KeyChord } from '../../src/host/commands.ts';
import { commandList } from '../../src/host/commands.ts';
import type { Host } from '../../src/host/host.ts';
import type { Clip } from '../../src/document/edits.ts';
import {
  copySelection,
  groupNodes,
  moveNodes,
  parseClip,
  paste,
  removeNodes,
  trainOnly,
  unfreezeAll,
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
import { layoutInWorker } from './layout-client.ts';
import { fitGraph } from './view.ts';

/** What commands act on beyond the store: the platform, the canvas's view, the app's dialogs. */
export interface CommandContext {
  readonly host: Host;
  readonly flow: Pick<ReactFlowInstance, 'setViewport' | 'zoomIn' | 'zoomOut'>;
  showHelp(): void;
  showGallery(): void;
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

async function copy(st: EditorState): Promise<void> {
  if (!st.selection.length) return;
  internalClip = copySelection(st.doc, st.selection);
  await navigator.clipboard?.writeText(JSON.stringify(internalClip)).catch(() => undefined);
}

async function pasteClip(): Promise<void> {
  const text = await navigator.clipboard?.readText().catch(() => undefined);
  const clip = (text && parseClip(text)) || internalClip;
  if (!clip) return;
  const st = useEditor.getState();
  let ids: string[] = [];
  st.edit((d) => {
    const r = paste(d, clip);
    ids = r.ids;
    return r.doc;
  });
  st.select(ids);
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
  cut: { perform: (_ctx, st) => void copy(st).then(() => st.edit((d) => removeNodes(d, st.selection))) },
  copy: { perform: (_ctx, st) => void copy(st) },
  paste: { perform: () => void pasteClip() },
  duplicate: {
    perform: (_ctx, st) => {
      if (!st.selection.length) return;
      let ids: string[] = [];
      st.edit((d) => {
        const r = paste(d, copySelection(d, st.selection));
        ids = r.ids;
        return r.doc;
      });
      st.select(ids);
    },
  },
  'select-all': { perform: (_ctx, st) => st.select(st.doc.nodes.map((n) => n.id)) },
  group: {
    perform: (_ctx, st) => {
      if (!st.selection.length) return;
      const name = window.prompt('Block name', 'Block');
      if (name) st.edit((d) => groupNodes(d, st.selection, name));
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

// The editor's commands as data: one entry per command, read by the renderer's toolbar, its
// keyboard handler and its Help dialog, and by the desktop menus (which send the command's id to
// the renderer, so a menu item and its toolbar button run the same code). What a command does is
// the renderer's (renderer/lib/commands.ts); this table only names it, places it and binds keys.

/** A key the page handles itself: `key` as KeyboardEvent.key (lower case); mod is Ctrl, or ⌘ on macOS. */
export interface KeyChord {
  readonly key: string;
  readonly mod?: boolean;
  readonly shift?: boolean;
}

export interface CommandSpec {
  /** The menu item's label; also Help's line and the toolbar tooltip. */
  readonly label: string;
  /** Help's line where it says more than the label. */
  readonly help?: string;
  /** Keys the page handles (in the browser and in the desktop app); the first is the one shown. */
  readonly keys?: readonly KeyChord[];
  /** Sent by the desktop menus. */
  readonly inMenus?: true;
  /** The desktop menu's accelerator, in Electron's syntax; per platform where they differ. */
  readonly accelerator?: string | { readonly mac: string; readonly other: string };
}

const mod = (key: string, shift?: true): KeyChord => ({ key, mod: true, ...(shift ? { shift } : {}) });

export const commandSpecs = {
  new: { label: 'New', inMenus: true, accelerator: 'CmdOrCtrl+N' },
  open: { label: 'Open…', keys: [mod('o')], inMenus: true, accelerator: 'CmdOrCtrl+O' },
  save: { label: 'Save', keys: [mod('s')], inMenus: true, accelerator: 'CmdOrCtrl+S' },
  'save-as': { label: 'Save As…', keys: [mod('s', true)], inMenus: true, accelerator: 'CmdOrCtrl+Shift+S' },
  'import-onnx': { label: 'Import ONNX…', inMenus: true, accelerator: 'CmdOrCtrl+I' },
  'export-onnx': { label: 'Export ONNX…', keys: [mod('e')], inMenus: true, accelerator: 'CmdOrCtrl+E' },
  'export-pytorch': {
    label: 'Export PyTorch…',
    help: 'Export a PyTorch training package',
    keys: [mod('e', true)],
    inMenus: true,
    accelerator: 'CmdOrCtrl+Shift+E',
  },
  'export-diagram-svg': { label: 'Export Diagram as SVG…', inMenus: true },
  'export-diagram-png': { label: 'Export Diagram as PNG…', inMenus: true },
  gallery: { label: 'Templates', keys: [{ key: 't' }] },
  undo: { label: 'Undo', keys: [mod('z')], inMenus: true, accelerator: 'CmdOrCtrl+Z' },
  redo: {
    label: 'Redo',
    keys: [mod('z', true), mod('y')],
    inMenus: true,
    accelerator: { mac: 'Cmd+Shift+Z', other: 'Ctrl+Y' },
  },
  cut: { label: 'Cut', keys: [mod('x')], inMenus: true, accelerator: 'CmdOrCtrl+X' },
  copy: {
    label: 'Copy',
    help: 'Copy (as JSON, works across tabs)',
    keys: [mod('c')],
    inMenus: true,
    accelerator: 'CmdOrCtrl+C',
  },
  paste: { label: 'Paste', keys: [mod('v')], inMenus: true, accelerator: 'CmdOrCtrl+V' },
  duplicate: { label: 'Duplicate', keys: [mod('d')] },
  // Delete and Backspace are the canvas's own keys (they take a picked wire too); the node menu runs this.
  delete: { label: 'Delete', help: 'Delete the selection (Delete or Backspace)' },
  rename: { label: 'Rename…', help: 'Rename the selected layer or block', keys: [{ key: 'f2' }] },
  'select-all': { label: 'Select All', keys: [mod('a')], inMenus: true, accelerator: 'CmdOrCtrl+A' },
  group: { label: 'Make a block of the selection', keys: [mod('g')] },
  ungroup: { label: 'Ungroup', help: 'Take the selected block apart', keys: [mod('g', true)] },
  'toggle-collapse': { label: 'Collapse or expand the block' },
  freeze: { label: 'Freeze', help: 'Freeze the selection (its weights stay as they are)' },
  unfreeze: { label: 'Unfreeze', help: 'The selection trains again' },
  'train-only-selection': {
    label: 'Train only the selection',
    help: 'Freeze every other layer (fine-tuning: select the last layer or a block)',
    keys: [{ key: 'f', shift: true }],
  },
  'unfreeze-all': { label: 'Train every layer (unfreeze all)' },
  layout: { label: 'Automatic layout', keys: [{ key: 'l' }] },
  'zoom-in': { label: 'Zoom In', inMenus: true, accelerator: 'CmdOrCtrl+=' },
  'zoom-out': { label: 'Zoom Out', inMenus: true, accelerator: 'CmdOrCtrl+-' },
  'zoom-fit': { label: 'Zoom to Fit', keys: [{ key: 'f' }], inMenus: true, accelerator: 'CmdOrCtrl+0' },
  'toggle-theme': { label: 'Toggle Theme', inMenus: true, accelerator: 'CmdOrCtrl+Shift+T' },
  'toggle-palette': { label: 'Toggle Layer Palette', inMenus: true, accelerator: 'CmdOrCtrl+1' },
  'toggle-inspector': { label: 'Toggle Inspector', inMenus: true, accelerator: 'CmdOrCtrl+2' },
  'show-shortcuts': {
    label: 'Keyboard Shortcuts',
    keys: [{ key: '?', shift: true }],
    inMenus: true,
    accelerator: 'CmdOrCtrl+/',
  },
  about: { label: 'About Netloom', inMenus: true },
} as const satisfies Readonly<Record<string, CommandSpec>>;

export type CommandId = keyof typeof commandSpecs;

/** The commands the desktop menus send to the renderer. */
export type MenuCommand = {
  [K in CommandId]: (typeof commandSpecs)[K] extends { readonly inMenus: true } ? K : never;
}[CommandId];

/** Every command with its id, in the table's order (Help lists them so). */
export const commandList: readonly (CommandSpec & { readonly id: CommandId })[] = (
  Object.keys(commandSpecs) as CommandId[]
).map((id) => ({ id, ...commandSpecs[id] }));

/** How a chord reads in Help and tooltips: Ctrl+Shift+S, L, ?. */
export function chordName(c: KeyChord): string {
  return `${c.mod ? 'Ctrl+' : ''}${c.shift && c.key !== '?' ? 'Shift+' : ''}${c.key.toUpperCase()}`;
}

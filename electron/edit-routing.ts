// Edit menu commands normally go to the renderer (undo the last graph edit, copy the selected
// layers). While a text field has focus they mean the field's own undo/copy/paste instead, which
// Chromium performs natively (webContents.copy() and friends).
import type { MenuCommand } from '../src/host/commands.ts';
import type { NativeEditCommand } from './channels.ts';
import { nativeEditCommands } from './channels.ts';

/** What the preload can see of document.activeElement. */
export interface FocusedElement {
  readonly tagName: string;
  readonly isContentEditable?: boolean;
  readonly type?: string;
  readonly readOnly?: boolean;
}

const nonTextInputs: ReadonlySet<string> = new Set([
  'button',
  'checkbox',
  'color',
  'file',
  'hidden',
  'image',
  'radio',
  'range',
  'reset',
  'submit',
]);

export function isTextEditing(el: FocusedElement | null | undefined): boolean {
  if (!el) return false;
  if (el.isContentEditable === true) return true;
  const tag = el.tagName.toUpperCase();
  if (tag === 'TEXTAREA') return el.readOnly !== true;
  if (tag === 'INPUT') return el.readOnly !== true && !nonTextInputs.has((el.type ?? 'text').toLowerCase());
  return false;
}

export type Route = { to: 'native'; command: NativeEditCommand } | { to: 'renderer'; command: MenuCommand };

export function routeMenuCommand(command: MenuCommand, focused: FocusedElement | null | undefined): Route {
  const native = (nativeEditCommands as readonly string[]).includes(command);
  if (native && isTextEditing(focused)) return { to: 'native', command: command as NativeEditCommand };
  return { to: 'renderer', command };
}

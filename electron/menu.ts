// The native menu bar as plain data (Menu.buildFromTemplate turns it into menus): every command
// item sends a MenuCommand to the renderer, which owns the document and does the work — the same
// code path as its toolbar and keyboard shortcuts in the browser build. Labels and accelerators
// come from the command table (src/host/commands.ts); this file places the items.
import type { MenuItemConstructorOptions } from 'electron';
import * as nodePath from 'node:path';
import type { CommandSpec, MenuCommand } from '../src/host/commands.ts';
import { commandSpecs } from '../src/host/commands.ts';

export interface MenuDeps {
  readonly platform: NodeJS.Platform;
  readonly appName: string;
  /** Dev builds get Reload and DevTools; a packaged app does not. */
  readonly isPackaged: boolean;
  readonly recentFiles: readonly string[];
  send(command: MenuCommand): void;
  openRecent(path: string): void;
  clearRecent(): void;
}

type Item = MenuItemConstructorOptions;

export function buildMenuTemplate(deps: MenuDeps): Item[] {
  const mac = deps.platform === 'darwin';
  const cmd = (command: MenuCommand, label?: string): Item => {
    const spec: CommandSpec = commandSpecs[command];
    const acc = spec.accelerator;
    const accelerator = typeof acc === 'object' ? (mac ? acc.mac : acc.other) : acc;
    return {
      label: label ?? spec.label,
      id: command,
      ...(accelerator !== undefined ? { accelerator } : {}),
      click: () => deps.send(command),
    };
  };

  const recent: Item[] =
    deps.recentFiles.length === 0
      ? [{ label: 'No Recent Files', enabled: false }]
      : deps.recentFiles.map((file, i) => ({
          // The folder in the label tells two model.json apart; '&' would become a mnemonic.
          label: `${nodePath.basename(file)} — ${nodePath.dirname(file)}`.replaceAll('&', '&&'),
          id: `recent-${i}`,
          click: () => deps.openRecent(file),
        }));

  const file: Item = {
    label: '&File',
    submenu: [
      cmd('new'),
      cmd('open'),
      {
        label: 'Open Recent',
        id: 'open-recent',
        submenu: [
          ...recent,
          { type: 'separator' },
          {
            label: 'Clear Recent',
            id: 'clear-recent',
            enabled: deps.recentFiles.length > 0,
            click: () => deps.clearRecent(),
          },
        ],
      },
      { type: 'separator' },
      cmd('save'),
      cmd('save-as'),
      { type: 'separator' },
      cmd('import-onnx'),
      cmd('export-onnx'),
      cmd('export-pytorch'),
      {
        label: 'Export Diagram…',
        id: 'export-diagram',
        submenu: [cmd('export-diagram-svg', 'As SVG…'), cmd('export-diagram-png', 'As PNG…')],
      },
      ...(mac ? [] : [{ type: 'separator' } as Item, { role: 'quit', label: 'Exit' } as Item]),
    ],
  };

  const edit: Item = {
    label: '&Edit',
    submenu: [
      cmd('undo'),
      cmd('redo'),
      { type: 'separator' },
      cmd('cut'),
      cmd('copy'),
      cmd('paste'),
      { type: 'separator' },
      cmd('select-all'),
    ],
  };

  const view: Item = {
    label: '&View',
    submenu: [
      cmd('zoom-in'),
      cmd('zoom-out'),
      cmd('zoom-fit'),
      { type: 'separator' },
      cmd('toggle-theme'),
      cmd('toggle-palette'),
      cmd('toggle-inspector'),
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(deps.isPackaged
        ? []
        : [{ type: 'separator' } as Item, { role: 'reload' } as Item, { role: 'toggleDevTools' } as Item]),
    ],
  };

  const help: Item = {
    label: '&Help',
    role: 'help',
    submenu: [cmd('show-shortcuts'), ...(mac ? [] : [cmd('about', `About ${deps.appName}`)])],
  };

  // macOS keeps About, Hide and Quit in the application menu named after the app.
  const appMenu: Item = {
    label: deps.appName,
    submenu: [
      cmd('about', `About ${deps.appName}`),
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit' },
    ],
  };

  const windowMenu: Item = { role: 'windowMenu' };
  return mac ? [appMenu, file, edit, view, windowMenu, help] : [file, edit, view, help];
}

// The native menu bar as plain data (Menu.buildFromTemplate turns it into menus): every command
// item sends a MenuCommand to the renderer, which owns the document and does the work — the same
// code path as its toolbar and keyboard shortcuts in the browser build.
import type { MenuItemConstructorOptions } from 'electron';
import * as nodePath from 'node:path';
import type { MenuCommand } from '../src/document/host.ts';

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
  const cmd = (label: string, command: MenuCommand, accelerator?: string): Item => ({
    label,
    id: command,
    ...(accelerator !== undefined ? { accelerator } : {}),
    click: () => deps.send(command),
  });

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
      cmd('New', 'new', 'CmdOrCtrl+N'),
      cmd('Open…', 'open', 'CmdOrCtrl+O'),
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
      cmd('Save', 'save', 'CmdOrCtrl+S'),
      cmd('Save As…', 'save-as', 'CmdOrCtrl+Shift+S'),
      { type: 'separator' },
      cmd('Import ONNX…', 'import-onnx', 'CmdOrCtrl+I'),
      cmd('Export ONNX…', 'export-onnx', 'CmdOrCtrl+E'),
      cmd('Export PyTorch…', 'export-pytorch', 'CmdOrCtrl+Shift+E'),
      {
        label: 'Export Diagram…',
        id: 'export-diagram',
        submenu: [cmd('As SVG…', 'export-diagram-svg'), cmd('As PNG…', 'export-diagram-png')],
      },
      ...(mac ? [] : [{ type: 'separator' } as Item, { role: 'quit', label: 'Exit' } as Item]),
    ],
  };

  const edit: Item = {
    label: '&Edit',
    submenu: [
      cmd('Undo', 'undo', 'CmdOrCtrl+Z'),
      cmd('Redo', 'redo', mac ? 'Cmd+Shift+Z' : 'Ctrl+Y'),
      { type: 'separator' },
      cmd('Cut', 'cut', 'CmdOrCtrl+X'),
      cmd('Copy', 'copy', 'CmdOrCtrl+C'),
      cmd('Paste', 'paste', 'CmdOrCtrl+V'),
      { type: 'separator' },
      cmd('Select All', 'select-all', 'CmdOrCtrl+A'),
    ],
  };

  const view: Item = {
    label: '&View',
    submenu: [
      cmd('Zoom In', 'zoom-in', 'CmdOrCtrl+='),
      cmd('Zoom Out', 'zoom-out', 'CmdOrCtrl+-'),
      cmd('Zoom to Fit', 'zoom-fit', 'CmdOrCtrl+0'),
      { type: 'separator' },
      cmd('Toggle Theme', 'toggle-theme', 'CmdOrCtrl+Shift+T'),
      cmd('Toggle Layer Palette', 'toggle-palette', 'CmdOrCtrl+1'),
      cmd('Toggle Inspector', 'toggle-inspector', 'CmdOrCtrl+2'),
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
    submenu: [
      cmd('Keyboard Shortcuts', 'show-shortcuts', 'CmdOrCtrl+/'),
      ...(mac ? [] : [cmd(`About ${deps.appName}`, 'about')]),
    ],
  };

  // macOS keeps About, Hide and Quit in the application menu named after the app.
  const appMenu: Item = {
    label: deps.appName,
    submenu: [
      cmd(`About ${deps.appName}`, 'about'),
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

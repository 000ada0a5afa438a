import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate } from '../../electron/menu.ts';
import type { MenuCommand } from '../../src/host/commands.ts';

const allCommands = [
  'new',
  'open',
  'save',
  'save-as',
  'import-onnx',
  'export-onnx',
  'export-pytorch',
  'export-diagram-svg',
  'export-diagram-png',
  'undo',
  'redo',
  'cut',
  'copy',
  'paste',
  'select-all',
  'zoom-in',
  'zoom-out',
  'zoom-fit',
  'toggle-theme',
  'toggle-palette',
  'toggle-inspector',
  'show-shortcuts',
  'about',
] as const satisfies readonly MenuCommand[];
// Fails to typecheck when host.ts gains a command this list (and so the menu test) lacks.
const _exhaustive: [Exclude<MenuCommand, (typeof allCommands)[number]>] extends [never] ? true : false = true;
void _exhaustive;

type Item = MenuItemConstructorOptions;

function build(platform: NodeJS.Platform, recentFiles: string[] = [], isPackaged = true) {
  const sent: MenuCommand[] = [];
  const opened: string[] = [];
  let cleared = 0;
  const template = buildMenuTemplate({
    platform,
    appName: 'Netloom',
    isPackaged,
    recentFiles,
    send: (c) => void sent.push(c),
    openRecent: (p) => void opened.push(p),
    clearRecent: () => void cleared++,
  });
  return { template, sent, opened, cleared: () => cleared };
}

function find(items: readonly Item[], pred: (i: Item) => boolean): Item | undefined {
  for (const i of items) {
    if (pred(i)) return i;
    if (Array.isArray(i.submenu)) {
      const hit = find(i.submenu, pred);
      if (hit) return hit;
    }
  }
  return undefined;
}

function labels(menu: Item | undefined): string[] {
  const sub = menu?.submenu;
  return Array.isArray(sub)
    ? sub.filter((i) => i.type !== 'separator').map((i) => i.label ?? `(${i.role})`)
    : [];
}

const click = (item: Item | undefined): void => {
  // Electron passes (menuItem, window, event); our items use none of them.
  (item?.click as (() => void) | undefined)?.();
};

describe.each(['linux', 'win32', 'darwin'] as const)('menus on %s', (platform) => {
  it('has File, Edit, View and Help with the expected items', () => {
    const { template } = build(platform);
    const top = template.map((i) => i.label ?? i.role);
    expect(top).toEqual(
      platform === 'darwin'
        ? ['Netloom', '&File', '&Edit', '&View', 'windowMenu', '&Help']
        : ['&File', '&Edit', '&View', '&Help'],
    );
    const menu = (name: string) => template.find((i) => i.label === name);
    expect(labels(menu('&File')).slice(0, 9)).toEqual([
      'New',
      'Open…',
      'Open Recent',
      'Save',
      'Save As…',
      'Import ONNX…',
      'Export ONNX…',
      'Export PyTorch…',
      'Export Diagram…',
    ]);
    expect(labels(menu('&Edit'))).toEqual(['Undo', 'Redo', 'Cut', 'Copy', 'Paste', 'Select All']);
    expect(labels(menu('&View'))).toEqual([
      'Zoom In',
      'Zoom Out',
      'Zoom to Fit',
      'Toggle Theme',
      'Toggle Layer Palette',
      'Toggle Inspector',
      '(togglefullscreen)',
    ]);
    expect(labels(menu('&Help'))[0]).toBe('Keyboard Shortcuts');
  });

  it('sends every MenuCommand exactly once, each from the item of that name', () => {
    const { template, sent } = build(platform);
    // Click every clickable item: each sends one command, named by its id, and all are covered.
    const clickable: Item[] = [];
    const walk = (items: readonly Item[]) => {
      for (const i of items) {
        if (i.click && !String(i.id).includes('recent')) clickable.push(i);
        if (Array.isArray(i.submenu)) walk(i.submenu);
      }
    };
    walk(template);
    for (const item of clickable) {
      const before = sent.length;
      click(item);
      expect(sent.slice(before)).toEqual([item.id]);
    }
    expect([...sent].sort()).toEqual([...allCommands].sort());
    sent.length = 0;
    for (const command of allCommands) {
      click(find(template, (i) => i.id === command));
      expect(sent.at(-1)).toBe(command);
    }
    expect(sent).toEqual([...allCommands]);
  });

  it('binds the usual accelerators', () => {
    const { template } = build(platform);
    const acc = (id: string) => find(template, (i) => i.id === id)?.accelerator;
    expect(acc('new')).toBe('CmdOrCtrl+N');
    expect(acc('open')).toBe('CmdOrCtrl+O');
    expect(acc('save')).toBe('CmdOrCtrl+S');
    expect(acc('save-as')).toBe('CmdOrCtrl+Shift+S');
    expect(acc('undo')).toBe('CmdOrCtrl+Z');
    expect(acc('redo')).toBe(platform === 'darwin' ? 'Cmd+Shift+Z' : 'Ctrl+Y');
    expect(acc('copy')).toBe('CmdOrCtrl+C');
    expect(acc('select-all')).toBe('CmdOrCtrl+A');
    // No two items share an accelerator.
    const all: string[] = [];
    const walk = (items: readonly Item[]) => {
      for (const i of items) {
        if (typeof i.accelerator === 'string') all.push(i.accelerator);
        if (Array.isArray(i.submenu)) walk(i.submenu);
      }
    };
    walk(template);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('Open Recent', () => {
  it('lists recent files, opens the one clicked, and clears', () => {
    const files = ['/home/me/a/model.json', '/home/me/b/model.json', '/home/me/R&D/net.onnx'];
    const { template, opened, cleared } = build('linux', files);
    const recent = find(template, (i) => i.id === 'open-recent');
    expect(labels(recent)).toEqual([
      'model.json — /home/me/a',
      'model.json — /home/me/b',
      'net.onnx — /home/me/R&&D',
      'Clear Recent',
    ]);
    click(find(template, (i) => i.id === 'recent-1'));
    expect(opened).toEqual(['/home/me/b/model.json']);
    click(find(template, (i) => i.id === 'clear-recent'));
    expect(cleared()).toBe(1);
  });

  it('says when there is nothing recent', () => {
    const { template } = build('linux', []);
    const recent = find(template, (i) => i.id === 'open-recent');
    const items = recent?.submenu as Item[];
    expect(items[0]).toMatchObject({ label: 'No Recent Files', enabled: false });
    expect(find(items, (i) => i.id === 'clear-recent')?.enabled).toBe(false);
  });
});

describe('developer items', () => {
  it('appear only in unpackaged builds', () => {
    const roles = (t: readonly Item[]) => {
      const out: string[] = [];
      const walk = (items: readonly Item[]) => {
        for (const i of items) {
          if (i.role) out.push(i.role);
          if (Array.isArray(i.submenu)) walk(i.submenu);
        }
      };
      walk(t);
      return out;
    };
    expect(roles(build('linux', [], true).template)).not.toContain('toggleDevTools');
    expect(roles(build('linux', [], false).template)).toContain('toggleDevTools');
  });
});

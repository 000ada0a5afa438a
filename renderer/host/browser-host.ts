// The Host for the browser build: a file picker for open, the directory picker for a folder,
// downloads for save, no native menus. The desktop app's preload exposes window.netloomHost
// instead (same interface, over IPC).
import type { ChosenFolder, FileFilter, Host, OpenedFile } from '../../src/host/host.ts';
import type { MenuCommand } from '../../src/host/commands.ts';
import { folderFromFileList } from './chosen-folder.ts';

/** The title last asked for, and whether its write is waiting for an idle moment. */
let titleWanted = '';
let titlePending = false;

export function browserHost(): Host {
  const menuHandlers = new Set<(c: MenuCommand) => void>();
  return {
    kind: 'browser',
    openFile(filters: readonly FileFilter[]) {
      return new Promise<OpenedFile | undefined>((resolve) => {
        const input = document.createElement('input');
        input.type = 'file';
        input.accept = filters.flatMap((f) => f.extensions.map((e) => `.${e}`)).join(',');
        input.onchange = async () => {
          const f = input.files?.[0];
          if (!f) return resolve(undefined);
          resolve({ path: f.name, name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
        };
        input.oncancel = () => resolve(undefined);
        input.click();
      });
    },
    openPath(path: string) {
      return Promise.reject(new Error(`The browser cannot reopen ${path}: use Open…`));
    },
    async saveFile(bytes, opts) {
      const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = opts.suggestedName;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      return { path: opts.suggestedName };
    },
    async recentFiles() {
      return [];
    },
    chooseFolder() {
      return new Promise<ChosenFolder | undefined>((resolve, reject) => {
        const input = document.createElement('input');
        input.type = 'file';
        input.webkitdirectory = true;
        input.onchange = () => {
          try {
            resolve(folderFromFileList([...(input.files ?? [])]));
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        };
        input.oncancel = () => resolve(undefined);
        input.click();
      });
    },
    setTitle(title, dirty) {
      // Setting the title costs the page a few milliseconds (6 ms in a profile of the first edit,
      // which marks the document unsaved): it is set when the page is idle, not in the edit's frame.
      titleWanted = `${dirty ? '● ' : ''}${title} — Netloom`;
      if (titlePending) return;
      titlePending = true;
      const write = () => {
        titlePending = false;
        if (document.title !== titleWanted) document.title = titleWanted;
      };
      if (typeof requestIdleCallback === 'function') requestIdleCallback(write, { timeout: 500 });
      else setTimeout(write, 0);
    },
    onMenuCommand(handler) {
      menuHandlers.add(handler);
      return () => menuHandlers.delete(handler);
    },
    onOpenFile() {
      return () => undefined;
    },
    setDirty() {
      // beforeunload in App asks instead.
    },
  };
}

declare global {
  interface Window {
    netloomHost?: Host;
  }
}

export function currentHost(): Host {
  return window.netloomHost ?? browserHost();
}

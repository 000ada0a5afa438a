// The preload implements the renderer's Host over IPC and exposes it as window.netloomHost. It
// runs sandboxed and context-isolated: it can reach only ipcRenderer, contextBridge and webUtils,
// and the page sees only the Host methods below — never ipcRenderer itself.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { ChosenFolder, FileFilter, Host, OpenedFile, SaveResult } from '../src/host/host.ts';
import type { MenuCommand } from '../src/host/commands.ts';
import type { Reply } from './channels.ts';
import type { FolderListing } from './chosen-folders.ts';
import { eventChannels, invokeChannels, sendChannels } from './channels.ts';
import { routeMenuCommand } from './edit-routing.ts';
import { isOpenableFile } from './file-kinds.ts';

function unwrap<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(reply.message);
  return reply.value;
}

/** Plain copies: the schemas in main refuse unknown keys, and the page's objects may carry some. */
const plainFilters = (filters: readonly FileFilter[]): FileFilter[] =>
  filters.map((f) => ({ name: f.name, extensions: [...f.extensions] }));

const menuHandlers = new Set<(cmd: MenuCommand) => void>();
const fileHandlers = new Set<(file: OpenedFile) => void>();
// Files can arrive (command line, recovery) before the page has subscribed: keep them until then.
const pendingFiles: OpenedFile[] = [];

ipcRenderer.on(eventChannels.menuCommand, (_event, command: MenuCommand) => {
  const route = routeMenuCommand(command, document.activeElement as HTMLInputElement | null);
  if (route.to === 'native') ipcRenderer.send(sendChannels.nativeEdit, { command: route.command });
  else for (const h of menuHandlers) h(route.command);
});

ipcRenderer.on(eventChannels.openFile, (_event, file: OpenedFile) => {
  if (fileHandlers.size === 0) pendingFiles.push(file);
  else for (const h of fileHandlers) h(file);
});

const host: Host = {
  kind: 'desktop',
  async openFile(filters) {
    return unwrap<OpenedFile | undefined>(
      await ipcRenderer.invoke(invokeChannels.openFile, { filters: plainFilters(filters) }),
    );
  },
  async openPath(path) {
    return unwrap<OpenedFile>(await ipcRenderer.invoke(invokeChannels.openPath, { path }));
  },
  async saveFile(bytes, opts): Promise<SaveResult> {
    const req = {
      bytes,
      suggestedName: opts.suggestedName,
      filters: plainFilters(opts.filters),
      ...(opts.path !== undefined ? { path: opts.path } : {}),
    };
    return { path: unwrap<string | undefined>(await ipcRenderer.invoke(invokeChannels.saveFile, req)) };
  },
  async recentFiles() {
    return (await ipcRenderer.invoke(invokeChannels.recentFiles)) as string[];
  },
  async chooseFolder(): Promise<ChosenFolder | undefined> {
    const listing = unwrap<FolderListing | undefined>(await ipcRenderer.invoke(invokeChannels.chooseFolder));
    if (!listing) return undefined;
    return {
      name: listing.name,
      files: listing.files,
      // Main reads only the files it listed, inside the folder; its refusal is the message.
      read: async (path) =>
        unwrap<Uint8Array>(
          await ipcRenderer.invoke(invokeChannels.readFolderFile, { folder: listing.id, path }),
        ),
    };
  },
  async runFiles(req) {
    const plain =
      req.op === 'write'
        ? { op: req.op, project: req.project, path: req.path, bytes: req.bytes }
        : { op: req.op, project: req.project, path: req.path };
    return unwrap<Uint8Array | string[] | number | undefined>(
      await ipcRenderer.invoke(invokeChannels.runFiles, plain),
    );
  },
  setTitle(title, dirty) {
    ipcRenderer.send(sendChannels.setTitle, { title, dirty });
  },
  setDirty(dirty) {
    ipcRenderer.send(sendChannels.setDirty, { dirty });
  },
  autosave(bytes, meta) {
    ipcRenderer.send(sendChannels.autosave, {
      bytes,
      meta: { name: meta.name, ...(meta.path !== undefined ? { path: meta.path } : {}) },
    });
  },
  onMenuCommand(handler) {
    menuHandlers.add(handler);
    return () => void menuHandlers.delete(handler);
  },
  onOpenFile(handler) {
    fileHandlers.add(handler);
    // Delivered after onOpenFile returns, so the caller has its unsubscribe in hand first.
    setTimeout(() => {
      for (const file of pendingFiles.splice(0)) handler(file);
    }, 0);
    return () => void fileHandlers.delete(handler);
  },
};

contextBridge.exposeInMainWorld('netloomHost', host);

// Project and model files dropped on the window open like File > Open. Main grants a dropped path
// only with proof that the drop was real: the SHA-256 of the bytes read here from the File object
// the drop delivered (a page cannot make a File that stands for a file on disk, and the sandboxed
// renderer can read a file's bytes only when the user dropped or picked it). Other drops (a
// dataset, a layer from the palette) are left to the page.
window.addEventListener(
  'dragover',
  (event) => {
    if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
  },
  true,
);

async function dropProof(file: File, path: string): Promise<{ path: string; size: number; sha256: string }> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  return { path, size: file.size, sha256 };
}

window.addEventListener(
  'drop',
  (event) => {
    const dropped = [...(event.dataTransfer?.files ?? [])]
      .map((file) => ({ file, path: webUtils.getPathForFile(file) }))
      .filter((d) => d.path !== '' && isOpenableFile(d.path));
    if (dropped.length === 0) return;
    event.preventDefault();
    event.stopPropagation();
    void Promise.all(dropped.map((d) => dropProof(d.file, d.path))).then(
      (files) => ipcRenderer.send(sendChannels.droppedFiles, { files }),
      () => undefined, // unreadable (moved or deleted since the drop): nothing to open
    );
  },
  true,
);

// Everything main does for the window, behind small interfaces so it runs in Node tests with
// fakes in place of Electron: IPC (validated), dialogs, file access through grants, atomic saves,
// recent files, autosave and recovery, closing with unsaved changes. main.ts only wires Electron's
// objects into this.
import type { MessageBoxOptions, OpenDialogOptions, SaveDialogOptions } from 'electron';
import { createHash } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { FileFilter, OpenedFile } from '../src/host/host.ts';
import type { MenuCommand } from '../src/host/commands.ts';
import { HostIoError } from '../src/host/host-error.ts';
import { appOrigin } from './app-protocol.ts';
import type { AtomicFs } from './atomic-write.ts';
import { atomicWriteFile, describeFsError, nodeAtomicFs } from './atomic-write.ts';
import { sweepStaleTemps } from '../src/host/atomic-file.ts';
import type { AutosaveStore } from './autosave.ts';
import type { FolderFs, FolderListing } from './chosen-folders.ts';
import { ChosenFolders } from './chosen-folders.ts';
import type { NativeEditCommand, Reply } from './channels.ts';
import { eventChannels, invokeChannels, sendChannels } from './channels.ts';
import { CloseGuard } from './close-guard.ts';
import type { z } from 'zod';
import {
  autosaveRequest,
  chooseFolderRequest,
  droppedFilesRequest,
  IpcPayloadError,
  maxFileBytes,
  nativeEditRequest,
  openFileRequest,
  openPathRequest,
  parsePayload,
  readFolderFileRequest,
  recentFilesRequest,
  saveFileRequest,
  setDirtyRequest,
  setTitleRequest,
} from './ipc-schemas.ts';
import type {
  AutosaveRequest,
  DroppedFilesRequest,
  OpenFileRequest,
  ReadFolderFileRequest,
  SaveFileRequest,
} from './ipc-schemas.ts';
import { isOpenableFile } from './file-kinds.ts';
import type { PathGrants } from './path-grants.ts';
import type { RecentFiles } from './recent-files.ts';
import { isSameOrigin } from './security.ts';
import type { RunFilesAnswer } from './project-runs.ts';
import { projectRunFiles, runFilesRequest } from './project-runs.ts';

export interface IpcEventLike {
  readonly senderFrame?: { readonly url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): void;
}

export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  undo(): void;
  redo(): void;
  cut(): void;
  copy(): void;
  paste(): void;
  selectAll(): void;
}

export interface WindowLike {
  readonly webContents: WebContentsLike;
  setTitle(title: string): void;
  setDocumentEdited(edited: boolean): void;
  close(): void;
  isDestroyed(): boolean;
}

export interface DialogLike {
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string | undefined }>;
  showMessageBox(options: MessageBoxOptions): Promise<{ response: number }>;
}

export interface ReadFs {
  stat(path: string): Promise<{ isFile(): boolean; size: number }>;
  readFile(path: string): Promise<Uint8Array>;
}

const nodeReadFs: ReadFs = {
  stat: (p) => nodeFs.stat(p),
  readFile: async (p) => new Uint8Array(await nodeFs.readFile(p)),
};

export interface DesktopDeps {
  readonly appName: string;
  readonly dialog: DialogLike;
  readonly grants: PathGrants;
  readonly recent: RecentFiles;
  readonly autosave: AutosaveStore;
  /** The window, once there is one (and while it is not destroyed). */
  window(): WindowLike | undefined;
  /** The recent list changed: rebuild the Open Recent menu, tell the OS. */
  onRecentChanged?(path: string | undefined): void;
  readFs?: ReadFs;
  writeFs?: AtomicFs;
  /** Listing and reading folders the user chose (image folders). */
  folderFs?: FolderFs;
  log?(message: string): void;
}

const projectExtensions = ['json'];

/** Reads a file the user chose, bounded and with a message naming it when it cannot be read. */
export async function readUserFile(path: string, fs: ReadFs = nodeReadFs): Promise<OpenedFile> {
  const name = nodePath.basename(path);
  try {
    const st = await fs.stat(path);
    if (!st.isFile()) throw new HostIoError(`Could not open "${name}": it is not a file.`, { path });
    if (st.size > maxFileBytes) {
      throw new HostIoError(`Could not open "${name}": it is larger than ${maxFileBytes / 2 ** 30} GiB.`, {
        path,
      });
    }
    return { path, name, bytes: await fs.readFile(path) };
  } catch (err) {
    if (err instanceof HostIoError) throw err;
    const missing = typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT';
    const why = missing ? 'the file is not there any more (moved or deleted?)' : describeFsError(err);
    throw new HostIoError(`Could not open "${name}": ${why}.`, { path });
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function formatTitle(title: string, dirty: boolean, appName: string): string {
  const name = title.trim() === '' ? 'Untitled' : title.trim();
  return `${dirty ? '● ' : ''}${name} — ${appName}`;
}

export class Desktop {
  readonly guard = new CloseGuard();
  readonly #deps: DesktopDeps;
  readonly #readFs: ReadFs;
  readonly #writeFs: AtomicFs;
  readonly #folders: ChosenFolders;
  /** The file name shown in the title, for the close prompt. */
  #docName = 'Untitled';
  #closePromptOpen = false;

  constructor(deps: DesktopDeps) {
    this.#deps = deps;
    this.#readFs = deps.readFs ?? nodeReadFs;
    this.#writeFs = deps.writeFs ?? nodeAtomicFs;
    this.#folders = new ChosenFolders(deps.folderFs);
  }

  // ── IPC ────────────────────────────────────────────────────────────────────────────────────

  /**
   * Registers every channel. Each listener first checks that the message comes from our own page
   * (not some other frame or origin) and then parses the payload with its zod schema; a refused
   * invoke rejects with IpcPayloadError and nothing else happens.
   */
  registerIpc(ipc: IpcMainLike): void {
    const handle = <T, R>(channel: string, schema: z.ZodType<T>, run: (req: T) => Promise<R>): void => {
      ipc.handle(channel, async (event, payload) => {
        let req: T;
        try {
          this.#checkSender(channel, event);
          req = parsePayload(schema, channel, payload);
        } catch (err) {
          // Logged here too: the page (possibly compromised) may swallow the rejection.
          this.#log(messageOf(err));
          throw err;
        }
        return run(req);
      });
    };
    const on = <T>(channel: string, schema: z.ZodType<T>, run: (req: T) => void): void => {
      ipc.on(channel, (event, payload) => {
        try {
          this.#checkSender(channel, event);
          run(parsePayload(schema, channel, payload));
        } catch (err) {
          this.#log(messageOf(err));
        }
      });
    };
    handle(invokeChannels.openFile, openFileRequest, (req) => this.openFile(req));
    handle(invokeChannels.openPath, openPathRequest, (req) => this.openPath(req.path));
    handle(invokeChannels.saveFile, saveFileRequest, (req) => this.saveFile(req));
    handle(invokeChannels.recentFiles, recentFilesRequest, async () => this.#deps.recent.list());
    handle(invokeChannels.chooseFolder, chooseFolderRequest, () => this.chooseFolder());
    handle(invokeChannels.readFolderFile, readFolderFileRequest, (req) => this.readFolderFile(req));
    // The runs folder beside the project: the project must be granted, the path inside it plain.
    const runFiles = projectRunFiles(this.#deps.grants);
    handle(invokeChannels.runFiles, runFilesRequest, (req): Promise<Reply<RunFilesAnswer>> => runFiles(req));
    on(sendChannels.setTitle, setTitleRequest, (req) => this.setTitle(req.title, req.dirty));
    on(sendChannels.setDirty, setDirtyRequest, (req) => this.setDirty(req.dirty));
    on(sendChannels.autosave, autosaveRequest, (req) => void this.autosave(req));
    on(sendChannels.droppedFiles, droppedFilesRequest, (req) => void this.openDropped(req.files));
    on(sendChannels.nativeEdit, nativeEditRequest, (req) => this.nativeEdit(req.command));
  }

  #checkSender(channel: string, event: IpcEventLike): void {
    const url = event.senderFrame?.url;
    if (url === undefined || !isSameOrigin(url, appOrigin)) {
      throw new IpcPayloadError(channel, `sender ${JSON.stringify(url ?? null)} is not the app`);
    }
  }

  // ── opening ────────────────────────────────────────────────────────────────────────────────

  async openFile(req: OpenFileRequest): Promise<Reply<OpenedFile | undefined>> {
    const result = await this.#deps.dialog.showOpenDialog({
      properties: ['openFile'],
      filters: req.filters.map(toElectronFilter),
    });
    const chosen = result.filePaths[0];
    if (result.canceled || chosen === undefined) return { ok: true, value: undefined };
    const granted = this.#deps.grants.grant(chosen);
    if (!granted.ok) return { ok: false, message: cannotOpen(chosen, granted.why) };
    return this.#open(chosen);
  }

  /** Re-opens a path the renderer got from us earlier (recent list, a previous open or save). */
  async openPath(path: string): Promise<Reply<OpenedFile>> {
    if (!this.#deps.grants.isAllowed(path)) {
      throw new IpcPayloadError(invokeChannels.openPath, 'path was not chosen by the user');
    }
    return this.#open(path);
  }

  /**
   * Files dropped on the window. The renderer says which, and proves each drop with the SHA-256
   * and size of the bytes it read from the dropped File; main reads the file itself and grants and
   * opens it only when they agree. A path named without that proof grants nothing.
   */
  async openDropped(files: DroppedFilesRequest['files']): Promise<void> {
    for (const f of files) {
      if (!isOpenableFile(f.path)) continue;
      const granted = this.#deps.grants.resolve(f.path);
      if (!granted.ok) {
        await this.#showError(cannotOpen(f.path, granted.why));
        continue;
      }
      let file: OpenedFile;
      try {
        file = await readUserFile(f.path, this.#readFs);
      } catch (err) {
        await this.#showError(messageOf(err));
        continue;
      }
      const digest = createHash('sha256').update(file.bytes).digest('hex');
      if (file.bytes.byteLength !== f.size || digest !== f.sha256) {
        this.#log(
          `IPC "${sendChannels.droppedFiles}": refused ${JSON.stringify(f.path)}: the drop's bytes do not match the file`,
        );
        continue;
      }
      // Read only, and not in the recent list yet: saving over it asks the user first (saveFile).
      this.#deps.grants.grant(f.path, 'read');
      this.#send(eventChannels.openFile, file);
      return;
    }
  }

  async #open(path: string): Promise<Reply<OpenedFile>> {
    try {
      const file = await readUserFile(path, this.#readFs);
      // The recent list grants writing at the next start: only files the user chose go on it (a
      // dropped file joins once the user lets it be saved over).
      if (this.#deps.grants.canWrite(path)) {
        await this.#deps.recent.add(path);
        this.#deps.onRecentChanged?.(path);
      }
      return { ok: true, value: file };
    } catch (err) {
      // A recent entry that no longer opens leaves the list.
      if (this.#deps.recent.list().includes(path)) {
        await this.#deps.recent.remove(path);
        this.#deps.onRecentChanged?.(undefined);
      }
      return { ok: false, message: messageOf(err) };
    }
  }

  /** The folder dialog: a folder's listing, which grants reading the files listed (and no others). */
  async chooseFolder(): Promise<Reply<FolderListing | undefined>> {
    const result = await this.#deps.dialog.showOpenDialog({
      title: 'Choose an image folder (one sub-folder per class)',
      properties: ['openDirectory'],
    });
    const chosen = result.filePaths[0];
    if (result.canceled || chosen === undefined) return { ok: true, value: undefined };
    try {
      return { ok: true, value: await this.#folders.add(chosen) };
    } catch (err) {
      return { ok: false, message: messageOf(err) };
    }
  }

  async readFolderFile(req: ReadFolderFileRequest): Promise<Reply<Uint8Array>> {
    try {
      return { ok: true, value: await this.#folders.read(req.folder, req.path) };
    } catch (err) {
      return { ok: false, message: messageOf(err) };
    }
  }

  /**
   * Files from outside the page: command line, file association, second launch. Opens the first
   * one that can be opened (the window holds one document). Drops go through openDropped.
   */
  async openFromOutside(paths: readonly string[]): Promise<void> {
    for (const p of paths) {
      if (!isOpenableFile(p) || !nodePath.isAbsolute(p)) continue;
      const granted = this.#deps.grants.grant(p);
      const reply = granted.ok
        ? await this.#open(p)
        : { ok: false as const, message: cannotOpen(p, granted.why) };
      if (reply.ok) {
        this.#send(eventChannels.openFile, reply.value);
        return;
      }
      await this.#showError(reply.message);
    }
  }

  async openRecent(path: string): Promise<void> {
    const granted = this.#deps.grants.grant(path);
    const reply = granted.ok
      ? await this.#open(path)
      : { ok: false as const, message: cannotOpen(path, granted.why) };
    if (reply.ok) this.#send(eventChannels.openFile, reply.value);
    else await this.#showError(reply.message);
  }

  async #showError(message: string): Promise<void> {
    await this.#deps.dialog.showMessageBox({ type: 'error', message, buttons: ['OK'] });
  }

  recentList(): readonly string[] {
    return this.#deps.recent.list();
  }

  async clearRecent(): Promise<void> {
    await this.#deps.recent.clear();
    this.#deps.onRecentChanged?.(undefined);
  }

  // ── saving ─────────────────────────────────────────────────────────────────────────────────

  async saveFile(req: SaveFileRequest): Promise<Reply<string | undefined>> {
    let target = req.path;
    // Written where the grant was checked: the real file, through any link (the link stays a link).
    let real = target !== undefined ? this.#deps.grants.allowedReal(target, 'write') : undefined;
    if (target !== undefined && real === undefined) {
      if (!this.#deps.grants.isAllowed(target)) {
        throw new IpcPayloadError(invokeChannels.saveFile, 'path was not chosen by the user');
      }
      // A dropped file: only the user, in a dialog the page cannot answer, lets it be overwritten.
      const { response } = await this.#deps.dialog.showMessageBox({
        type: 'question',
        message: `Save over "${nodePath.basename(target)}"?`,
        detail: `${target}\n\nThe file was dropped on the window; ${this.#deps.appName} asks once before changing it.`,
        buttons: ['Save', 'Cancel'],
        defaultId: 0,
        cancelId: 1,
        noLink: true,
      });
      if (response !== 0) {
        this.guard.onSaveAbandoned();
        return { ok: true, value: undefined };
      }
      const granted = this.#deps.grants.grant(target, 'write');
      if (!granted.ok)
        return { ok: false, message: `Could not save "${nodePath.basename(target)}": ${granted.why}.` };
      real = granted.real;
    }
    if (target === undefined) {
      const result = await this.#deps.dialog.showSaveDialog({
        defaultPath: req.suggestedName,
        filters: req.filters.map(toElectronFilter),
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      if (result.canceled || result.filePath === undefined || result.filePath === '') {
        this.guard.onSaveAbandoned();
        return { ok: true, value: undefined };
      }
      target = result.filePath;
      const granted = this.#deps.grants.grant(target);
      if (!granted.ok) {
        this.guard.onSaveAbandoned();
        return {
          ok: false,
          message: `Could not save "${nodePath.basename(target)}": ${granted.why}. Nothing was written.`,
        };
      }
      real = granted.real;
    }
    try {
      await atomicWriteFile(real ?? target, req.bytes, this.#writeFs);
    } catch (err) {
      // The document stays open and dirty in the renderer; a pending close is called off.
      this.guard.onSaveAbandoned();
      return { ok: false, message: messageOf(err) };
    }
    if (projectExtensions.includes(nodePath.extname(target).slice(1).toLowerCase())) {
      await this.#deps.recent.add(target);
      this.#deps.onRecentChanged?.(target);
    }
    return { ok: true, value: target };
  }

  // ── window state ───────────────────────────────────────────────────────────────────────────

  setTitle(title: string, dirty: boolean): void {
    this.#docName = title.trim() === '' ? 'Untitled' : title.trim();
    const win = this.#window();
    if (!win) return;
    win.setTitle(formatTitle(title, dirty, this.#deps.appName));
    win.setDocumentEdited(dirty);
  }

  setDirty(dirty: boolean): void {
    const action = this.guard.setDirty(dirty);
    this.#window()?.setDocumentEdited(dirty);
    if (!dirty) void this.#deps.autosave.discard().catch((err: unknown) => this.#log(messageOf(err)));
    if (action === 'close') this.#window()?.close();
  }

  async autosave(req: AutosaveRequest): Promise<void> {
    if (!this.guard.dirty) return;
    // The path is kept only if the renderer may name it anyway: recovery grants it next start.
    const path =
      req.meta.path !== undefined && this.#deps.grants.canWrite(req.meta.path) ? req.meta.path : undefined;
    await this.#deps.autosave.write(req.bytes, { path, name: req.meta.name }).catch((err: unknown) => {
      this.#log(`autosave failed: ${messageOf(err)}`);
    });
  }

  nativeEdit(command: NativeEditCommand): void {
    const wc = this.#window()?.webContents;
    if (!wc) return;
    const run: Record<NativeEditCommand, () => void> = {
      undo: () => wc.undo(),
      redo: () => wc.redo(),
      cut: () => wc.cut(),
      copy: () => wc.copy(),
      paste: () => wc.paste(),
      'select-all': () => wc.selectAll(),
    };
    run[command]();
  }

  sendMenuCommand(command: MenuCommand): void {
    this.#send(eventChannels.menuCommand, command);
  }

  /** A fresh window holds a fresh, clean document. */
  windowOpened(): void {
    this.guard.reset();
  }

  // ── closing and recovery ───────────────────────────────────────────────────────────────────

  /** The window's 'close' event. Returns true when the close must be prevented (we ask first). */
  onWindowClose(): boolean {
    if (this.guard.onCloseRequested() === 'close') return false;
    if (!this.#closePromptOpen) void this.#askBeforeClose();
    return true;
  }

  async #askBeforeClose(): Promise<void> {
    this.#closePromptOpen = true;
    try {
      const { response } = await this.#deps.dialog.showMessageBox({
        type: 'warning',
        message: `Save changes to "${this.#docName}" before closing?`,
        detail: "Your changes will be lost if you don't save them.",
        buttons: ['Save', "Don't Save", 'Cancel'],
        defaultId: 0,
        cancelId: 2,
        noLink: true,
      });
      const choice = response === 0 ? 'save' : response === 1 ? 'discard' : 'cancel';
      const action = this.guard.onAnswer(choice);
      if (action === 'request-save') this.sendMenuCommand('save');
      if (action === 'close') {
        await this.#deps.autosave.discard().catch(() => undefined);
        this.#window()?.close();
      }
    } finally {
      this.#closePromptOpen = false;
    }
  }

  /**
   * At start-up: hidden temporary files that saves killed mid-way (a crash, a power cut) left
   * beside the autosave and the recent files are removed. Returns how many.
   */
  async sweepLeftovers(): Promise<number> {
    let n = (await this.#deps.autosave.sweep().catch(() => [])).length;
    for (const f of this.#deps.recent.list()) {
      const real = this.#deps.grants.allowedReal(f);
      if (real !== undefined) n += (await sweepStaleTemps(real, this.#writeFs).catch(() => [])).length;
    }
    if (n > 0) this.#log(`removed ${n} temporary file(s) left by interrupted saves`);
    return n;
  }

  /** At start-up: unsaved work the last session left behind is offered back. */
  async offerRecovery(): Promise<void> {
    const rec = await this.#deps.autosave.recover();
    if (!rec) return;
    const when = new Date(rec.meta.savedAt);
    const { response } = await this.#deps.dialog.showMessageBox({
      type: 'question',
      message: `${this.#deps.appName} closed without saving "${rec.meta.name}". Recover the unsaved changes?`,
      detail: `Autosaved ${Number.isNaN(when.getTime()) ? rec.meta.savedAt : when.toLocaleString()}.`,
      buttons: ['Recover', 'Discard'],
      defaultId: 0,
      cancelId: 1,
      noLink: true,
    });
    if (response !== 0) {
      await this.#deps.autosave.discard();
      return;
    }
    // The path comes back only while it still leads to a file of its kind (not, say, a link that
    // was re-pointed since); otherwise the work is recovered as untitled and saving asks where.
    const path =
      rec.meta.path !== undefined && this.#deps.grants.grant(rec.meta.path).ok ? rec.meta.path : '';
    const file: OpenedFile = {
      path,
      name: rec.meta.name,
      bytes: rec.bytes,
      recovered: true,
    };
    // Dirty until saved: the autosave stays until then, in case this session crashes too.
    this.guard.setDirty(true);
    this.#send(eventChannels.openFile, file);
  }

  #window(): WindowLike | undefined {
    const w = this.#deps.window();
    return w && !w.isDestroyed() ? w : undefined;
  }

  #send(channel: string, payload: unknown): void {
    this.#window()?.webContents.send(channel, payload);
  }

  #log(message: string): void {
    this.#deps.log?.(message);
  }
}

function cannotOpen(path: string, why: string): string {
  return `Could not open "${nodePath.basename(path)}": ${why}.`;
}

function toElectronFilter(f: FileFilter): { name: string; extensions: string[] } {
  return { name: f.name, extensions: [...f.extensions] };
}

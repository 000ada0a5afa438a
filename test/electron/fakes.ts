// Small stand-ins for Electron's objects, so main's logic runs in Node.
import type { MessageBoxOptions, OpenDialogOptions, SaveDialogOptions } from 'electron';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll } from 'vitest';
import { appEntryUrl } from '../../electron/app-protocol.ts';
import type { AtomicFs } from '../../electron/atomic-write.ts';
import { AutosaveStore } from '../../electron/autosave.ts';
import type { DialogLike, IpcEventLike, IpcMainLike, WindowLike } from '../../electron/desktop.ts';
import { Desktop } from '../../electron/desktop.ts';
import { PathGrants } from '../../electron/path-grants.ts';
import { RecentFiles } from '../../electron/recent-files.ts';

const madeDirs: string[] = [];
const removeMadeDirs = () => {
  for (const dir of madeDirs.splice(0)) nodeFs.rmSync(dir, { recursive: true, force: true });
};
// Registered while a test file imports this module, so it runs after that file's tests. The
// fuzzer's worker thread imports it outside any test file, where afterAll throws: there the
// folders go when the thread exits.
try {
  afterAll(removeMadeDirs);
} catch {
  process.once('exit', removeMadeDirs);
}

/** A new temporary folder, removed after the test file that made it. */
export function tempDir(): string {
  const dir = nodeFs.realpathSync(nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'netloom-electron-')));
  madeDirs.push(dir);
  return dir;
}

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  readonly listeners = new Map<string, (event: IpcEventLike, ...args: unknown[]) => void>();
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void {
    this.handlers.set(channel, listener);
  }
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): void {
    this.listeners.set(channel, listener);
  }
  /** As ipcRenderer.invoke from our page (or from `url`). */
  async invoke(channel: string, payload?: unknown, url: string = appEntryUrl): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`no handler for ${channel}`);
    return h({ senderFrame: { url } }, payload);
  }
  send(channel: string, payload?: unknown, url: string = appEntryUrl): void {
    const l = this.listeners.get(channel);
    if (!l) throw new Error(`no listener for ${channel}`);
    l({ senderFrame: { url } }, payload);
  }
}

export class FakeWindow implements WindowLike {
  title = '';
  edited = false;
  closed = 0;
  readonly sent: { channel: string; payload: unknown }[] = [];
  readonly nativeEdits: string[] = [];
  readonly webContents = {
    send: (channel: string, payload: unknown) => void this.sent.push({ channel, payload }),
    undo: () => void this.nativeEdits.push('undo'),
    redo: () => void this.nativeEdits.push('redo'),
    cut: () => void this.nativeEdits.push('cut'),
    copy: () => void this.nativeEdits.push('copy'),
    paste: () => void this.nativeEdits.push('paste'),
    selectAll: () => void this.nativeEdits.push('selectAll'),
  };
  setTitle(t: string): void {
    this.title = t;
  }
  setDocumentEdited(e: boolean): void {
    this.edited = e;
  }
  close(): void {
    this.closed++;
  }
  isDestroyed(): boolean {
    return false;
  }
}

/** A dialog that answers from queues and records what it was asked. */
export class FakeDialog implements DialogLike {
  openAnswers: string[][] = [];
  saveAnswers: (string | undefined)[] = [];
  boxAnswers: number[] = [];
  readonly opened: OpenDialogOptions[] = [];
  readonly saved: SaveDialogOptions[] = [];
  readonly boxes: MessageBoxOptions[] = [];
  async showOpenDialog(o: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }> {
    this.opened.push(o);
    const paths = this.openAnswers.shift() ?? [];
    return { canceled: paths.length === 0, filePaths: paths };
  }
  async showSaveDialog(o: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }> {
    this.saved.push(o);
    const p = this.saveAnswers.shift();
    return p === undefined ? { canceled: true } : { canceled: false, filePath: p };
  }
  async showMessageBox(o: MessageBoxOptions): Promise<{ response: number }> {
    this.boxes.push(o);
    return { response: this.boxAnswers.shift() ?? 0 };
  }
}

export interface Rig {
  readonly dir: string;
  readonly desktop: Desktop;
  readonly ipc: FakeIpcMain;
  readonly win: FakeWindow;
  readonly dialog: FakeDialog;
  readonly grants: PathGrants;
  readonly recent: RecentFiles;
  readonly autosave: AutosaveStore;
  readonly logs: string[];
}

export function makeRig(opts: { writeFs?: AtomicFs; dir?: string } = {}): Rig {
  const dir = opts.dir ?? tempDir();
  const userData = nodePath.join(dir, 'user-data');
  nodeFs.mkdirSync(userData, { recursive: true });
  let recentText: string | undefined;
  const recent = new RecentFiles({
    read: async () => recentText,
    write: async (t) => {
      recentText = t;
    },
  });
  const grants = new PathGrants();
  const autosave = new AutosaveStore(nodePath.join(userData, 'autosave'));
  const win = new FakeWindow();
  const dialog = new FakeDialog();
  const logs: string[] = [];
  const desktop = new Desktop({
    appName: 'Netloom',
    dialog,
    grants,
    recent,
    autosave,
    window: () => win,
    log: (m) => void logs.push(m),
    ...(opts.writeFs ? { writeFs: opts.writeFs } : {}),
  });
  const ipc = new FakeIpcMain();
  desktop.registerIpc(ipc);
  return { dir, desktop, ipc, win, dialog, grants, recent, autosave, logs };
}

/** Lets queued promise callbacks (fire-and-forget IPC work) finish. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

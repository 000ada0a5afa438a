// The host seam (as Netron's desktop/browser hosts): everything the renderer asks of the
// platform. The desktop app implements it in its preload over IPC; the browser build implements
// it with file pickers, downloads and localStorage. Types only: no platform code here.
import type { MenuCommand } from './commands.ts';

export interface OpenedFile {
  /** Full path in the desktop app; the file name in a browser. */
  readonly path: string;
  readonly name: string;
  readonly bytes: Uint8Array;
  /**
   * Set when the desktop app restores unsaved work from its autosave after a crash: the
   * renderer should open it as modified (dirty), since `path` on disk still has the old content
   * (`path` is '' when the recovered document had never been saved).
   */
  readonly recovered?: boolean;
}

export interface SaveResult {
  /** Where it was written (desktop), or the download name (browser); undefined if cancelled. */
  readonly path: string | undefined;
}

export interface FileFilter {
  readonly name: string;
  readonly extensions: readonly string[];
}

/**
 * A folder the user chose (a native dialog, the browser's directory picker, a drop): the files
 * one sub-folder down, which is where an image folder keeps them (one sub-folder per class).
 */
export interface ChosenFolder {
  /** The folder's own name (no path). */
  readonly name: string;
  /** Paths under the folder, '/'-separated: "cats/001.png". Files deeper or beside the sub-folders are not listed. */
  readonly files: readonly string[];
  /** Reads one of `files`; the desktop app reads nothing outside the folder the user chose. */
  read(path: string): Promise<Uint8Array>;
}

/** One operation on a project's runs folder (Host.runFiles). */
export type RunFilesCall =
  | { readonly op: 'write'; readonly project: string; readonly path: string; readonly bytes: Uint8Array }
  | { readonly op: 'read' | 'list' | 'remove' | 'size'; readonly project: string; readonly path: string };

export interface Host {
  readonly kind: 'desktop' | 'browser';
  /** Asks the user for a file; undefined when cancelled. */
  openFile(filters: readonly FileFilter[]): Promise<OpenedFile | undefined>;
  /** Re-opens a recent file (desktop only; the browser keeps no paths). */
  openPath(path: string): Promise<OpenedFile>;
  /**
   * Saves bytes. With a path, writes there (atomically on desktop); without, asks where
   * (desktop) or downloads under suggestedName (browser).
   */
  saveFile(
    bytes: Uint8Array,
    opts: { path?: string; suggestedName: string; filters: readonly FileFilter[] },
  ): Promise<SaveResult>;
  recentFiles(): Promise<readonly string[]>;
  /**
   * The run history's files in `<project>.runs/` beside a project the user opened or saved
   * (desktop only; the browser keeps runs in IndexedDB). `path` is inside the runs folder.
   */
  runFiles?(req: RunFilesCall): Promise<Uint8Array | string[] | number | undefined>;
  /** Asks the user for a folder (an image folder to train on); undefined when cancelled. */
  chooseFolder(): Promise<ChosenFolder | undefined>;
  /** Window title: file name and an unsaved-changes mark. */
  setTitle(title: string, dirty: boolean): void;
  /** Menu commands from the host (desktop menus); returns an unsubscribe function. */
  onMenuCommand(handler: (cmd: MenuCommand) => void): () => void;
  /** Files the app was asked to open (command line, file association, drop on the window). */
  onOpenFile(handler: (file: OpenedFile) => void): () => void;
  /** The desktop app asks before closing when there are unsaved changes. */
  setDirty(dirty: boolean): void;
  /**
   * Desktop only: keeps a copy of the unsaved document for crash recovery (offered on the next
   * start). Call it now and then while dirty; a successful save or setDirty(false) discards it.
   */
  autosave?(bytes: Uint8Array, meta: { path?: string; name: string }): void;
}

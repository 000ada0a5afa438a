// IPC channel names shared by main and preload. Kept free of imports so the sandboxed preload
// bundle stays tiny (a sandboxed preload can require only a subset of `electron`).

/** Renderer → main, request/response (ipcRenderer.invoke / ipcMain.handle). */
export const invokeChannels = {
  openFile: 'open-file',
  openPath: 'open-path',
  saveFile: 'save-file',
  recentFiles: 'recent-files',
  chooseFolder: 'choose-folder',
  readFolderFile: 'read-folder-file',
  runFiles: 'run-files',
} as const;

/** Renderer → main, fire-and-forget (ipcRenderer.send / ipcMain.on). */
export const sendChannels = {
  setTitle: 'set-title',
  setDirty: 'set-dirty',
  autosave: 'autosave',
  droppedFiles: 'dropped-files',
  nativeEdit: 'native-edit',
} as const;

/** Main → renderer (webContents.send / ipcRenderer.on). */
export const eventChannels = {
  menuCommand: 'menu-command',
  openFile: 'open-file-event',
} as const;

export type InvokeChannel = (typeof invokeChannels)[keyof typeof invokeChannels];
export type SendChannel = (typeof sendChannels)[keyof typeof sendChannels];
export type EventChannel = (typeof eventChannels)[keyof typeof eventChannels];

/** Edit commands Chromium performs itself on a focused text field (webContents.undo() etc.). */
export const nativeEditCommands = ['undo', 'redo', 'cut', 'copy', 'paste', 'select-all'] as const;
export type NativeEditCommand = (typeof nativeEditCommands)[number];

/**
 * What an invoke answers. A user-facing failure (unreadable file, full disk) travels as a value
 * so the renderer gets main's message as is, not wrapped in "Error invoking remote method".
 */
export type Reply<T> = { ok: true; value: T } | { ok: false; message: string };

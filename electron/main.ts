// Electron's main process: wires Electron's objects into Desktop (desktop.ts) and nothing more.
// Everything with a decision in it lives in a plain module with Node tests.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import * as nodePath from 'node:path';
import {
  appEntryUrl,
  appOrigin,
  appScheme,
  appSchemePrivileges,
  createAppProtocolHandler,
} from './app-protocol.ts';
import { AutosaveStore } from './autosave.ts';
import { Desktop } from './desktop.ts';
import { filesFromArgv } from './launch-args.ts';
import { buildMenuTemplate } from './menu.ts';
import { PathGrants } from './path-grants.ts';
import { fileRecentStorage, RecentFiles } from './recent-files.ts';
import { guardWebContents, isAllowedRequestUrl, isPermissionAllowed, windowOptions } from './security.ts';

const appName = 'Netloom';
// The bundle sits in dist/electron/ beside dist/renderer/ (also inside the packaged app.asar).
const rendererDir = nodePath.join(__dirname, '..', 'renderer');
const preloadPath = nodePath.join(__dirname, 'preload.cjs');
const defaultApp = process.defaultApp === true;

// Before 'ready': app:// must be a privileged (standard, secure) scheme.
protocol.registerSchemesAsPrivileged([appSchemePrivileges]);
app.enableSandbox();
app.setName(appName);
if (process.platform === 'win32') app.setAppUserModelId('org.netloom.app');

let win: BrowserWindow | undefined;
let desktop: Desktop | undefined;
// Files asked for before the window could take them (command line, macOS open-file at launch).
const pendingPaths = filesFromArgv(process.argv, { defaultApp, cwd: process.cwd() });

function openPaths(paths: readonly string[]): void {
  if (desktop && win && !win.webContents.isLoading()) {
    void desktop.openFromOutside(paths);
    return;
  }
  pendingPaths.push(...paths);
  // macOS keeps running with no window: a file opened from Finder then needs a new one, which
  // takes the pending paths once its page has loaded.
  if (desktop && !win) createWindow(desktop);
}

// One app instance: `netloom-app model.onnx` while it runs opens the file in the running window.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
    openPaths(filesFromArgv(argv, { defaultApp, cwd: workingDirectory }));
  });
  // macOS file association and Dock drops (may fire before 'ready').
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openPaths([path]);
  });
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, (url) => void shell.openExternal(url));
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (desktop && BrowserWindow.getAllWindows().length === 0) createWindow(desktop);
  });
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  const grants = new PathGrants();
  const recent = new RecentFiles(fileRecentStorage(nodePath.join(userData, 'recent-files.json')));
  for (const f of await recent.load()) grants.grant(f);
  const autosave = new AutosaveStore(nodePath.join(userData, 'autosave'));

  const d = new Desktop({
    appName,
    grants,
    recent,
    autosave,
    window: () => win,
    dialog: {
      showOpenDialog: (o) => (win ? dialog.showOpenDialog(win, o) : dialog.showOpenDialog(o)),
      showSaveDialog: (o) => (win ? dialog.showSaveDialog(win, o) : dialog.showSaveDialog(o)),
      showMessageBox: (o) => (win ? dialog.showMessageBox(win, o) : dialog.showMessageBox(o)),
    },
    onRecentChanged: (path) => {
      if (path !== undefined) app.addRecentDocument(path);
      setMenu(d);
    },
    log: (m) => console.error(`[netloom] ${m}`),
  });
  desktop = d;

  protocol.handle(appScheme, createAppProtocolHandler(rendererDir));
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(isPermissionAllowed(permission, details.requestingUrl, appOrigin)),
  );
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, appOrigin),
  );
  ses.webRequest.onBeforeRequest((details, callback) =>
    callback({ cancel: !isAllowedRequestUrl(details.url) }),
  );

  void d.sweepLeftovers();
  d.registerIpc(ipcMain);
  setMenu(d);
  createWindow(d);
}

function setMenu(d: Desktop): void {
  const template = buildMenuTemplate({
    platform: process.platform,
    appName,
    isPackaged: app.isPackaged,
    recentFiles: d.recentList(),
    send: (command) => d.sendMenuCommand(command),
    openRecent: (path) => void d.openRecent(path),
    clearRecent: () => {
      app.clearRecentDocuments();
      void d.clearRecent();
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function createWindow(d: Desktop): void {
  const w = new BrowserWindow(windowOptions({ preload: preloadPath, title: appName }));
  win = w;
  d.windowOpened();
  w.once('ready-to-show', () => w.show());
  w.on('close', (event) => {
    if (d.onWindowClose()) event.preventDefault();
  });
  w.on('closed', () => {
    if (win === w) win = undefined;
  });
  w.webContents.once('did-finish-load', () => {
    void d.offerRecovery().then(() => {
      const paths = pendingPaths.splice(0);
      if (paths.length > 0) return d.openFromOutside(paths);
      return undefined;
    });
  });
  void w.loadURL(appEntryUrl);
}

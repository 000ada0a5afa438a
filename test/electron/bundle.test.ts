// The shipped bundles (dist/electron/{main,preload}.cjs, built by scripts/build-electron.mjs) loaded
// in Node with a fake `electron`: main wires a secure window, the app:// protocol, permissions,
// validated IPC and menus; preload exposes exactly the Host as window.netloomHost.
import { createHash } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { createRequire } from 'node:module';
import * as nodePath from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildElectron } from '../../scripts/build-electron.mjs';
import type { Host, OpenedFile } from '../../src/host/host.ts';
import type { MenuCommand } from '../../src/host/commands.ts';
import { tempDir } from './fakes.ts';

const outDir = 'dist/test-electron';
let mainPath = '';
let preloadPath = '';

beforeAll(async () => {
  [mainPath = '', preloadPath = ''] = await buildElectron({ outDir });
});

type Listener = (...args: unknown[]) => unknown;

/** Loads a CommonJS bundle with `electron` resolved to the given fake (never the real package). */
function loadWithFakeElectron(bundle: string, fake: unknown): void {
  const req = createRequire(bundle);
  const electronId = req.resolve('electron');
  const cache = req.cache;
  const saved = cache[electronId];
  delete cache[bundle];
  cache[electronId] = { id: electronId, filename: electronId, loaded: true, exports: fake } as NodeJS.Module;
  try {
    req(bundle);
  } finally {
    if (saved) cache[electronId] = saved;
    else delete cache[electronId];
  }
}

function fakeMainElectron(userData: string) {
  const calls = {
    privileged: [] as unknown[],
    sandbox: 0,
    appOn: new Map<string, Listener>(),
    protocolHandlers: new Map<string, (r: Request) => Promise<Response>>(),
    handles: new Map<string, Listener>(),
    ons: new Map<string, Listener>(),
    windows: [] as { options: Record<string, unknown>; url: string; on: Map<string, Listener> }[],
    menus: [] as unknown[],
    permissionRequest: undefined as Listener | undefined,
    permissionCheck: undefined as Listener | undefined,
    beforeRequest: undefined as Listener | undefined,
  };
  class BrowserWindow {
    readonly record: { options: Record<string, unknown>; url: string; on: Map<string, Listener> };
    readonly webContents = {
      once: () => undefined,
      isLoading: () => true,
      send: () => undefined,
    };
    constructor(options: Record<string, unknown>) {
      this.record = { options, url: '', on: new Map() };
      calls.windows.push(this.record);
    }
    static getAllWindows() {
      return calls.windows;
    }
    once(event: string, l: Listener) {
      this.record.on.set(event, l);
    }
    on(event: string, l: Listener) {
      this.record.on.set(event, l);
    }
    async loadURL(url: string) {
      this.record.url = url;
    }
  }
  const fake = {
    app: {
      enableSandbox: () => void calls.sandbox++,
      setName: () => undefined,
      setAppUserModelId: () => undefined,
      requestSingleInstanceLock: () => true,
      on: (event: string, l: Listener) => void calls.appOn.set(event, l),
      whenReady: () => Promise.resolve(),
      getPath: () => userData,
      isPackaged: true,
      addRecentDocument: () => undefined,
      clearRecentDocuments: () => undefined,
      quit: () => undefined,
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => void calls.privileged.push(...s),
      handle: (scheme: string, h: (r: Request) => Promise<Response>) =>
        void calls.protocolHandlers.set(scheme, h),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Listener) => void (calls.permissionRequest = h),
        setPermissionCheckHandler: (h: Listener) => void (calls.permissionCheck = h),
        webRequest: { onBeforeRequest: (h: Listener) => void (calls.beforeRequest = h) },
      },
    },
    ipcMain: {
      handle: (c: string, l: Listener) => void calls.handles.set(c, l),
      on: (c: string, l: Listener) => void calls.ons.set(c, l),
    },
    Menu: {
      buildFromTemplate: (t: unknown) => t,
      setApplicationMenu: (m: unknown) => void calls.menus.push(m),
    },
    BrowserWindow,
    dialog: {},
    shell: { openExternal: async () => undefined },
  };
  return { fake, calls };
}

describe('dist/electron/main.cjs with a fake electron', () => {
  it('builds CommonJS bundles that require nothing but electron and Node built-ins', () => {
    for (const file of [mainPath, preloadPath]) {
      const code = nodeFs.readFileSync(file, 'utf8');
      const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      for (const r of required)
        expect(r === 'electron' || r?.startsWith('node:'), `${file}: ${r}`).toBe(true);
    }
    // The sandboxed preload can load only `electron`.
    const preloadRequires = [...nodeFs.readFileSync(preloadPath, 'utf8').matchAll(/require\("([^"]+)"\)/g)];
    expect(preloadRequires.map((m) => m[1])).toEqual(['electron']);
  });

  it('opens one secure window on app:// with validated IPC, menus and no permissions', async () => {
    const userData = tempDir();
    const { fake, calls } = fakeMainElectron(userData);
    loadWithFakeElectron(mainPath, fake);
    await vi.waitFor(() => expect(calls.windows).toHaveLength(1));

    expect(calls.privileged).toEqual([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ]);
    expect(calls.sandbox).toBe(1);
    const win = calls.windows[0];
    const web = win?.options['webPreferences'] as Record<string, unknown>;
    expect(web).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    });
    expect(web['preload']).toBe(nodePath.join(nodePath.dirname(mainPath), 'preload.cjs'));
    expect(win?.url).toBe('app://netloom/index.html');
    expect(win?.on.has('close')).toBe(true);

    expect([...calls.handles.keys()].sort()).toEqual([
      'choose-folder',
      'open-file',
      'open-path',
      'read-folder-file',
      'recent-files',
      'run-files',
      'save-file',
    ]);
    await expect(
      calls.handles.get('open-path')?.({ senderFrame: { url: 'app://netloom/' } }, { path: 1 }),
    ).rejects.toThrow(/refused malformed payload/);
    expect(calls.menus).toHaveLength(1);
    expect(calls.appOn.has('web-contents-created')).toBe(true);
    expect(calls.appOn.has('second-instance')).toBe(true);
    expect(calls.appOn.has('open-file')).toBe(true);

    let granted: boolean | undefined;
    calls.permissionRequest?.({}, 'media', (ok: boolean) => (granted = ok), {
      requestingUrl: 'app://netloom/',
    });
    expect(granted).toBe(false);
    expect(calls.permissionCheck?.({}, 'geolocation', 'app://netloom')).toBe(false);
    let cancel: boolean | undefined;
    calls.beforeRequest?.(
      { url: 'https://example.com/x.js' },
      (r: { cancel: boolean }) => (cancel = r.cancel),
    );
    expect(cancel).toBe(true);

    // The protocol serves the renderer folder beside dist/<out>/ with the isolation headers.
    const served = await calls.protocolHandlers.get('app')?.(new Request('app://netloom/nope.js'));
    expect(served?.status).toBe(404);
  });
});

describe('dist/electron/preload.cjs with a fake electron', () => {
  afterEach(() => vi.unstubAllGlobals());

  function loadPreload() {
    const invoked: { channel: string; payload: unknown }[] = [];
    const sent: { channel: string; payload: unknown }[] = [];
    const rendererListeners = new Map<string, Listener>();
    const windowListeners = new Map<string, Listener>();
    const exposed = new Map<string, unknown>();
    let reply: unknown = { ok: true, value: undefined };
    const fakeDocument = { activeElement: null as unknown };
    const fake = {
      contextBridge: { exposeInMainWorld: (name: string, api: unknown) => void exposed.set(name, api) },
      ipcRenderer: {
        invoke: async (channel: string, payload: unknown) => {
          invoked.push({ channel, payload });
          return reply;
        },
        send: (channel: string, payload: unknown) => void sent.push({ channel, payload }),
        on: (channel: string, l: Listener) => void rendererListeners.set(channel, l),
      },
      webUtils: { getPathForFile: (f: { path: string }) => f.path },
    };
    vi.stubGlobal('window', { addEventListener: (e: string, l: Listener) => void windowListeners.set(e, l) });
    vi.stubGlobal('document', fakeDocument);
    // Stubs stay until afterEach: the preload reads document.activeElement on menu commands.
    loadWithFakeElectron(preloadPath, fake);
    return {
      host: exposed.get('netloomHost') as Host,
      exposed,
      invoked,
      sent,
      emit: (channel: string, payload: unknown) => rendererListeners.get(channel)?.({}, payload),
      windowListeners,
      setReply: (r: unknown) => void (reply = r),
      focus: (el: unknown) => void (fakeDocument.activeElement = el),
    };
  }

  it('exposes only netloomHost, a desktop Host', () => {
    const p = loadPreload();
    expect([...p.exposed.keys()]).toEqual(['netloomHost']);
    expect(p.host.kind).toBe('desktop');
    expect(Object.keys(p.host).sort()).toEqual(
      [
        'autosave',
        'chooseFolder',
        'kind',
        'onMenuCommand',
        'onOpenFile',
        'openFile',
        'openPath',
        'recentFiles',
        'runFiles',
        'saveFile',
        'setDirty',
        'setTitle',
      ].sort(),
    );
  });

  it('sends payloads main accepts and turns failure replies into errors with main’s message', async () => {
    const p = loadPreload();
    await p.host.saveFile(new Uint8Array([1]), {
      suggestedName: 'a.json',
      filters: [{ name: 'Project', extensions: ['json'], extra: 1 } as never],
    });
    expect(p.invoked.at(-1)).toEqual({
      channel: 'save-file',
      payload: {
        bytes: new Uint8Array([1]),
        suggestedName: 'a.json',
        filters: [{ name: 'Project', extensions: ['json'] }],
      },
    });
    p.setReply({ ok: false, message: 'Could not save "a.json": the disk is full.' });
    await expect(
      p.host.saveFile(new Uint8Array([1]), { path: '/x/a.json', suggestedName: 'a.json', filters: [] }),
    ).rejects.toThrow('Could not save "a.json": the disk is full.');
    p.host.setTitle('a.json', true);
    p.host.autosave?.(new Uint8Array([2]), { name: 'a.json' });
    expect(p.sent).toEqual([
      { channel: 'set-title', payload: { title: 'a.json', dirty: true } },
      { channel: 'autosave', payload: { bytes: new Uint8Array([2]), meta: { name: 'a.json' } } },
    ]);
  });

  it('routes menu commands, buffers files until the page listens, and opens dropped projects', async () => {
    const p = loadPreload();
    const commands: MenuCommand[] = [];
    const off = p.host.onMenuCommand((c) => void commands.push(c));
    p.emit('menu-command', 'copy');
    p.focus({ tagName: 'INPUT', type: 'text' });
    p.emit('menu-command', 'copy');
    p.focus(null);
    off();
    p.emit('menu-command', 'save');
    expect(commands).toEqual(['copy']);
    expect(p.sent).toEqual([{ channel: 'native-edit', payload: { command: 'copy' } }]);

    const early: OpenedFile = { path: '/m.onnx', name: 'm.onnx', bytes: new Uint8Array([1]) };
    p.emit('open-file-event', early);
    const files: OpenedFile[] = [];
    p.host.onOpenFile((f) => void files.push(f));
    await vi.waitFor(() => expect(files).toEqual([early]));

    let prevented = 0;
    const dropEvent = (paths: string[]) => ({
      dataTransfer: {
        files: paths.map((path) => ({
          path,
          size: path.length,
          arrayBuffer: async () => new TextEncoder().encode(path).buffer,
        })),
        types: ['Files'],
      },
      preventDefault: () => void prevented++,
      stopPropagation: () => undefined,
    });
    p.windowListeners.get('drop')?.(dropEvent(['/d/data.csv']));
    expect(prevented).toBe(0);
    p.windowListeners.get('drop')?.(dropEvent(['/d/data.csv', '/d/net.onnx']));
    expect(prevented).toBe(1);
    // Main grants a dropped path only with the proof: the SHA-256 and size of the File's bytes.
    await vi.waitFor(() =>
      expect(p.sent.at(-1)).toEqual({
        channel: 'dropped-files',
        payload: {
          files: [
            {
              path: '/d/net.onnx',
              size: 11,
              sha256: createHash('sha256').update('/d/net.onnx').digest('hex'),
            },
          ],
        },
      }),
    );
  });
});

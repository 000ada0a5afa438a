import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideLaunch, electronBinaryPath, fallbackMessage } from '../../scripts/start.mjs';

const electronDir = '/repo/node_modules/electron';

function io(files: Record<string, string>, env: Record<string, string | undefined> = {}) {
  return {
    electronDir,
    env,
    exists: (p: string) => p in files,
    readText: (p: string) => files[p],
  };
}

describe('npm start: finding Electron’s binary without triggering its download', () => {
  it('finds the binary that path.txt names under dist/', () => {
    const bin = nodePath.join(electronDir, 'dist', 'electron');
    expect(
      electronBinaryPath(io({ [nodePath.join(electronDir, 'path.txt')]: 'electron\n', [bin]: '' })),
    ).toBe(bin);
  });

  it('reports none when the install left no dist/ (as on this machine)', () => {
    expect(electronBinaryPath(io({ [nodePath.join(electronDir, 'path.txt')]: 'electron' }))).toBeUndefined();
    expect(electronBinaryPath(io({}))).toBeUndefined();
    expect(electronBinaryPath({ ...io({}), electronDir: undefined })).toBeUndefined();
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH as electron/index.js does', () => {
    const bin = nodePath.join('/opt/electron', 'electron');
    expect(electronBinaryPath(io({ [bin]: '' }, { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' }))).toBe(bin);
    expect(electronBinaryPath(io({}, { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' }))).toBeUndefined();
  });

  it('on the real node_modules here: the package is installed without its binary', async () => {
    const fs = await import('node:fs');
    const dir = nodePath.resolve('node_modules/electron');
    const found = electronBinaryPath({
      electronDir: dir,
      env: {},
      exists: (p) => fs.existsSync(p),
      readText: (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined),
    });
    // ENVIRONMENT.md: `npm install electron` here leaves no dist/. Where it has one, it must exist.
    if (fs.existsSync(nodePath.join(dir, 'dist'))) expect(found && fs.existsSync(found)).toBe(true);
    else expect(found).toBeUndefined();
  });
});

describe('npm start: desktop window or browser', () => {
  it('opens Electron when the binary is there and there is a display', () => {
    expect(decideLaunch({ binaryPath: '/e/electron', env: { DISPLAY: ':0' }, platform: 'linux' })).toEqual({
      mode: 'electron',
      binary: '/e/electron',
    });
    expect(decideLaunch({ binaryPath: '/e/Electron.app', env: {}, platform: 'darwin' })).toEqual({
      mode: 'electron',
      binary: '/e/Electron.app',
    });
    expect(decideLaunch({ binaryPath: 'C:\\e\\electron.exe', env: {}, platform: 'win32' }).mode).toBe(
      'electron',
    );
    expect(
      decideLaunch({ binaryPath: '/e/electron', env: { WAYLAND_DISPLAY: 'wayland-0' }, platform: 'linux' })
        .mode,
    ).toBe('electron');
  });

  it('falls back to the browser without the binary, without a display, or when asked', () => {
    const missing = decideLaunch({ binaryPath: undefined, env: { DISPLAY: ':0' }, platform: 'linux' });
    expect(missing).toMatchObject({ mode: 'browser' });
    expect(missing.mode === 'browser' && missing.reason).toMatch(/Electron's binary is not installed/);
    const headless = decideLaunch({ binaryPath: '/e/electron', env: {}, platform: 'linux' });
    expect(headless.mode === 'browser' && headless.reason).toMatch(/no display/);
    const asked = decideLaunch({
      binaryPath: '/e/electron',
      env: { NETLOOM_BROWSER: '1', DISPLAY: ':0' },
      platform: 'linux',
    });
    expect(asked.mode).toBe('browser');
  });

  it('says so in one line', () => {
    const d = decideLaunch({ binaryPath: undefined, env: {}, platform: 'linux' });
    const line = fallbackMessage(d.mode === 'browser' ? d.reason : '');
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(
      /^Netloom: Electron's binary is not installed .* serving the app in the browser instead\.$/,
    );
  });
});

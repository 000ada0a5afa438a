// electron-builder.yml, checked by electron-builder's own validator (it cannot package here: that
// downloads Electron), plus what the app needs from it.
import * as nodeFs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debug: { isEnabled: boolean; add(): void }): Promise<void>;
};

const config = yaml.load(nodeFs.readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;
const debug = { isEnabled: false, add: () => undefined };

describe('electron-builder.yml', () => {
  it('passes electron-builder’s schema', async () => {
    await expect(validateConfiguration(config, debug)).resolves.toBeUndefined();
    // The validator does reject nonsense.
    await expect(
      validateConfiguration({ ...config, linux: { target: 'AppImage', nope: 1 } }, debug),
    ).rejects.toThrow(/Invalid configuration/);
  });

  it('builds AppImage/deb, dmg and nsis from the bundles, and associates .onnx and .json', () => {
    expect(config['linux']).toMatchObject({ target: ['AppImage', 'deb'], executableName: 'netloom-app' });
    expect(config['mac']).toMatchObject({ target: ['dmg'] });
    expect(config['win']).toMatchObject({ target: ['nsis'] });
    expect(config['extraMetadata']).toEqual({ main: 'dist/electron/main.cjs' });
    expect(config['files']).toEqual(expect.arrayContaining(['dist/renderer/**', 'dist/electron/*.cjs']));
    const exts = (config['fileAssociations'] as { ext: string }[]).map((a) => a.ext);
    expect(exts).toEqual(['onnx', 'json']);
    expect(config['electronFuses']).toMatchObject({ runAsNode: false, onlyLoadAppFromAsar: true });
  });

  it('is what `npm run dist` uses', () => {
    const pkg = JSON.parse(nodeFs.readFileSync('package.json', 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['dist']).toContain('electron-builder --config electron-builder.yml');
    expect(pkg.scripts['dist']).toContain('scripts/build-electron.mjs');
  });
});

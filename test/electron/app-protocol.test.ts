import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appEntryUrl,
  appSchemePrivileges,
  createAppProtocolHandler,
  resolveAppPath,
} from '../../electron/app-protocol.ts';
import { contentSecurityPolicy } from '../../electron/security.ts';
import { tempDir } from './fakes.ts';

describe('app:// protocol', () => {
  const root = '/srv/netloom/dist/renderer';

  it('maps our URLs into the renderer folder', () => {
    expect(resolveAppPath(appEntryUrl, root)).toBe(nodePath.join(root, 'index.html'));
    expect(resolveAppPath('app://netloom/', root)).toBe(nodePath.join(root, 'index.html'));
    expect(resolveAppPath('app://netloom/assets/ort%20wasm.wasm?v=1#x', root)).toBe(
      nodePath.join(root, 'assets', 'ort wasm.wasm'),
    );
  });

  it('refuses anything outside it, another host or scheme', () => {
    // The URL parser itself folds dot segments (also %2e%2e): these stay inside root.
    expect(resolveAppPath('app://netloom/../../etc/passwd', root)).toBe(nodePath.join(root, 'etc', 'passwd'));
    expect(resolveAppPath('app://netloom/%2e%2e/%2e%2e/etc/passwd', root)).toBe(
      nodePath.join(root, 'etc', 'passwd'),
    );
    // An encoded slash survives the parser and would climb out after decoding: refused.
    for (const url of [
      'app://netloom/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret',
      'app://netloom/a%00.html',
      'app://netloom/..%5c..%5csecret',
      'app://netloom/%E0%A4%A',
      'app://other/index.html',
      'file:///srv/netloom/dist/renderer/index.html',
      'https://netloom/index.html',
      'not a url',
    ]) {
      expect(resolveAppPath(url, root), url).toBeUndefined();
    }
  });

  it('is registered as a standard, secure scheme with fetch', () => {
    expect(appSchemePrivileges.scheme).toBe('app');
    expect(appSchemePrivileges.privileges).toMatchObject({
      standard: true,
      secure: true,
      supportFetchAPI: true,
    });
  });

  it('serves files with COOP/COEP (cross-origin isolation), CSP and the right types', async () => {
    const dir = tempDir();
    nodeFs.mkdirSync(nodePath.join(dir, 'assets'));
    nodeFs.writeFileSync(nodePath.join(dir, 'index.html'), '<!doctype html><title>Netloom</title>');
    nodeFs.writeFileSync(nodePath.join(dir, 'assets', 'ort.wasm'), new Uint8Array([0, 97, 115, 109]));
    nodeFs.writeFileSync(nodePath.join(nodePath.dirname(dir), 'outside.txt'), 'secret');
    const handle = createAppProtocolHandler(dir);

    const page = await handle(new Request(appEntryUrl));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Netloom</title>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');

    const wasm = await handle(new Request('app://netloom/assets/ort.wasm'));
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(wasm.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]));

    expect((await handle(new Request('app://netloom/missing.js'))).status).toBe(404);
    expect((await handle(new Request('app://netloom/assets'))).status).toBe(404);
    expect((await handle(new Request('app://netloom/%2e%2e/outside.txt'))).status).toBe(404);
    expect((await handle(new Request(appEntryUrl, { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});

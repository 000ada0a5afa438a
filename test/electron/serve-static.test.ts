// The browser fallback server (npm start without Electron, and the e2e tests): the desktop app's
// CSP on every response, and nothing at all for a request addressed to another host name.
import * as nodeFs from 'node:fs';
import { request } from 'node:http';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../electron/security.ts';
import { isLocalHost, serveStatic } from '../../scripts/serve-static.mjs';
import { tempDir } from './fakes.ts';

let server: { url: string; close: () => Promise<void> };
let port = 0;
let served = '';

beforeAll(async () => {
  const dir = tempDir();
  served = dir;
  nodeFs.writeFileSync(nodePath.join(dir, 'index.html'), '<!doctype html><title>t</title>');
  nodeFs.mkdirSync(nodePath.join(dir, 'assets'));
  nodeFs.writeFileSync(nodePath.join(dir, 'assets/a-Hash1234.wasm'), new Uint8Array([0, 97, 115, 109]));
  server = await serveStatic(dir, 0);
  port = Number(new URL(server.url).port);
});
afterAll(() => server.close());

function get(
  host: string,
  path = '/',
  extra: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host, ...extra } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('scripts/serve-static.mjs', () => {
  it('sends the desktop app’s Content-Security-Policy with the page', async () => {
    const r = await get(`localhost:${port}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toBe(contentSecurityPolicy);
    expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect((await get(`127.0.0.1:${port}`, '/nope.js')).headers['content-security-policy']).toBe(
      contentSecurityPolicy,
    );
  });

  it('answers only to localhost: a rebound host name gets 421 and no file', async () => {
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `localhost.evil.example:${port}`,
      `127.0.0.2:${port}`,
    ]) {
      const r = await get(host);
      expect([host, r.status]).toEqual([host, 421]);
      expect(r.body).not.toContain('<title>');
    }
    expect((await get(`[::1]:${port}`)).status).toBe(200);
    expect((await get(`LOCALHOST:${port}`)).status).toBe(200);
  });

  it('answers a revalidation with 304 while the file is unchanged, and lets hashed assets be kept', async () => {
    const first = await get(`localhost:${port}`);
    const etag = String(first.headers['etag']);
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await get(`localhost:${port}`, '/', { 'If-None-Match': etag });
    expect([again.status, again.body]).toEqual([304, '']);
    expect(again.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect((await get(`localhost:${port}`, '/', { 'If-None-Match': 'W/"other"' })).status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-cache');
    // Vite's content-hashed assets are kept without revalidation.
    expect((await get(`localhost:${port}`, '/assets/a-Hash1234.wasm')).headers['cache-control']).toBe(
      'public, max-age=31536000, immutable',
    );
    // A changed file is a new entity: the old validator no longer matches.
    const page = nodePath.join(served, 'index.html');
    nodeFs.writeFileSync(page, '<!doctype html><title>changed</title>');
    nodeFs.utimesSync(page, new Date(), new Date(Date.now() + 5000));
    const changed = await get(`localhost:${port}`, '/', { 'If-None-Match': etag });
    expect([changed.status, changed.body]).toEqual([200, '<!doctype html><title>changed</title>']);
  });

  it('reads Host headers strictly', () => {
    expect(isLocalHost(undefined)).toBe(false);
    expect(isLocalHost('')).toBe(false);
    expect(isLocalHost('localhost')).toBe(true);
    expect(isLocalHost('localhost:4173')).toBe(true);
    expect(isLocalHost('localhost:4173:1')).toBe(false);
    expect(isLocalHost('user@localhost')).toBe(false);
    expect(isLocalHost('[::1]:80')).toBe(true);
  });
});

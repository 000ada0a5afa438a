// A tiny static server for the built renderer (npm start's browser fallback and the e2e tests).
// It sends the cross-origin-isolation headers onnxruntime-web needs for threaded WASM and the
// desktop app's Content-Security-Policy (one list: electron/content-security-policy.json), and it
// answers only requests addressed to localhost: a page elsewhere that points its own host name at
// 127.0.0.1 (DNS rebinding) gets 421, never the app or its files.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import csp from '../electron/content-security-policy.json' with { type: 'json' };

export const contentSecurityPolicy = csp.directives.join('; ');

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether a Host header names this machine (any port: the server may have been given port 0).
 * @param {string | undefined} host
 */
export function isLocalHost(host) {
  if (host === undefined) return false;
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host);
  return m !== null && localHosts.has((m[1] ?? '').toLowerCase());
}

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.onnx': 'application/octet-stream',
  '.ico': 'image/x-icon',
};

/** Serves `dir` on localhost:`port` (0 picks a free port). Resolves to { url, close }. */
export async function serveStatic(dir, port = 0) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': contentSecurityPolicy,
      'X-Content-Type-Options': 'nosniff',
    };
    if (!isLocalHost(req.headers.host)) {
      res
        .writeHead(421, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
        .end('misdirected request');
      return;
    }
    try {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403, headers).end('forbidden');
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const info = await stat(file);
      // A validator, so a reload revalidates (304) instead of fetching the file anew.
      const etag = `W/"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`;
      const fileHeaders = {
        ...headers,
        'Content-Type': types[extname(file)] ?? 'application/octet-stream',
        ETag: etag,
        // Vite's assets/ carry a hash of their contents in their names: a browser may keep them
        // without asking again. Chromium's WASM code cache needs this: it keeps onnxruntime's
        // compiled module beside the .wasm's HTTP cache entry, matched by the response's time,
        // and code written after a revalidation (304) never matched on the next launch (traced
        // with `npm run bench -- training-browser`); with no 304 it matches every launch.
        ...(path.startsWith('/assets/') ? { 'Cache-Control': 'public, max-age=31536000, immutable' } : {}),
      };
      if ((req.headers['if-none-match'] ?? '').split(/\s*,\s*/).includes(etag)) {
        res.writeHead(304, fileHeaders).end();
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, fileHeaders);
      res.end(body);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const address = server.address();
  const url = `http://localhost:${typeof address === 'object' && address ? address.port : port}/`;
  return { url, close: () => new Promise((ok) => server.close(() => ok(undefined))) };
}

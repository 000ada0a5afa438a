// The renderer is served from app://netloom/ rather than file://: a standard, secure origin of its
// own, with the headers that make the window cross-origin isolated (COOP + COEP), which
// SharedArrayBuffer — and so onnxruntime-web's threaded WASM — requires, and with the CSP on every
// response. Only files inside the built renderer folder are served.
import * as nodeFs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { contentSecurityPolicy } from './security.ts';

export const appScheme = 'app';
export const appHost = 'netloom';
export const appOrigin = `${appScheme}://${appHost}`;
export const appEntryUrl = `${appOrigin}/index.html`;

/** protocol.registerSchemesAsPrivileged entry (must run before app 'ready'). */
export const appSchemePrivileges = {
  scheme: appScheme,
  privileges: {
    // Standard: relative URLs and origins work as for https; secure: a secure context (WebGPU,
    // SharedArrayBuffer); fetch for onnxruntime's .wasm; stream for large assets.
    standard: true,
    secure: true,
    supportFetchAPI: true,
    stream: true,
    codeCache: true,
  },
} as const;

const mimeTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.gz': 'application/gzip',
};

export function mimeTypeFor(file: string): string {
  return mimeTypes[nodePath.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers on every app:// response. */
export function appResponseHeaders(file: string): Record<string, string> {
  return {
    'Content-Type': mimeTypeFor(file),
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
}

/**
 * Maps an app:// URL to a file inside root, or undefined: another scheme or host, an encoded
 * `..`, a NUL, or anything else that would land outside root is refused.
 */
export function resolveAppPath(url: string, root: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${appScheme}:` || parsed.host !== appHost) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined;
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const absRoot = nodePath.resolve(root);
  const file = nodePath.resolve(absRoot, `.${pathname}`);
  const rel = nodePath.relative(absRoot, file);
  if (rel === '' || rel.startsWith('..') || nodePath.isAbsolute(rel)) return undefined;
  return file;
}

export type ReadAsset = (file: string) => Promise<Uint8Array>;
const readAsset: ReadAsset = async (file) => new Uint8Array(await nodeFs.readFile(file));

/** The protocol.handle('app', ...) handler: files from root with the isolation headers. */
export function createAppProtocolHandler(
  root: string,
  read: ReadAsset = readAsset,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('method not allowed', { status: 405 });
    }
    const file = resolveAppPath(request.url, root);
    if (file === undefined) return new Response('not found', { status: 404 });
    let body: Uint8Array;
    try {
      body = await read(file);
    } catch {
      return new Response('not found', { status: 404 });
    }
    return new Response(request.method === 'HEAD' ? null : new Blob([body as Uint8Array<ArrayBuffer>]), {
      status: 200,
      headers: appResponseHeaders(file),
    });
  };
}

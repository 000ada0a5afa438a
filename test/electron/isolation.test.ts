// The app:// protocol's headers and CSP, checked in a real Chromium (via playwright-core):
// the page is cross-origin isolated, so onnxruntime-web runs its threaded WASM; the CSP lets it
// compile WASM but blocks eval, inline scripts and remote content. A control server without
// COOP/COEP shows the same page losing isolation (and ort falling back to one thread).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appOrigin, createAppProtocolHandler } from '../../electron/app-protocol.ts';
import { launchChromium } from '../helpers/references.ts';
import { tempDir } from './fakes.ts';

// y = x + x, opset 17; made with onnx.helper (python3-onnx 1.12) and passed onnx.checker full_check.
const addModelBase64 = 'CAg6NQoOCgF4CgF4EgF5IgNBZGQSAWdaDwoBeBIKCggIARIECgIIAmIPCgF5EgoKCAgBEgQKAggCQgQKABAR';

const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>isolation</title>
<script type="module" src="/main.js"></script>
</head><body>
<script>window.__inline = 'ran';</script>
<img src="https://example.com/remote.png">
</body></html>`;

const mainJs = `
const out = { violations: [] };
document.addEventListener('securitypolicyviolation', (e) => out.violations.push(e.effectiveDirective));
out.isolated = self.crossOriginIsolated;
out.sharedArrayBuffer = typeof SharedArrayBuffer;
try { eval('1'); out.eval = 'ran'; } catch { out.eval = 'blocked'; }
// Added now, after the listener: an inline script and a remote image.
const inline = document.createElement('script');
inline.textContent = "window.__inline2 = 'ran'";
document.body.append(inline);
const img = document.createElement('img');
img.src = 'https://example.com/remote.png';
document.body.append(img);
try {
  const ort = await import('/ort/ort.bundle.min.mjs');
  ort.env.wasm.numThreads = 2;
  ort.env.wasm.wasmPaths = '/ort/';
  const model = Uint8Array.from(atob('${addModelBase64}'), (c) => c.charCodeAt(0));
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const r = await session.run({ x: new ort.Tensor('float32', new Float32Array([1.5, -2]), [2]) });
  out.y = Array.from(r.y.data);
  out.threads = ort.env.wasm.numThreads;
} catch (e) { out.ortError = String(e); }
await new Promise((r) => setTimeout(r, 100));
out.inline = window.__inline ?? window.__inline2 ?? 'blocked';
window.__result = out;
`;

interface PageResult {
  violations: string[];
  isolated: boolean;
  sharedArrayBuffer: string;
  eval: string;
  inline: string;
  y?: number[];
  threads?: number;
  ortError?: string;
}

/** Serves the app:// handler over http://127.0.0.1 (a secure context too), optionally minus COOP/COEP. */
async function serve(root: string, isolate: boolean): Promise<{ url: string; close(): Promise<void> }> {
  const handle = createAppProtocolHandler(root);
  const server = http.createServer((req, res) => {
    void (async () => {
      const response = await handle(new Request(`${appOrigin}${req.url ?? '/'}`));
      response.headers.forEach((value, name) => {
        if (!isolate && name.startsWith('cross-origin-')) return;
        res.setHeader(name, value);
      });
      res.statusCode = response.status;
      res.end(Buffer.from(await response.arrayBuffer()));
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://localhost:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('app:// headers in Chromium', () => {
  let browser: Browser | undefined;
  let root: string;

  beforeAll(async () => {
    root = tempDir();
    nodeFs.writeFileSync(nodePath.join(root, 'index.html'), page);
    nodeFs.writeFileSync(nodePath.join(root, 'main.js'), mainJs);
    nodeFs.symlinkSync(nodePath.resolve('node_modules/onnxruntime-web/dist'), nodePath.join(root, 'ort'));
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function load(isolate: boolean): Promise<PageResult> {
    // Launched by the first test (where there is no Chromium, each test is reported not run).
    browser ??= await launchChromium();
    const server = await serve(root, isolate);
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      await tab.goto(server.url);
      await tab.waitForFunction(
        () => (window as unknown as { __result?: unknown }).__result !== undefined,
        null,
        {
          timeout: 60_000,
        },
      );
      return (await tab.evaluate(() => (window as unknown as { __result: unknown }).__result)) as PageResult;
    } finally {
      await context.close();
      await server.close();
    }
  }

  it('is cross-origin isolated and runs onnxruntime-web with threads under the CSP', async () => {
    const r = await load(true);
    expect(r.ortError).toBeUndefined();
    expect(r.isolated).toBe(true);
    expect(r.sharedArrayBuffer).toBe('function');
    expect(r.y).toEqual([3, -4]);
    expect(r.threads).toBe(2);
    // The CSP: no eval, no inline script, no remote image.
    expect(r.eval).toBe('blocked');
    expect(r.inline).toBe('blocked');
    expect(r.violations).toEqual(expect.arrayContaining(['script-src-elem', 'img-src']));
  });

  it('without COOP/COEP the same page is not isolated and ort drops to one thread', async () => {
    const r = await load(false);
    expect(r.isolated).toBe(false);
    expect(r.sharedArrayBuffer).toBe('undefined');
    expect(r.y).toEqual([3, -4]);
    expect(r.threads).toBe(1);
  });
});

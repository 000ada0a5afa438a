// The training step on WebGPU (SwiftShader in headless Chromium: correct, slowly): weights and
// optimizer state stay in GPU buffers between steps, and the loss curve matches WASM's.
import { join } from 'node:path';
import { build } from 'vite';
import { expect, test } from 'vitest';
import { serveStatic } from '../../scripts/serve-static.mjs';
import { launchChromium, requireChromium } from '../helpers/references.ts';

const root = join(import.meta.dirname, '../..');

interface Curve {
  losses: number[];
  locations: string[];
}

test('WebGPU and WASM training steps agree; WebGPU keeps tensors on the GPU', async () => {
  requireChromium();
  // The page's own bundle (no config file: the repository's vite.config.ts builds the renderer).
  await build({
    configFile: false,
    root: join(import.meta.dirname, 'webgpu'),
    base: './',
    logLevel: 'warn',
    build: { outDir: join(root, 'dist/test-webgpu'), emptyOutDir: true, target: 'es2022' },
  });
  const server = await serveStatic(join(root, 'dist/test-webgpu'), 0);
  const browser = await launchChromium(['--enable-unsafe-webgpu']);
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, undefined, {
      timeout: 240_000,
    });
    const r = (await page.evaluate(() => (window as { __result?: unknown }).__result)) as {
      wasm?: Curve;
      webgpu?: Curve;
      adapter?: boolean;
      error?: string;
    };
    expect(r.error).toBeUndefined();
    expect(errors).toEqual([]);
    expect(r.adapter).toBe(true);
    const wasm = r.wasm!;
    const gpu = r.webgpu!;
    expect(gpu.locations.every((l) => l === 'gpu-buffer')).toBe(true);
    expect(wasm.losses.at(-1)!).toBeLessThan(wasm.losses[0]! / 2);
    gpu.losses.forEach((v, i) =>
      expect(Math.abs(v - wasm.losses[i]!)).toBeLessThan(1e-3 * Math.max(1, wasm.losses[i]!)),
    );
  } finally {
    await browser.close();
    await server.close();
  }
}, 300_000);

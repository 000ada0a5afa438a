// Builds the renderer when it is missing or older than its sources, serves it with the static
// server npm start uses, and opens the reference Chromium (test/helpers/references.ts) on it through
// playwright-core. Where there is no Chromium, every test that asks for the page is reported not run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { serveStatic } from '../../scripts/serve-static.mjs';
import { chromiumPath, launchChromium, requireChromium } from '../helpers/references.ts';

export const root = join(import.meta.dirname, '../..');
const dist = join(root, 'dist/renderer');
export const shots = join(root, 'test-results');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Whether the built renderer holds React's development build: what a build run with
 * NODE_ENV=test makes (vitest sets it), an edit's work several times what users get.
 */
function developmentBuild(): boolean {
  const assets = join(dist, 'assets');
  return readdirSync(assets).some(
    (f) => /^index-.*\.js$/.test(f) && readFileSync(join(assets, f), 'utf8').includes('jsxDEV'),
  );
}

export function buildIfStale(): void {
  const built = join(dist, 'index.html');
  const sources = Math.max(
    newest(join(root, 'renderer')),
    newest(join(root, 'src')),
    newest(join(root, 'templates')),
  );
  if (existsSync(built) && statSync(built).mtimeMs > sources && !developmentBuild()) return;
  // The production build, as users get it (and the benchmarks measure it), from tests too.
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
}

export interface OpenApp {
  readonly browser: Browser;
  readonly page: Page;
  readonly url: string;
  close(): Promise<void>;
}

export async function openApp(extraArgs: string[] = []): Promise<OpenApp> {
  buildIfStale();
  mkdirSync(shots, { recursive: true });
  const server = await serveStatic(dist, 0);
  const browser = await launchChromium(['--disable-gpu', ...extraArgs]);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  // A fresh profile is a first launch, which opens the Templates; tests start past it
  // (test/e2e/editor-feel.test.ts clears this to see the first launch).
  await context.addInitScript(() => localStorage.setItem('netloom.started', '1'));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  return {
    browser,
    page,
    url: server.url,
    async close() {
      await browser.close();
      await server.close();
      if (errors.length) throw new Error(`page errors: ${errors.join('\n')}`);
    },
  };
}

/**
 * One browser for a test file, opened before its tests and closed after them; confirm dialogs
 * ("Discard unsaved changes?" when a template or file replaces the document) are answered yes.
 */
export function appPerFile(extraArgs: string[] = []): { readonly page: Page } {
  let app: OpenApp | undefined;
  const holder = {
    get page(): Page {
      requireChromium();
      if (!app) throw new Error('the app is not open yet');
      return app.page;
    },
  };
  beforeAll(async () => {
    // Without a Chromium there is nothing to open; each test then says so through `page`.
    if (!chromiumPath()) return;
    app = await openApp(extraArgs);
    app.page.on('dialog', (d) => void d.accept());
  }, 180_000);
  afterAll(async () => {
    await app?.close();
  });
  return holder;
}

// Autosave as a person meets it, in Debian's Chromium: an edit survives a reload or a closed tab
// made at once (before the 400 ms write: the pagehide / hidden flush and beforeunload carry it),
// and a renderer crash after the idle write (nothing runs on the way down); a saved or clean
// document leaves nothing behind that the next start would bring back over it.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumPath, requireChromium } from '../helpers/references.ts';
import { openApp, shots, type OpenApp } from './app.ts';

let app: OpenApp | undefined;
const contexts: BrowserContext[] = [];
const errors: string[] = [];

beforeAll(async () => {
  if (!chromiumPath()) return;
  app = await openApp();
}, 180_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await app?.close();
  if (errors.length) throw new Error(`page errors: ${errors.join('\n')}`);
});

/** A browser profile of its own (its own localStorage), past the first launch's Templates. */
async function profile(): Promise<BrowserContext> {
  requireChromium();
  const context = await app!.browser.newContext({
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  await context.addInitScript(() => localStorage.setItem('netloom.started', '1'));
  contexts.push(context);
  return context;
}

/** A new tab on the app: "Leave site?" is answered yes, as a person who meant to leave does. */
async function tab(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(app!.url);
  await expect.poll(() => page.getByTestId('palette').isVisible()).toBe(true);
  return page;
}

async function openMlp(page: Page): Promise<void> {
  await page.getByTestId('open-gallery').click();
  await page.locator('.card[data-template="mlp"]').click();
  await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe('MLP 784-256-128-10');
  // What opening the template scheduled is written by now, so the edit below starts its own wait.
  await page.waitForTimeout(3000);
}

const unitsField = (page: Page) => page.locator('[data-testid="inspector"] [data-field="units"]');

async function setUnits(page: Page, label: string, units: string): Promise<void> {
  await page.getByTestId(`node-${label}`).click();
  await unitsField(page).fill(units);
  await unitsField(page).blur();
  await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe('● MLP 784-256-128-10');
}

async function unitsOf(page: Page, label: string): Promise<string> {
  await page.getByTestId(`node-${label}`).click();
  return unitsField(page).inputValue();
}

/** The page recovered the edit: it says so, the document is unsaved, and fc1 has 300 units. */
async function expectRecovered(page: Page): Promise<void> {
  const banner = page.getByTestId('banner-info');
  await expect.poll(() => banner.count(), { message: 'no "Recovered" message', timeout: 10_000 }).toBe(1);
  expect(await banner.locator('span').first().textContent()).toMatch(
    /^Recovered unsaved work from .+\. Save it to keep it\.$/,
  );
  expect(await page.getByTestId('doc-title').textContent()).toBe('● MLP 784-256-128-10');
  // The window's title is set when the page is next idle (not in an edit's frame).
  await expect.poll(() => page.title(), { timeout: 5_000 }).toBe('● MLP 784-256-128-10 — Netloom');
  expect(await unitsOf(page, 'fc1')).toBe('300');
}

/** Kills the tab's renderer as a crash does: no pagehide, no beforeunload, no timers. */
async function crash(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const crashed = page.waitForEvent('crash');
  void cdp.send('Page.crash').catch(() => undefined);
  await crashed;
}

test('an edit reloaded at once, before the autosave wrote it, comes back marked unsaved', async () => {
  const page = await tab(await profile());
  await openMlp(page);
  await setUnits(page, 'fc1', '300');
  await page.reload();
  await expectRecovered(page);
  await page.screenshot({ path: join(shots, 'autosave-recovered.png') });
}, 60_000);

test('an edit in a tab closed at once comes back in the next tab (pagehide flush)', async () => {
  const context = await profile();
  const page = await tab(context);
  await openMlp(page);
  await setUnits(page, 'fc1', '300');
  // Closing without beforeunload: only the pagehide / hidden flush can write the edit.
  await page.close({ runBeforeUnload: false });
  await expectRecovered(await tab(context));
}, 60_000);

test('an edit written by the idle autosave survives a renderer crash', async () => {
  const context = await profile();
  const page = await tab(context);
  await openMlp(page);
  await setUnits(page, 'fc1', '300');
  // Past the 400 ms wait and the idle callback's 2 s limit.
  await page.waitForTimeout(3000);
  await crash(page);
  await expectRecovered(await tab(context));
}, 60_000);

test('a saved document, or a clean one, leaves no autosave for the next start', async () => {
  const context = await profile();
  const page = await tab(context);
  await openMlp(page);
  await setUnits(page, 'fc1', '300');
  await page.waitForTimeout(3000);
  // The autosave holds the edit now; saving makes it stale, and a crash right after the save
  // (inside the 400 ms) must not bring it back as unsaved work over the saved file.
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+s')]);
  expect(download.suggestedFilename()).toBe('MLP-784-256-128-10.json');
  await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe('MLP-784-256-128-10.json');
  await crash(page);
  const next = await tab(context);
  await next.waitForTimeout(500);
  expect(await next.getByTestId('banner-info').count()).toBe(0);
  expect(await next.locator('.layer-node').count()).toBe(0);
  expect(await next.title()).not.toContain('●');

  // A clean document (a template just opened over an autosaved edit) clears it too.
  await openMlp(next);
  await setUnits(next, 'fc1', '300');
  await next.waitForTimeout(3000);
  await next.getByTestId('open-gallery').click();
  await next.locator('.card[data-template="lenet5"]').click();
  await expect.poll(() => next.title()).not.toContain('●');
  await next.waitForTimeout(3000);
  await crash(next);
  const last = await tab(context);
  await last.waitForTimeout(500);
  expect(await last.getByTestId('banner-info').count()).toBe(0);
  expect(await last.locator('.layer-node').count()).toBe(0);
}, 90_000);

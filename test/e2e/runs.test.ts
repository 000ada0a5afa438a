// The run history as a person uses it, in Debian's Chromium: train the Playground twice with
// different learning rates, open Runs, choose both, see their curves overlaid and the table of
// what differs (lr 0.03 vs 0.003, same split and seed), then restore the first run's document.
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { appPerFile, shots } from './app.ts';

const app = appPerFile();
const field = (f: string) => app.page.locator(`[data-testid="train-panel"] [data-field="${f}"]`);

async function trainOnce(lr: string): Promise<void> {
  await field('lr').fill(lr);
  await field('epochs').fill('4');
  await app.page.getByTestId('train-start').click();
  await expect.poll(() => app.page.getByTestId('train-eta').textContent(), { timeout: 120_000 }).toBe('done');
}

test('two runs with different learning rates: listed, overlaid, compared, restored', async () => {
  await app.page.getByTestId('open-gallery').click();
  await app.page.locator('.card[data-template="playground"]').click();
  await app.page.getByTestId('train-tab').click();
  await trainOnce('0.03');
  await trainOnce('0.003');

  await app.page.getByTestId('runs-tab').click();
  const rows = app.page.locator('[data-testid="runs-table"] tbody tr');
  await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
  // Newest first; both finished, on spirals, with their own learning rate.
  await expect.poll(() => rows.nth(0).textContent()).toMatch(/Playground\s*spirals\s*0\.003.*finished/);
  expect(await rows.nth(1).textContent()).toMatch(/Playground\s*spirals\s*0\.03.*finished/);

  await rows.nth(0).locator('input[type=checkbox]').check();
  await rows.nth(1).locator('input[type=checkbox]').check();
  await expect.poll(() => app.page.getByTestId('runs-loss-chart').locator('polyline').count()).toBe(2);
  expect(await app.page.getByTestId('runs-acc-chart').locator('polyline').count()).toBe(2);
  const compare = app.page.getByTestId('runs-compare');
  await expect.poll(() => compare.textContent()).toContain('Same dataset, split and seed.');
  expect(await compare.locator('tbody tr').first().textContent()).toBe('lr0.0030.03');
  await app.page.screenshot({ path: join(shots, 'runs-compare.png') });

  // Restore the first run's document (the older one, lr 0.03): the editor says so.
  await rows.nth(0).locator('input[type=checkbox]').uncheck();
  await app.page.getByTestId('runs-restore-document').click();
  const id = await rows.nth(1).getAttribute('data-run');
  await expect.poll(() => app.page.getByText(`Restored the document of run ${id}`).count()).toBe(1);
}, 300_000);

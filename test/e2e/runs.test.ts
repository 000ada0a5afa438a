// The run history as a person uses it, in Debian's Chromium: train the Playground twice with
// different learning rates, open Runs, choose both, see their curves overlaid and the table of
// what differs (lr 0.03 vs 0.003, same split and seed), then restore the first run's document.
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { appPerFile, shots } from './app.ts';

const app = appPerFile();
const field = (f: string) => app.page.locator(`[data-testid="train-panel"] [data-field="${f}"]`);

async function trainOnce(lr: string, batch: string): Promise<void> {
  await field('lr').fill(lr);
  await field('batch').fill(batch);
  await field('epochs').fill('4');
  await app.page.getByTestId('train-start').click();
  await expect.poll(() => app.page.getByTestId('train-eta').textContent(), { timeout: 120_000 }).toBe('done');
}

test('two runs with different learning rates: listed, overlaid, compared, restored', async () => {
  await app.page.getByTestId('open-gallery').click();
  await app.page.locator('.card[data-template="playground"]').click();
  await app.page.getByTestId('train-tab').click();
  await trainOnce('0.03', '32');
  await trainOnce('0.003', '16');

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
  // The chosen run's picture of its last epoch (the decision boundary), kept with the run.
  const picture = app.page.getByTestId('runs-picture');
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(288);
  // The Train panel's fields follow the restored document (lr 0.03 and batch 32, not the last run's)
  // when its tab is opened again (hidden, it keeps its last document: an edit costs it nothing).
  await app.page.getByTestId('train-tab').click();
  expect(await field('lr').inputValue()).toBe('0.03');
  expect(await field('batch').inputValue()).toBe('32');
  // Back to Runs (the next test starts there), once its table has read both runs again.
  await app.page.getByTestId('runs-tab').click();
  await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
}, 300_000);

test('a search in the app: grid over hidden1.units, budget 3, live scatter, a point opens', async () => {
  const before = await app.page.locator('[data-testid="runs-table"] tbody tr').count();
  await app.page.getByTestId('search-add').click();
  await app.page.getByTestId('search-target').selectOption('hidden1.units');
  await app.page.getByTestId('search-values').fill('4,8');
  await app.page.getByTestId('search-strategy').selectOption('grid');
  await app.page.getByTestId('search-budget').fill('3');
  await app.page.getByTestId('search-epochs').fill('3');
  await app.page.getByTestId('search-start').click();
  const summary = app.page.getByTestId('search-summary');
  await expect
    .poll(() => summary.textContent(), { timeout: 180_000 })
    .toMatch(
      /^3 runs used of a budget of 3\. Best hidden1\.units \d+: val error [\d.]+, [\d,]+ params — start hidden1\.units 32: val error/,
    );
  const points = app.page.getByTestId('search-scatter-flops').getByTestId('search-point');
  expect(await points.count()).toBe(3);
  expect(await app.page.getByTestId('search-scatter-params').getByTestId('search-point').count()).toBe(3);
  expect(await points.and(app.page.locator('[data-start="yes"]')).count()).toBe(1);
  expect(await points.and(app.page.locator('[data-front="yes"]')).count()).toBeGreaterThan(0);
  // Each candidate is kept as a run of its own.
  await expect.poll(() => app.page.locator('[data-testid="runs-table"] tbody tr').count()).toBe(before + 3);
  await app.page.getByTestId('search-panel').screenshot({ path: join(shots, 'runs-search.png') });

  // The 4-unit candidate opens as the document (one undo step): its Dense shows 4 units.
  const small = points.and(app.page.locator('[data-start="no"]')).first();
  const runId = await small.getAttribute('data-run');
  await small.click();
  await expect.poll(() => app.page.getByText(`Opened the search's candidate ${runId}`).count()).toBe(1);
  const totals = await app.page.getByTestId('totals').textContent();
  expect(totals).not.toContain('1,218 params');

  // Compare the start with that candidate: the canvas marks the changed Dense (not a selection).
  const startId = await points.and(app.page.locator('[data-start="yes"]')).getAttribute('data-run');
  const runRow = (id: string | null) =>
    app.page.locator(`[data-testid="runs-table"] tbody tr[data-run="${id}"]`);
  for (const r of await app.page.locator('[data-testid="runs-table"] tbody input:checked').all())
    await r.uncheck();
  await runRow(startId).locator('input[type=checkbox]').check();
  await runRow(runId).locator('input[type=checkbox]').check();
  const marked = app.page.locator('.layer-node[data-diff="changed"]');
  await app.page.getByTestId('runs-show-diff').click();
  await expect.poll(() => marked.count()).toBe(1);
  expect(await marked.getAttribute('data-testid')).toBe('node-hidden1');
  expect(await app.page.locator('.layer-node.selected').count()).toBe(0);
  await app.page.screenshot({ path: join(shots, 'runs-diff-canvas.png') });
  await app.page.getByTestId('runs-clear-diff').click();
  await expect.poll(() => marked.count()).toBe(0);
  // Marked again, then the next edit (an undo) clears the marks.
  await app.page.getByTestId('runs-show-diff').click();
  await expect.poll(() => marked.count()).toBe(1);
  await app.page.getByTestId('undo').click();
  await expect.poll(() => marked.count()).toBe(0);
}, 300_000);

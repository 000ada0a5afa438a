// The Train tab as a person uses it, in Debian's Chromium: from an empty screen to a solved spiral
// in four clicks, with the step count, speed and ETA showing from the first step; another template
// starts the tab over (no charts, picture or status of the last model); Step takes one batch; a
// dataset that does not fit is called a data mismatch before and after Start (and after an edit
// made while the tab was hidden); a template opened while the tab is hidden is the one it shows; a
// GAN's charts show D and G apart.
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { appPerFile, shots } from './app.ts';

const app = appPerFile();

const text = async (id: string) => (await app.page.getByTestId(id).textContent()) ?? '';
const field = (f: string) => app.page.locator(`[data-testid="train-panel"] [data-field="${f}"]`);
const legend = (chart: string) =>
  app.page.locator(`[data-testid="${chart}"] .u-legend .u-series .u-label`).allTextContents();

async function openTemplate(name: string): Promise<void> {
  await app.page.getByTestId('open-gallery').click();
  await app.page.locator(`.card[data-template="${name}"]`).click();
}

/** Milliseconds from now until the Train tab shows a step count ("step 5/900 · epoch 1"). */
async function untilFirstStep(): Promise<number> {
  const t0 = Date.now();
  await expect.poll(() => text('train-step'), { timeout: 120_000, interval: 50 }).toMatch(/^step \d+\//);
  return Date.now() - t0;
}

test('Playground from an empty screen: four clicks, speed from the first step, spirals solved', async () => {
  let clicks = 0;
  await app.page.getByTestId('open-gallery').click();
  clicks++;
  await app.page.locator('.card[data-template="playground"]').click();
  clicks++;
  await app.page.getByTestId('train-tab').click();
  clicks++;
  expect(await field('dataset').inputValue()).toBe('spirals');
  expect(await app.page.getByTestId('train-data-fit').count()).toBe(0);
  // Before the first epoch the picture area says what will be drawn there.
  expect(await app.page.getByTestId('train-picture').isHidden()).toBe(true);
  expect(await text('train-picture-note')).toMatch(/decision boundary/);
  await app.page.getByTestId('train-start').click();
  clicks++;
  const firstStepMs = await untilFirstStep();
  const speed = await text('train-speed');
  expect(speed).toMatch(/^\d+(\.\d)? (steps\/s|s\/step)$/);
  expect(speed).not.toMatch(/^0 steps/);

  await expect.poll(() => app.page.getByTestId('train-start').count(), { timeout: 240_000 }).toBe(1);
  expect(await app.page.getByTestId('train-error').count()).toBe(0);
  expect(await text('train-epoch')).toBe('epoch 60/60');
  const accuracy = Number((await text('train-accuracy')).replace('%', ''));
  expect(accuracy).toBeGreaterThanOrEqual(97);
  expect(await app.page.getByTestId('train-picture').isHidden()).toBe(false);
  expect(await legend('loss-chart')).toEqual(['loss per step']);
  expect(await legend('epoch-chart')).toEqual(['train loss', 'val loss', 'val acc %']);
  // The backend selector shows what each measured candidate gave.
  const why = await text('train-backend-why');
  const options = await app.page.getByTestId('train-backend-choice').locator('option').allTextContents();
  if (why.startsWith('measured fastest (')) {
    for (const o of options.filter((x) => x.startsWith('wasm')))
      expect(o).toMatch(/ — \d+(\.\d)? (steps\/s|s\/step)$/);
  }
  await app.page.screenshot({ path: join(shots, 'train-panel-playground.png') });
  console.log(
    `Playground: ${clicks} clicks from an empty screen; Start → first step count ${firstStepMs} ms (backend probe included); ${speed}; validation accuracy ${accuracy}% after 60 epochs; backend options: ${options.join(' | ')}`,
  );
}, 300_000);

test('another template starts the Train tab over; Step takes one batch; speed in the first epoch', async () => {
  await openTemplate('lenet5');
  await app.page.getByTestId('train-tab').click();
  // Nothing of the Playground's run is left: status, steps, losses, picture, charts.
  expect(await text('train-epoch')).toBe('idle');
  expect(await text('train-step')).toBe('');
  expect(await text('train-loss')).toBe('–');
  expect(await text('train-accuracy')).toBe('–');
  expect(await app.page.getByTestId('train-picture').isHidden()).toBe(true);
  expect(await legend('epoch-chart')).toEqual(['train loss']);
  await app.page.screenshot({ path: join(shots, 'train-panel-fresh-lenet.png') });

  // Step: one batch, then paused; again: the next one.
  await app.page.getByTestId('train-step-once').click();
  await expect
    .poll(() => text('train-step'), { timeout: 120_000, interval: 100 })
    .toMatch(/^step 1\/\d+ · epoch 1$/);
  expect(await app.page.getByTestId('train-resume').count()).toBe(1);
  await app.page.getByTestId('train-step-once').click();
  await expect.poll(() => text('train-step'), { timeout: 30_000, interval: 100 }).toMatch(/^step 2\//);
  await new Promise((r) => setTimeout(r, 1000));
  expect(await text('train-step')).toMatch(/^step 2\//);
  await app.page.getByTestId('train-stop').click();
  await expect.poll(() => app.page.getByTestId('train-start').count(), { timeout: 60_000 }).toBe(1);

  // A full run: the step count, speed and ETA show while the first epoch is still going.
  await app.page.getByTestId('train-reset').click();
  await app.page.getByTestId('train-start').click();
  const firstStepMs = await untilFirstStep();
  expect(await text('train-loss')).toBe('–');
  const speed = await text('train-speed');
  expect(speed).toMatch(/^\d+(\.\d)? (steps\/s|s\/step)$/);
  await expect.poll(() => text('train-eta'), { timeout: 10_000 }).toMatch(/^ETA \d+ (s|min)/);
  const eta = await text('train-eta');
  await app.page.screenshot({ path: join(shots, 'train-panel-first-epoch.png') });
  await app.page.getByTestId('train-stop').click();
  await expect.poll(() => app.page.getByTestId('train-start').count(), { timeout: 60_000 }).toBe(1);
  console.log(
    `LeNet-5: Start → first step count ${firstStepMs} ms (remembered backend); ${speed}, ${eta} in epoch 1`,
  );
}, 300_000);

test('a dataset that does not fit is a data mismatch; a GAN charts D and G; ResNet-18 starts clean', async () => {
  // The Playground's decision boundary is redrawn after each Step, not only after an epoch.
  await openTemplate('playground');
  await app.page.getByTestId('train-tab').click();
  const picture = app.page.getByTestId('train-picture');
  const pixels = () => picture.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
  await app.page.getByTestId('train-step-once').click();
  await expect.poll(() => text('train-step'), { timeout: 120_000 }).toMatch(/^step 1\//);
  await expect.poll(() => picture.isHidden(), { timeout: 30_000 }).toBe(false);
  const first = await pixels();
  await app.page.screenshot({ path: join(shots, 'train-panel-playground-step1.png') });
  for (let k = 2; k <= 4; k++) {
    await app.page.getByTestId('train-step-once').click();
    await expect.poll(() => text('train-step'), { timeout: 30_000 }).toMatch(new RegExp(`^step ${k}/`));
  }
  await expect.poll(pixels, { timeout: 30_000 }).not.toBe(first);
  expect(await text('train-epoch')).not.toMatch(/^epoch [1-9]/);
  await app.page.screenshot({ path: join(shots, 'train-panel-playground-step4.png') });
  await app.page.getByTestId('train-stop').click();
  await expect.poll(() => app.page.getByTestId('train-start').count(), { timeout: 60_000 }).toBe(1);

  await openTemplate('playground');
  await app.page.getByTestId('train-tab').click();
  await field('dataset').selectOption('mnist');
  expect(await text('train-data-fit')).toBe(
    'Data mismatch: "mnist" has [1, 28, 28] per example, but Input "point" [2] takes another shape — choose "spirals", which fits.',
  );
  // Edited while its tab is hidden, the Train panel keeps its last document until the tab opens
  // again; then it reads the edited one (the Input renamed in the inspector).
  await app.page.getByRole('button', { name: 'Layer', exact: true }).click();
  await app.page.getByTestId('node-point').click();
  await app.page.locator('[data-testid="inspector"] [data-field="name"]').fill('xy');
  await app.page.getByTestId('train-tab').click();
  expect(await text('train-data-fit')).toBe(
    'Data mismatch: "mnist" has [1, 28, 28] per example, but Input "xy" [2] takes another shape — choose "spirals", which fits.',
  );
  await app.page.getByTestId('train-start').click();
  await expect
    .poll(() => text('train-error'), { timeout: 60_000 })
    .toMatch(/^Training stopped: Dataset "mnist" has 784 features/);
  expect(await text('train-error')).not.toMatch(/WebGPU/);
  // A document opened while the tab is hidden is taken by the panel once the page is idle (not in
  // the opening's first render): the tab then shows the new document's setup, not the last one's
  // dataset or its run's error.
  await app.page.getByRole('button', { name: 'Layer', exact: true }).click();
  await openTemplate('playground');
  await app.page.waitForTimeout(1500);
  await app.page.getByTestId('train-tab').click();
  expect(await field('dataset').inputValue()).toBe('spirals');
  expect(await app.page.getByTestId('train-data-fit').count()).toBe(0);
  expect(await app.page.getByTestId('train-error').count()).toBe(0);

  await openTemplate('gan-mnist');
  await app.page.getByTestId('train-tab').click();
  expect(await app.page.getByTestId('train-error').count()).toBe(0);
  await field('epochs').fill('2');
  await field('limit').fill('256');
  await app.page.getByTestId('train-start').click();
  await expect.poll(() => app.page.getByTestId('train-start').count(), { timeout: 180_000 }).toBe(1);
  expect(await app.page.getByTestId('train-error').count()).toBe(0);
  expect(await legend('loss-chart')).toEqual(['D loss per step', 'G loss per step']);
  const epochLegend = await legend('epoch-chart');
  expect(epochLegend.slice(0, 2)).toEqual(['D loss (train)', 'G loss (train)']);
  // Only the series the run has: no accuracy axis where there is no accuracy.
  if ((await text('train-accuracy')) === '–') expect(epochLegend).not.toContain('val acc %');
  await app.page.getByTestId('epoch-chart').scrollIntoViewIfNeeded();
  await app.page.screenshot({ path: join(shots, 'train-panel-gan.png') });

  await openTemplate('resnet18');
  await app.page.getByTestId('train-tab').click();
  expect(await text('train-epoch')).toBe('idle');
  expect(await text('train-step')).toBe('');
  expect(await app.page.getByTestId('train-picture').isHidden()).toBe(true);
  expect(await legend('loss-chart')).toEqual(['loss per step']);
  expect(await field('dataset').inputValue()).toBe('shapes');
  expect(await text('train-data-note')).toMatch(/"shapes" has 32×32 images; they are resized to 224×224/);
  // Its own short run, not the generic 30 epochs, and before Start the plain word on what would train it.
  expect(await field('epochs').inputValue()).toBe('1');
  expect(await field('batch').inputValue()).toBe('8');
  expect(await text('train-data-unfit')).toMatch(
    /cannot train well on "shapes" here.*"image folder" with photos of 224×224.*ResNet-20, Small VGG or Small MobileNet/,
  );
  await app.page.screenshot({ path: join(shots, 'train-panel-resnet18.png') });

  // A graph without an Output: the picture area says why it stays empty.
  await openTemplate('playground');
  await app.page.getByTestId('node-logits').click();
  await app.page.keyboard.press('Delete');
  await expect.poll(() => app.page.getByTestId('node-logits').count()).toBe(0);
  await app.page.getByTestId('train-tab').click();
  expect(await text('train-picture-note')).toMatch(/^No picture: the graph has no Output node/);
}, 300_000);

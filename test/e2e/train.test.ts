// Training in the app as a person does it, in Debian's Chromium: open the MLP template, give its
// Input two features, train on spirals in the worker, watch the loss fall and the decision boundary
// change, stop, export the trained model (it must load and run in onnxruntime). Then LeNet-5 on
// MNIST: test digits with predictions, a confusion matrix, and "Try it" on a drawn digit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import { floatTensor } from '../../src/runtime/tensors.ts';
import { openApp, shots } from './app.ts';
import type { OpenApp } from './app.ts';

let app: OpenApp;
let page: Page;

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  // "Discard unsaved changes?" when the second template replaces the edited MLP: yes.
  page.on('dialog', (d) => void d.accept());
}, 180_000);

afterAll(async () => {
  await app?.close();
});

const epochNumber = async () =>
  Number((await page.getByTestId('train-epoch').textContent())?.match(/epoch (\d+)/)?.[1] ?? 0);
const picture = () => page.getByTestId('train-picture').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
const field = (f: string) => page.locator(`[data-testid="train-panel"] [data-field="${f}"]`);

test('MLP on spirals: the loss falls, the boundary changes, stop, the export runs', async () => {
  await page.getByTestId('open-gallery').click();
  await page.locator('.card[data-template="mlp"]').click();
  await page.getByTestId('node-image').click();
  const shape = page.locator('[data-testid="inspector"] [data-field="shape"]');
  await shape.fill('2');
  await shape.blur();
  await expect.poll(() => page.getByTestId('node-fc1').getByTestId('shape').textContent()).toBe('[N, 256]');

  await page.getByTestId('train-tab').click();
  await field('dataset').selectOption('spirals');
  await field('lr').fill('0.01');
  await field('epochs').fill('300');
  const blank = await picture();
  await page.getByTestId('train-start').click();

  await expect.poll(epochNumber, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  const backend = await page.getByTestId('train-backend').textContent();
  expect(backend).toMatch(/^(wasm|webgpu)/);
  const firstLoss = Number(await page.getByTestId('train-loss').textContent());
  await expect.poll(picture, { timeout: 30_000 }).not.toBe(blank);
  const early = await picture();
  await expect.poll(epochNumber, { timeout: 120_000 }).toBeGreaterThanOrEqual(25);
  const laterLoss = Number(await page.getByTestId('train-loss').textContent());
  expect(laterLoss).toBeLessThan(firstLoss * 0.8);
  expect(await picture()).not.toBe(early);
  const speed = await page.getByTestId('train-speed').textContent();
  await page.screenshot({ path: join(shots, 'train-spirals.png') });

  await page.getByTestId('train-stop').click();
  await expect.poll(() => page.getByTestId('train-export').isEnabled(), { timeout: 60_000 }).toBe(true);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('train-export').click(),
  ]);
  const file = join(shots, 'mlp-spirals-trained.onnx');
  await download.saveAs(file);
  const out = await runOnnx(new Uint8Array(readFileSync(file)), {
    image: floatTensor([0.5, -0.25, 1, 1], [2, 2]),
  });
  expect(out.logits!.shape).toEqual([2, 10]);

  // The weights go to a safetensors sidecar and come back after Reset: the export is the same file.
  const [saved] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('train-save-weights').click(),
  ]);
  const weightsFile = join(shots, 'mlp-spirals.safetensors');
  await saved.saveAs(weightsFile);
  await page.getByTestId('train-reset').click();
  await expect.poll(() => page.getByTestId('train-export').isEnabled()).toBe(false);
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByTestId('train-load-weights').click(),
  ]);
  await chooser.setFiles(weightsFile);
  await expect.poll(() => page.getByTestId('train-export').isEnabled()).toBe(true);
  const [again] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('train-export').click(),
  ]);
  const againFile = join(shots, 'mlp-spirals-reloaded.onnx');
  await again.saveAs(againFile);
  expect(Buffer.compare(readFileSync(againFile), readFileSync(file))).toBe(0);
  console.log(
    `in-browser training (MLP 2-256-128-10, spirals, batch 64): ${backend}; ${speed}; loss ${firstLoss} → ${laterLoss}`,
  );
}, 300_000);

test('LeNet-5 on MNIST: digits with predictions, a confusion matrix, and Try it', async () => {
  await page.getByTestId('open-gallery').click();
  await page.locator('.card[data-template="lenet5"]').click();
  await page.getByTestId('train-tab').click();
  expect(await field('dataset').inputValue()).toBe('mnist');
  await field('epochs').fill('1');
  await page.getByTestId('train-start').click();
  await expect.poll(() => page.getByTestId('train-confusion').count(), { timeout: 240_000 }).toBe(1);
  await expect.poll(() => page.getByTestId('train-start').count(), { timeout: 60_000 }).toBe(1);
  const accuracy = Number((await page.getByTestId('train-accuracy').textContent())?.replace('%', ''));
  expect(accuracy).toBeGreaterThan(80);
  const speed = await page.getByTestId('train-speed').textContent();

  // Draw a "1": a vertical stroke in the middle of the box.
  const box = (await page.getByTestId('draw-box').boundingBox())!;
  await page.getByTestId('draw-box').scrollIntoViewIfNeeded();
  const b = (await page.getByTestId('draw-box').boundingBox()) ?? box;
  await page.mouse.move(b.x + b.width * 0.5, b.y + b.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width * 0.52, b.y + b.height * 0.85, { steps: 12 });
  await page.mouse.up();
  await expect.poll(() => page.getByTestId('try-prediction').textContent(), { timeout: 30_000 }).toBe('1');
  await page.screenshot({ path: join(shots, 'train-mnist.png'), fullPage: true });
  console.log(
    `in-browser training (LeNet-5, MNIST, batch 64): ${speed}; validation accuracy ${accuracy}% after 1 epoch`,
  );
}, 400_000);

test('the GAN template: alternating steps, generated digits from fixed noise change as it learns', async () => {
  await page.getByTestId('open-gallery').click();
  await page.locator('.card[data-template="gan-mnist"]').click();
  expect(await page.getByTestId('node-D.fc1.fake').textContent()).toContain("shares D.fc1's weights");
  await page.getByTestId('train-tab').click();
  await field('epochs').fill('2');
  const blank = await picture();
  await page.getByTestId('train-start').click();
  await expect.poll(epochNumber, { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
  await expect.poll(picture, { timeout: 30_000 }).not.toBe(blank);
  const first = await picture();
  await expect.poll(() => page.getByTestId('train-start').count(), { timeout: 120_000 }).toBe(1);
  expect(await page.getByTestId('train-error').count()).toBe(0);
  expect(await picture()).not.toBe(first);
  const loss = Number(await page.getByTestId('train-loss').textContent());
  // The discriminator's two-term loss: balanced near ln 4 ≈ 1.39; collapse or blow-up leaves (0.05, 3).
  expect(loss).toBeGreaterThan(0.05);
  expect(loss).toBeLessThan(3);
  await page.getByTestId('train-picture').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'train-gan.png') });
}, 300_000);

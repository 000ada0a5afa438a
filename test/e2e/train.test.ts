// Training in the app as a person does it, in Debian's Chromium: open the MLP template, give its
// Input two features, train on spirals in the worker, watch the loss fall and the decision boundary
// change, stop, export the trained model (it must load and run in onnxruntime). Then LeNet-5 on
// MNIST: test digits with predictions, a confusion matrix, and "Try it" on a drawn digit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import { floatTensor } from '../../src/runtime/tensors.ts';
import { appPerFile, shots } from './app.ts';

const app = appPerFile();

const epochNumber = async () =>
  Number((await app.page.getByTestId('train-epoch').textContent())?.match(/epoch (\d+)/)?.[1] ?? 0);
const picture = () =>
  app.page.getByTestId('train-picture').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
const field = (f: string) => app.page.locator(`[data-testid="train-panel"] [data-field="${f}"]`);

test('MLP on spirals: the loss falls, the boundary changes, stop, the export runs', async () => {
  await app.page.getByTestId('open-gallery').click();
  await app.page.locator('.card[data-template="mlp"]').click();
  await app.page.getByTestId('node-image').click();
  const shape = app.page.locator('[data-testid="inspector"] [data-field="shape"]');
  await shape.fill('2');
  await shape.blur();
  await expect
    .poll(() => app.page.getByTestId('node-fc1').getByTestId('shape').textContent())
    .toBe('[N, 256]');

  await app.page.getByTestId('train-tab').click();
  await field('dataset').selectOption('spirals');
  await field('lr').fill('0.01');
  await field('epochs').fill('300');
  const blank = await picture();
  await app.page.getByTestId('train-start').click();

  await expect.poll(epochNumber, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  const backend = await app.page.getByTestId('train-backend').textContent();
  expect(backend).toMatch(/^(wasm|webgpu)/);
  // Why it trains there: the probe's rates, or what this machine lacks when there was no choice.
  const why = await app.page.getByTestId('train-backend-why').textContent();
  expect(why).toMatch(/^(measured fastest \(\d+(\.\d)? steps\/s|the only candidate here; )/);
  const firstLoss = Number(await app.page.getByTestId('train-loss').textContent());
  await expect.poll(picture, { timeout: 30_000 }).not.toBe(blank);
  const early = await picture();
  await expect.poll(epochNumber, { timeout: 120_000 }).toBeGreaterThanOrEqual(25);
  const laterLoss = Number(await app.page.getByTestId('train-loss').textContent());
  expect(laterLoss).toBeLessThan(firstLoss * 0.8);
  expect(await picture()).not.toBe(early);
  const speed = await app.page.getByTestId('train-speed').textContent();
  await app.page.screenshot({ path: join(shots, 'train-spirals.png') });

  await app.page.getByTestId('train-stop').click();
  await expect.poll(() => app.page.getByTestId('train-export').isEnabled(), { timeout: 60_000 }).toBe(true);
  const [download] = await Promise.all([
    app.page.waitForEvent('download'),
    app.page.getByTestId('train-export').click(),
  ]);
  const file = join(shots, 'mlp-spirals-trained.onnx');
  await download.saveAs(file);
  const out = await runOnnx(new Uint8Array(readFileSync(file)), {
    image: floatTensor([0.5, -0.25, 1, 1], [2, 2]),
  });
  expect(out.logits!.shape).toEqual([2, 10]);

  // The weights go to a safetensors sidecar and come back after Reset: the export is the same file.
  const [saved] = await Promise.all([
    app.page.waitForEvent('download'),
    app.page.getByTestId('train-save-weights').click(),
  ]);
  const weightsFile = join(shots, 'mlp-spirals.safetensors');
  await saved.saveAs(weightsFile);
  await app.page.getByTestId('train-reset').click();
  await expect.poll(() => app.page.getByTestId('train-export').isEnabled()).toBe(false);
  const [chooser] = await Promise.all([
    app.page.waitForEvent('filechooser'),
    app.page.getByTestId('train-load-weights').click(),
  ]);
  await chooser.setFiles(weightsFile);
  await expect.poll(() => app.page.getByTestId('train-export').isEnabled()).toBe(true);
  const [again] = await Promise.all([
    app.page.waitForEvent('download'),
    app.page.getByTestId('train-export').click(),
  ]);
  const againFile = join(shots, 'mlp-spirals-reloaded.onnx');
  await again.saveAs(againFile);
  expect(Buffer.compare(readFileSync(againFile), readFileSync(file))).toBe(0);
  console.log(
    `in-browser training (MLP 2-256-128-10, spirals, batch 64): ${backend} (${why}); ${speed}; loss ${firstLoss} → ${laterLoss}`,
  );
}, 300_000);

test('LeNet-5 on MNIST: digits with predictions, a confusion matrix, and Try it', async () => {
  await app.page.getByTestId('open-gallery').click();
  await app.page.locator('.card[data-template="lenet5"]').click();
  await app.page.getByTestId('train-tab').click();
  expect(await field('dataset').inputValue()).toBe('mnist');
  await field('epochs').fill('1');
  await app.page.getByTestId('train-start').click();
  await expect.poll(() => app.page.getByTestId('train-confusion').count(), { timeout: 240_000 }).toBe(1);
  await expect.poll(() => app.page.getByTestId('train-start').count(), { timeout: 60_000 }).toBe(1);
  const accuracy = Number((await app.page.getByTestId('train-accuracy').textContent())?.replace('%', ''));
  expect(accuracy).toBeGreaterThan(80);
  const speed = await app.page.getByTestId('train-speed').textContent();

  // Draw a "1": a vertical stroke in the middle of the box.
  const box = (await app.page.getByTestId('draw-box').boundingBox())!;
  await app.page.getByTestId('draw-box').scrollIntoViewIfNeeded();
  const b = (await app.page.getByTestId('draw-box').boundingBox()) ?? box;
  await app.page.mouse.move(b.x + b.width * 0.5, b.y + b.height * 0.15);
  await app.page.mouse.down();
  await app.page.mouse.move(b.x + b.width * 0.52, b.y + b.height * 0.85, { steps: 12 });
  await app.page.mouse.up();
  await expect
    .poll(() => app.page.getByTestId('try-prediction').textContent(), { timeout: 30_000 })
    .toBe('1');
  await app.page.screenshot({ path: join(shots, 'train-mnist.png'), fullPage: true });
  console.log(
    `in-browser training (LeNet-5, MNIST, batch 64): ${speed}; validation accuracy ${accuracy}% after 1 epoch`,
  );
}, 400_000);

test('the GAN template: alternating steps, generated digits from fixed noise change as it learns', async () => {
  await app.page.getByTestId('open-gallery').click();
  await app.page.locator('.card[data-template="gan-mnist"]').click();
  expect(await app.page.getByTestId('node-D.fc1.fake').textContent()).toContain("shares D.fc1's weights");
  await app.page.getByTestId('train-tab').click();
  await field('epochs').fill('2');
  const blank = await picture();
  await app.page.getByTestId('train-start').click();
  await expect.poll(epochNumber, { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
  await expect.poll(picture, { timeout: 30_000 }).not.toBe(blank);
  const first = await picture();
  await expect.poll(() => app.page.getByTestId('train-start').count(), { timeout: 120_000 }).toBe(1);
  expect(await app.page.getByTestId('train-error').count()).toBe(0);
  expect(await picture()).not.toBe(first);
  const loss = Number(await app.page.getByTestId('train-loss').textContent());
  // The discriminator's two-term loss: balanced near ln 4 ≈ 1.39; collapse or blow-up leaves (0.05, 3).
  expect(loss).toBeGreaterThan(0.05);
  expect(loss).toBeLessThan(3);
  await app.page.getByTestId('train-picture').scrollIntoViewIfNeeded();
  await app.page.screenshot({ path: join(shots, 'train-gan.png') });
}, 300_000);

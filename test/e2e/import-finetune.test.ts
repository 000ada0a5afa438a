// Fine-tuning a model a person brings, as they do it in the app: open torch's MobileNetV2
// (torch.onnx.export with default arguments at 32×32, test/fixtures/torch_zoo.py) through Open…,
// select the classifier and freeze everything else (Shift+F), give the classifier the data's 10
// classes in the inspector, and train it in the Train tab on the shipped shapes (3×32×32, ten
// classes): the loss falls, the training ends without an error.
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { requirePython } from '../helpers/references.ts';
import { torchZoo } from '../helpers/torch-zoo.ts';
import { appPerFile, shots } from './app.ts';

const app = appPerFile();
const field = (f: string) => app.page.locator(`[data-testid="train-panel"] [data-field="${f}"]`);
const loss = async (): Promise<number> => Number(await app.page.getByTestId('train-loss').textContent());

test("torch's MobileNetV2: freeze all but the classifier, 10 classes instead of 1000, train on the shapes", async () => {
  const python = requirePython(['torch', 'torchvision', 'onnx', 'numpy']);
  const model = torchZoo(python, ['mobilenet_v2']).get('mobilenet_v2')!;
  const [chooser] = await Promise.all([
    app.page.waitForEvent('filechooser'),
    app.page.getByTestId('open-file').click(),
  ]);
  await chooser.setFiles(model.onnx);
  await expect
    .poll(() => app.page.getByTestId('banner-info').textContent(), { timeout: 60_000 })
    .toContain('mobilenet_v2.onnx: 154 nodes');

  // The opened model reads as blocks, so the classifier is on screen at the fitted view.
  const head = app.page.getByTestId('node-classifier.1');
  await expect.poll(() => head.isVisible(), { timeout: 10_000 }).toBe(true);
  await head.click();
  await app.page.keyboard.press('Shift+F');
  await expect
    .poll(() => app.page.getByTestId('banner-info').textContent())
    .toContain('153 layers frozen; the selection trains');

  // The user's class count, typed into the inspector.
  const units = app.page.locator('[data-testid="inspector"] [data-field="units"]');
  await units.fill('10');
  await units.blur();
  await expect.poll(() => head.getByTestId('shape').textContent()).toBe('[N, 10]');
  expect(await app.page.getByTestId('problems').textContent()).toContain('No problems');
  await app.page.screenshot({ path: join(shots, 'import-finetune-head.png') });

  await app.page.getByTestId('train-tab').click();
  await field('dataset').selectOption('shapes');
  await field('optimizer').selectOption('adam');
  await field('lr').fill('0.01');
  await field('batch').fill('16');
  await field('epochs').fill('4');
  await field('limit').fill('64');
  await app.page.getByTestId('train-start').click();
  // The first loss the panel shows, then the last one when the run ends.
  await expect.poll(loss, { timeout: 150_000 }).toBeGreaterThan(0);
  const first = await loss();
  await expect.poll(() => app.page.getByTestId('train-start').count(), { timeout: 150_000 }).toBe(1);
  expect(await app.page.getByTestId('train-error').count()).toBe(0);
  const last = await loss();
  expect(last).toBeLessThan(first * 0.7);
  await app.page.screenshot({ path: join(shots, 'import-finetune-trained.png') });
  console.log(`fine-tuning torch's MobileNetV2 head on the shapes: loss ${first} → ${last}`);
}, 400_000);

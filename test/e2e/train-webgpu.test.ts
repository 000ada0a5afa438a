// The Train panel on WebGPU: Chromium with --enable-unsafe-webgpu offers an adapter (SwiftShader
// here, so this checks correctness, not speed). A software adapter is never chosen automatically
// (it trains far slower than WASM), so the person picks it; the worker must train there, say so,
// and learn.
import { expect, test } from 'vitest';
import { appPerFile } from './app.ts';

const app = appPerFile(['--enable-unsafe-webgpu']);

test('the playground trains on WebGPU when the person picks the software adapter', async () => {
  await app.page.getByTestId('open-gallery').click();
  await app.page.locator('.card[data-template="playground"]').click();
  await app.page.getByTestId('train-tab').click();
  await app.page.locator('[data-testid="train-panel"] [data-field="epochs"]').fill('6');
  const choice = app.page.getByTestId('train-backend-choice');
  await expect.poll(() => choice.locator('option[value="webgpu:1"]').count(), { timeout: 30_000 }).toBe(1);
  expect(await choice.locator('option[value="webgpu:1"]').textContent()).toContain(
    'never chosen automatically',
  );
  await choice.selectOption('webgpu:1');
  await app.page.getByTestId('train-start').click();
  await expect
    .poll(() => app.page.getByTestId('train-epoch').textContent(), { timeout: 120_000 })
    .toBe('epoch 6/6');
  expect(await app.page.getByTestId('train-backend').textContent()).toBe('webgpu (software adapter)');
  expect(await app.page.getByTestId('train-backend-why').textContent()).toBe('your pick');
  expect(await app.page.getByTestId('train-error').count()).toBe(0);
  const accuracy = Number((await app.page.getByTestId('train-accuracy').textContent())?.replace('%', ''));
  // Six epochs of spirals: better than chance, far from solved; NaN would read as NaN here.
  expect(accuracy).toBeGreaterThan(52);
  const speed = await app.page.getByTestId('train-speed').textContent();
  console.log(`in-browser training on WebGPU (SwiftShader): ${speed}, validation accuracy ${accuracy}%`);
}, 240_000);

test('data that does not fit is a data mismatch on WebGPU too, never "WebGPU could not run this model"', async () => {
  // The Playground's WebGPU pick is remembered for this model; MNIST does not fit its 2 features.
  await app.page.locator('[data-testid="train-panel"] [data-field="dataset"]').selectOption('mnist');
  expect(await app.page.getByTestId('train-backend-choice').inputValue()).toBe('webgpu:1');
  expect(await app.page.getByTestId('train-data-fit').textContent()).toMatch(/^Data mismatch: "mnist"/);
  await app.page.getByTestId('train-start').click();
  await expect.poll(() => app.page.getByTestId('train-error').count(), { timeout: 120_000 }).toBe(1);
  const error = (await app.page.getByTestId('train-error').textContent()) ?? '';
  expect(error).toMatch(/^Training stopped: Dataset "mnist" has 784 features/);
  expect(error).not.toMatch(/WebGPU/);
  expect(await app.page.getByTestId('train-backend').textContent()).toBe('webgpu (software adapter)');
}, 180_000);

// The Train panel on WebGPU: Chromium with --enable-unsafe-webgpu offers an adapter (SwiftShader
// here, so this checks correctness, not speed); the worker must pick WebGPU, say so, and learn.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp } from './app.ts';
import type { OpenApp } from './app.ts';

let app: OpenApp;
let page: Page;

beforeAll(async () => {
  app = await openApp(['--enable-unsafe-webgpu']);
  page = app.page;
}, 180_000);

afterAll(async () => {
  await app?.close();
});

test('the playground trains on WebGPU when the browser offers an adapter', async () => {
  await page.getByTestId('open-gallery').click();
  await page.locator('.card[data-template="playground"]').click();
  await page.getByTestId('train-tab').click();
  await page.locator('[data-testid="train-panel"] [data-field="epochs"]').fill('6');
  await page.getByTestId('train-start').click();
  await expect
    .poll(() => page.getByTestId('train-epoch').textContent(), { timeout: 120_000 })
    .toBe('epoch 6/6');
  expect(await page.getByTestId('train-backend').textContent()).toBe('webgpu');
  expect(await page.getByTestId('train-error').count()).toBe(0);
  const accuracy = Number((await page.getByTestId('train-accuracy').textContent())?.replace('%', ''));
  // Six epochs of spirals: better than chance, far from solved; NaN would read as NaN here.
  expect(accuracy).toBeGreaterThan(52);
  const speed = await page.getByTestId('train-speed').textContent();
  console.log(`in-browser training on WebGPU (SwiftShader): ${speed}, validation accuracy ${accuracy}%`);
}, 240_000);

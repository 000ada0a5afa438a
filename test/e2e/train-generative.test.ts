// The generative templates trained in the app as a person does it, in Debian's Chromium: the
// conditional GAN's samples after an epoch on the MNIST digits that ship with the app, each
// labelled with the digit it was asked for, and "Try it" asking it for a 7; the VAE's latent grid
// and latent scatter after an epoch, and the 2-D-latent VAE's after an epoch of 1,000 digits; the DDPM's denoising strip after a short epoch; the 28×28
// DCGAN training, stopped, exported.
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

async function trainOneEpoch(
  template: string,
  shot: string,
  examples?: number,
  batch?: number,
): Promise<{ loss: number; seconds: number }> {
  await app.page.getByTestId('open-gallery').click();
  await app.page.locator(`.card[data-template="${template}"]`).click();
  await app.page.getByTestId('train-tab').click();
  await field('epochs').fill('1');
  if (batch !== undefined) await field('batch').fill(String(batch));
  if (examples !== undefined) await field('limit').fill(String(examples));
  const blank = await picture();
  const t0 = Date.now();
  await app.page.getByTestId('train-start').click();
  await expect.poll(epochNumber, { timeout: 400_000, interval: 1000 }).toBeGreaterThanOrEqual(1);
  await expect.poll(picture, { timeout: 60_000 }).not.toBe(blank);
  await expect.poll(() => app.page.getByTestId('train-start').count(), { timeout: 60_000 }).toBe(1);
  const seconds = (Date.now() - t0) / 1000;
  expect(await app.page.getByTestId('train-error').count()).toBe(0);
  const loss = Number(await app.page.getByTestId('train-loss').textContent());
  await app.page.getByTestId('train-picture').scrollIntoViewIfNeeded();
  await app.page.screenshot({ path: join(shots, shot) });
  return { loss, seconds };
}

test('the conditional GAN: after an epoch, samples labelled with the digit each was asked for', async () => {
  const { loss, seconds } = await trainOneEpoch('cgan-mnist', 'train-cgan.png');
  // The discriminator's loss: real/fake, balanced near ln 4 ≈ 1.39, plus naming real digits' classes
  // (ln 10 ≈ 2.30 untrained, falling); collapse or blow-up leaves (0.05, 4).
  expect(loss).toBeGreaterThan(0.05);
  expect(loss).toBeLessThan(4);
  expect(await app.page.locator('[data-testid="train-panel"] > .caption').textContent()).toContain(
    'asked for the digit',
  );
  // Try it: ask for a 7; eight draws appear and the caption says which digit was asked for.
  const drawn = () =>
    app.page.getByTestId('drawn-digits').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
  const before = await drawn();
  await app.page.getByTestId('draw-digit-7').click();
  await expect.poll(drawn, { timeout: 30_000 }).not.toBe(before);
  expect(await app.page.getByTestId('drawn-caption').textContent()).toContain('of 7');
  await app.page.getByTestId('draw-digit').scrollIntoViewIfNeeded();
  await app.page.screenshot({ path: join(shots, 'train-cgan-try-it.png') });
  console.log(`cGAN, one epoch of MNIST in the app: ${seconds.toFixed(0)} s, D loss ${loss}`);
}, 500_000);

test('the VAE: after an epoch, its decoded latent grid and its held-out digits scattered by class', async () => {
  const { seconds } = await trainOneEpoch('vae', 'train-vae.png');
  const grid = app.page.getByTestId('train-latent-grid');
  const scatter = app.page.getByTestId('train-latent-scatter');
  await expect.poll(() => scatter.count(), { timeout: 60_000 }).toBe(1);
  expect(await grid.count()).toBe(1);
  const captions = await app.page.locator('[data-testid="train-panel"] > .caption').allTextContents();
  expect(captions.join('\n')).toMatch(
    /12×12 grid of z over \[−3, 3\]²: z\S+ left → right, z\S+ bottom → top/,
  );
  expect(captions.join('\n')).toMatch(
    /held-out examples encoded \(fc21\): the first two principal components/,
  );
  // Drawn, not blank: the canvases hold more than one colour.
  const colours = (c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
    return seen.size;
  };
  expect(await grid.evaluate(colours)).toBeGreaterThan(20);
  expect(await scatter.evaluate(colours)).toBeGreaterThan(10);
  await grid.scrollIntoViewIfNeeded();
  await app.page.screenshot({ path: join(shots, 'train-vae-latent-grid.png') });
  await scatter.scrollIntoViewIfNeeded();
  await app.page.screenshot({ path: join(shots, 'train-vae-latent-scatter.png') });
  console.log(`VAE, one epoch of MNIST in the app: ${seconds.toFixed(0)} s`);
}, 500_000);

test('the VAE with a 2-D latent: an epoch of 1,000 digits; its latent plane as a grid and a scatter', async () => {
  const { seconds } = await trainOneEpoch('vae-2d', 'train-vae-2d.png', 1000);
  // Per-pixel BCE (+ KL): an untrained decoder's sigmoid(≈0) costs ln 2 ≈ 0.69 a pixel;
  // `netloom train vae-2d --epochs 1 --limit 1000` (seed 0) ends at 0.3192 held out.
  const valLoss = Number(
    await app.page
      .locator('[data-testid="train-panel"] .facts div', { hasText: 'Validation loss' })
      .locator('dd')
      .textContent(),
  );
  expect(valLoss).toBeLessThan(0.4);
  const captions = await app.page.locator('[data-testid="train-panel"] > .caption').allTextContents();
  expect(captions.join('\n')).toMatch(/12×12 grid of z over \[−3, 3\]²: z₀ left → right, z₁ bottom → top/);
  expect(captions.join('\n')).toMatch(/held-out examples encoded \(fc21\): z₀ across, z₁ up/);
  const scatter = app.page.getByTestId('train-latent-scatter');
  await expect.poll(() => scatter.count(), { timeout: 60_000 }).toBe(1);
  await scatter.scrollIntoViewIfNeeded();
  await app.page.screenshot({ path: join(shots, 'train-vae-2d-scatter.png') });
  console.log(`vae-2d, one epoch of 1,000 digits in the app: ${seconds.toFixed(0)} s, val loss ${valLoss}`);
}, 300_000);

test('the DDPM: after a short epoch, two chains denoising from the same noise to a sample', async () => {
  // 40 examples in batches of 16: an epoch of 3 small steps (a step of 64 takes 3–4 s in WASM); the
  // strip is what is checked here, not what so few steps learn (test/runtime's diffusion tests
  // check the training against torch).
  const { loss, seconds } = await trainOneEpoch('ddpm-mnist', 'train-ddpm.png', 40, 16);
  // Noise-prediction MSE starts near E[ε²] = 1; a finite value below a blow-up.
  expect(loss).toBeGreaterThan(0);
  expect(loss).toBeLessThan(5);
  expect(await app.page.locator('[data-testid="train-panel"] > .caption').textContent()).toMatch(
    /denoising from pure noise x_T \(left\) to a sample x_0 \(right\), 8 of the reverse process's steps/,
  );
  // Drawn, not blank: the first column (x_T, Gaussian noise) holds many grey levels.
  const greys = await app.page.getByTestId('train-picture').evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width / 8, canvas.height / 4).data;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4) seen.add(d[i]!);
    return seen.size;
  });
  expect(greys).toBeGreaterThan(20);
  console.log(
    `DDPM, a 40-example epoch (batch 16) in the app and its denoising strip: ${seconds.toFixed(0)} s, loss ${loss}`,
  );
}, 300_000);

// A whole epoch of the DCGAN takes minutes in the app on two shared cores (test/runtime's
// generative-training runs one through the same worker on 400 digits): here it trains, is stopped,
// and its trained generator exports.
test('the 28×28 DCGAN trains in the app: steps run without error, stop, the trained model exports', async () => {
  await app.page.getByTestId('open-gallery').click();
  await app.page.locator('.card[data-template="dcgan-mnist"]').click();
  await app.page.getByTestId('train-tab').click();
  // Steps are reported as they run (every 5th): the chart of step losses is drawn from them.
  const chart = () =>
    app.page
      .locator('[data-testid="loss-chart"] canvas')
      .evaluate((c) => (c as HTMLCanvasElement).toDataURL());
  const empty = await chart();
  await app.page.getByTestId('train-start').click();
  // First the backends are measured on this model (a few timed steps each); then it trains.
  await expect
    .poll(() => app.page.getByTestId('train-step').textContent(), { timeout: 240_000, interval: 1000 })
    .toMatch(/^step \d+/);
  await expect.poll(chart, { timeout: 120_000, interval: 1000 }).not.toBe(empty);
  await new Promise((r) => setTimeout(r, 10_000));
  expect(await app.page.getByTestId('train-error').count()).toBe(0);
  await app.page.screenshot({ path: join(shots, 'train-dcgan-mnist.png') });
  await app.page.getByTestId('train-stop').click();
  await expect.poll(() => app.page.getByTestId('train-export').isEnabled(), { timeout: 60_000 }).toBe(true);
  expect(await app.page.getByTestId('train-error').count()).toBe(0);
  const [download] = await Promise.all([
    app.page.waitForEvent('download'),
    app.page.getByTestId('train-export').click(),
  ]);
  const file = join(shots, 'dcgan-mnist-trained.onnx');
  await download.saveAs(file);
  // The generator as exported: noise z [N, 64, 1, 1] in, digits [N, 1, 28, 28] in (0, 1) out.
  const z = floatTensor(
    Array.from({ length: 2 * 64 }, (_, i) => Math.sin(i)),
    [2, 64, 1, 1],
  );
  const out = await runOnnx(new Uint8Array(readFileSync(file)), { z });
  expect([...out['fake']!.shape]).toEqual([2, 1, 28, 28]);
  expect(Array.from(out['fake']!.data as Float32Array).every((v) => v > 0 && v < 1)).toBe(true);
}, 300_000);

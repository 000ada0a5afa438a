// The diffusion objective (training.objectives[].diffusion) and the DDPM sampler
// (src/runtime/diffusion.ts): the trainer noises the digits itself, the ε-prediction loss of
// ddpm-mnist falls, and after a short run the reverse process draws images whose pixel statistics
// are nearer MNIST's than the pure noise it starts from.
import { expect, test } from 'vitest';
import { batchOf } from '../../src/runtime/datasets/dataset.ts';
import { documentTrainingSetup } from '../../src/compile/training-setup.ts';
import { prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import {
  diffusionFeeds,
  diffusionPng,
  linearSchedule,
  sampleDiffusion,
} from '../../src/runtime/diffusion.ts';
import { trainingPictures } from '../../src/runtime/training-pictures.ts';
import { train } from '../../src/runtime/train-loop.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { Rng } from '../../src/util/random.ts';
import { mnistNode } from './mnist-data.ts';

test('the paper’s schedule: ᾱ at the last of 1,000 steps is torch’s cumprod(1 − linspace(1e-4, 0.02, 1000))', () => {
  // torch.cumprod(1 - torch.linspace(1e-4, 0.02, 1000, dtype=float64), 0)[-1] = 4.0358e-5;
  // for ddpm-mnist's 200 steps of linspace(5e-4, 0.1, 200): 3.0318e-5.
  expect(linearSchedule({ timesteps: 1000, betaStart: 1e-4, betaEnd: 0.02 }).alphaBars[999]).toBeCloseTo(
    4.0358e-5,
    8,
  );
  expect(linearSchedule({ timesteps: 200, betaStart: 5e-4, betaEnd: 0.1 }).alphaBars[199]).toBeCloseTo(
    3.0318e-5,
    8,
  );
});

test('a diffusion batch: x_t = √ᾱ_t·(2x₀ − 1) + √(1 − ᾱ_t)·ε with ε ~ N(0, 1) and t uniform', () => {
  const s = linearSchedule({ timesteps: 50, betaStart: 1e-3, betaEnd: 0.05 });
  const batch = batchOf(
    mnistNode(20),
    Array.from({ length: 64 }, (_, i) => i * 3),
  );
  const f = diffusionFeeds(s, { features: 'x', timestep: 't', target: 'eps' }, batch, new Rng(4));
  const x0 = batch.x.data as Float32Array;
  const xt = f['x']!.data as Float32Array;
  const eps = f['eps']!.data as Float32Array;
  const ts = f['t']!.data as Float32Array;
  expect(f['x']!.shape).toEqual([64, 1, 28, 28]);
  expect(f['t']!.shape).toEqual([64]);
  let worst = 0;
  for (let n = 0; n < 64; n++) {
    const a = s.alphaBars[ts[n]!]!;
    for (let k = n * 784; k < (n + 1) * 784; k++)
      worst = Math.max(
        worst,
        Math.abs(xt[k]! - (Math.sqrt(a) * (2 * x0[k]! - 1) + Math.sqrt(1 - a) * eps[k]!)),
      );
  }
  expect(worst).toBeLessThan(1e-5);
  const mean = eps.reduce((p, v) => p + v, 0) / eps.length;
  const variance = eps.reduce((p, v) => p + (v - mean) ** 2, 0) / eps.length;
  expect(Math.abs(mean)).toBeLessThan(0.02);
  expect(Math.abs(variance - 1)).toBeLessThan(0.03);
  expect(new Set(ts).size).toBeGreaterThan(20);
  expect(Math.min(...ts)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...ts)).toBeLessThan(50);
});

/** Mean pixel and share of pixels below 0.1 (MNIST's black background). */
function pixelStats(px: ArrayLike<number>): { mean: number; dark: number } {
  let sum = 0;
  let dark = 0;
  for (let i = 0; i < px.length; i++) {
    sum += px[i]!;
    if (px[i]! < 0.1) dark++;
  }
  return { mean: sum / px.length, dark: dark / px.length };
}

test('ddpm-mnist: the noise-prediction loss falls and samples’ mean pixel moves from the noise’s toward MNIST’s', async () => {
  const doc = loadTemplate('ddpm-mnist')!;
  const setup = documentTrainingSetup(doc);
  const data = mnistNode(30);
  const prepared = prepareDocumentTraining(doc, setup, { batchSize: 32 });
  const losses: number[] = [];
  const r = await train({
    ...prepared,
    train: data,
    batchSize: 32,
    steps: 60,
    seed: 0,
    onStep: (s) => losses.push(s.loss),
  });
  const head = losses.slice(0, 5).reduce((p, v) => p + v, 0) / 5;
  const tail = losses.slice(-10).reduce((p, v) => p + v, 0) / 10;
  console.log(`ddpm-mnist, 60 steps of 32: loss ${head.toFixed(4)} (first 5) → ${tail.toFixed(4)} (last 10)`);
  expect(tail).toBeLessThan(0.6 * head);

  const mnist = pixelStats(data.x);
  const out = await sampleDiffusion(doc, { count: 8, seed: 5, weights: r.weights, frames: 2 });
  const noise = pixelStats(out.frames[0]!);
  const drawn = pixelStats(out.images);
  console.log(
    `mean pixel / share below 0.1: MNIST ${mnist.mean.toFixed(3)} / ${mnist.dark.toFixed(3)}, ` +
      `x_T ${noise.mean.toFixed(3)} / ${noise.dark.toFixed(3)}, samples ${drawn.mean.toFixed(3)} / ${drawn.dark.toFixed(3)}`,
  );
  // Measured: MNIST 0.129 / 0.827, x_T 0.506 / 0.207, samples 0.273 / 0.239: 60 steps are far from
  // digits (the share of black pixels barely moves yet), but the images darken toward MNIST's mean.
  expect(Math.abs(drawn.mean - mnist.mean)).toBeLessThan(0.75 * Math.abs(noise.mean - mnist.mean));

  // The Train panel's strip: two chains of 8 frames, x_T (noise, grey on average) to x_0.
  const [strip] = await trainingPictures({ doc, weights: r.weights, data, val: data, inputName: 'x_t' });
  expect(strip?.kind).toBe('samples');
  if (strip?.kind !== 'samples') return;
  expect([strip.count, strip.side, strip.images.length]).toEqual([16, 28, 16 * 784]);
  const frame = (k: number): number[] =>
    Array.from(strip.images.subarray(k * 784, (k + 1) * 784), (v) => v / 255);
  expect(Math.abs(pixelStats(frame(0)).mean - noise.mean)).toBeLessThan(0.05);
  expect(pixelStats(frame(7)).mean).toBeLessThan(pixelStats(frame(0)).mean - 0.05);

  // `netloom sample -o out.png`'s bytes: a PNG of 2 × 2 digits, 2 pixels apart and around.
  const png = await diffusionPng(doc, { count: 4, seed: 2, weights: r.weights });
  expect(Array.from(png.subarray(1, 4), (c) => String.fromCharCode(c)).join('')).toBe('PNG');
  const view = new DataView(png.buffer, png.byteOffset);
  expect([view.getUint32(16), view.getUint32(20)]).toEqual([62, 62]);
}, 300_000);

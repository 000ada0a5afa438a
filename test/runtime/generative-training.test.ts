// The generative templates train in Node through the app's worker (src/runtime/train-worker.ts,
// onnxruntime): 400 MNIST digits, a few epochs, pictures after each. One step of each equals
// PyTorch's (test/pytorch/step-torch.test.ts); here the runs are checked for what a person sees.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import { conditionalSamples } from '../../src/runtime/conditional-samples.ts';
import { trainingWorker } from '../../src/runtime/train-worker.ts';
import type { WorkerEvent } from '../../src/runtime/worker-protocol.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';

const perDigit = 40;
const digits = (() => {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  return Array.from({ length: 10 }, (_, d) =>
    Float32Array.from(
      (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data.slice(
        0,
        perDigit * 784,
      ),
    ),
  );
})();

type Picture = Extract<WorkerEvent, { type: 'picture' }>['picture'];

async function run(name: string, epochs: number) {
  const events: WorkerEvent[] = [];
  const doc = loadTemplate(name)!;
  const t0 = performance.now();
  await new Promise<void>((resolve) =>
    trainingWorker((e) => {
      events.push(e);
      if (e.type === 'done' || e.type === 'error') resolve();
    })({
      type: 'start',
      document: loadTemplate(name)!,
      dataset: { kind: 'mnist', digits },
      epochs,
      pictures: true,
    }),
  );
  const error = events.find((e) => e.type === 'error');
  expect(error).toBeUndefined();
  const losses = events.flatMap((e) => (e.type === 'epoch' ? [e.report.losses] : []));
  // The generated or reconstructed images; a net with convolutions also sends its first filters.
  // An autoencoder's latent space comes apart, as the Train panel draws it apart.
  const apart = new Set(['filters', 'latent-grid', 'latent-scatter']);
  const pictures = events.flatMap((e) =>
    e.type === 'picture' && !apart.has(e.picture.kind) ? [e.picture] : [],
  ) as Picture[];
  const latent = events.flatMap((e) =>
    e.type === 'picture' && e.picture.kind.startsWith('latent') ? [e.picture] : [],
  ) as Picture[];
  console.log(name, ((performance.now() - t0) / 1000).toFixed(1), 's', JSON.stringify(losses));
  const done = events.find((e) => e.type === 'done');
  const weights = new Map(Object.entries(done?.type === 'done' ? done.weights : {}));
  return { doc, losses, pictures, latent, weights };
}

const samples = (p: Picture | undefined) => {
  expect(p?.kind).toBe('samples');
  return p as Extract<Picture, { kind: 'samples' }>;
};

test('convolutional autoencoder: the loss falls; held-out digits beside their reconstructions', async () => {
  const { losses, pictures, latent } = await run('conv-autoencoder', 2);
  expect(losses[1]!['main']!).toBeLessThan(losses[0]!['main']!);
  const p = samples(pictures.at(-1));
  expect([p.side, p.count]).toEqual([28, 32]);
  expect(p.caption).toMatch(/reconstructions/);
  // Each epoch, held-out digits' codes (7×7×32) scattered on their first two principal components.
  expect(latent.map((l) => l.kind)).toEqual(['latent-scatter', 'latent-scatter']);
  const scatter = latent[1] as Extract<Picture, { kind: 'latent-scatter' }>;
  expect(scatter.caption).toMatch(
    /encoded \(enc\.relu2\): the first two principal components of the 1568-value latent/,
  );
  expect(scatter.points).toHaveLength(2 * scatter.labels.length);
  expect(scatter.classes).toBe(10);
}, 120_000);

test('conditional GAN: D and G alternate, D loss stays bounded, samples asked for digits 0–9', async () => {
  const { doc, losses, pictures, weights } = await run('cgan-mnist', 2);
  for (const l of losses) {
    // D's loss: real/fake (ln 4 ≈ 1.39 balanced) plus naming real digits' classes (ln 10 ≈ 2.30
    // untrained); collapse or explosion leaves (0.05, 5).
    expect(l['discriminator']).toBeGreaterThan(0.05);
    expect(l['discriminator']).toBeLessThan(5);
    expect(Number.isFinite(l['generator'])).toBe(true);
  }
  const [first, second] = pictures.map(samples);
  expect(first!.labels).toEqual(Array.from({ length: 32 }, (_, k) => k % 10));
  expect(first!.images.some((v, i) => v !== second!.images[i])).toBe(true);

  // "Try it": the trained generator asked for one digit, eight draws, from the same noise per seed.
  const three = await conditionalSamples(doc, weights, 3, { seed: 5 });
  const seven = await conditionalSamples(doc, weights, 7, { seed: 5 });
  expect([three.count, three.side, three.images.length]).toEqual([8, 28, 8 * 784]);
  expect(Array.from(three.images).every((v) => v > 0 && v < 1)).toBe(true);
  // The same noise with another label gives other images: the label reaches the generator.
  let differ = 0;
  for (let i = 0; i < three.images.length; i++) differ += Math.abs(three.images[i]! - seven.images[i]!);
  expect(differ / three.images.length).toBeGreaterThan(1e-3);
  const again = await conditionalSamples(doc, weights, 3, { seed: 5 });
  expect(Array.from(again.images)).toEqual(Array.from(three.images));
}, 120_000);

test('DCGAN at 28×28: an epoch of alternating steps, D loss bounded, 32 samples from fixed noise', async () => {
  const { losses, pictures } = await run('dcgan-mnist', 1);
  expect(losses[0]!['discriminator']).toBeGreaterThan(0.05);
  expect(losses[0]!['discriminator']).toBeLessThan(3);
  expect(Number.isFinite(losses[0]!['generator'])).toBe(true);
  const p = samples(pictures[0]);
  expect([p.side, p.count, p.labels]).toEqual([28, 32, undefined]);
  expect(p.images).toHaveLength(32 * 784);
}, 120_000);

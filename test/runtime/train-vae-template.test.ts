// The VAE template (the PyTorch example's 784-400-20-400-784, BCE + KL) trains on MNIST pixels in
// [0, 1]: its loss at least halves from the first step within 3 epochs, and the Train panel's
// picture shows held-out digits beside their reconstructions.
import { describe, expect, test } from 'vitest';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import { prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import { trainValSplit } from '../../src/runtime/datasets/dataset.ts';
import { train } from '../../src/runtime/train-loop.ts';
import type { StepReport } from '../../src/runtime/worker-protocol.ts';
import { latentPictures, trainingPicture } from '../../src/runtime/training-pictures.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { mnistNode } from './mnist-data.ts';

describe('VAE template', () => {
  test('loss halves in 3 epochs; reconstructions as the picture', async () => {
    const doc = loadTemplate('vae')!;
    const setup = parseTrainingSetup(doc.training);
    expect(setup.normalizeInputs).toBe(false);
    const prepared = prepareDocumentTraining(doc, setup);
    // An autoencoder: the image is both the data and the target; the labels feed nothing.
    expect(prepared.objectives[0]!.model.targets).toBeUndefined();
    const data = { ...mnistNode(400, false), featureShape: [784] };
    const { train: tr, val } = trainValSplit(data, 0.1, 0);
    const steps: StepReport[] = [];
    const r = await train({
      ...prepared,
      train: tr,
      val,
      batchSize: 64,
      epochs: 3,
      seed: 0,
      onStep: (s) => steps.push(s),
    });
    const first = steps[0]!.loss;
    const last = r.epochs.at(-1)!;
    expect(Number.isFinite(last.valLoss!)).toBe(true);
    expect(last.valLoss!).toBeLessThan(first / 2);
    expect(last.valAccuracy).toBeUndefined();

    const pic = await trainingPicture({ doc, weights: r.weights, data: tr, val, inputName: 'image' });
    expect(pic?.kind).toBe('samples');
    if (pic?.kind !== 'samples') return;
    expect(pic.count).toBe(32);
    expect(pic.caption).toMatch(/reconstructions/);
    expect(pic.images).toHaveLength(32 * 784);

    // The latent space: a decoded grid in the two dimensions of μ that vary most, and μ scattered.
    const [grid, scatter] = await latentPictures(
      { doc, weights: r.weights, data: tr, val, inputName: 'image' },
      { steps: 6 },
    );
    if (grid?.kind !== 'latent-grid' || scatter?.kind !== 'latent-scatter')
      throw new Error('no latent pictures');
    expect([grid.side, grid.steps, grid.images.length]).toEqual([28, 6, 36 * 784]);
    expect(grid.caption).toMatch(
      /6×6 grid of z over \[−3, 3\]²: z\S+ left → right, z\S+ bottom → top \(the two of 20 whose held-out means vary most\); the other 18 at 0/,
    );
    // Decoded from different z, the grid's corners differ.
    let differ = 0;
    for (let k = 0; k < 784; k++) differ += Math.abs(grid.images[k]! - grid.images[35 * 784 + k]!);
    expect(differ / 784).toBeGreaterThan(1);
    expect(scatter.labels).toHaveLength(val.size);
    expect(scatter.caption).toMatch(/\(fc21\): the first two principal components of the 20-value latent/);
  }, 120_000);
});

// Learning on the 2-D toy sets and the noisy sine, end to end from a Document with fixed seeds:
// the network must actually learn (validation accuracy / loss), not just run.
import { describe, expect, test } from 'vitest';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import { prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import { trainValSplit } from '../../src/runtime/datasets/dataset.ts';
import { sine, spirals, xor } from '../../src/runtime/datasets/toy.ts';
import type { EpochReport } from '../../src/runtime/worker-protocol.ts';
import { train } from '../../src/runtime/train-loop.ts';
import { chainDoc } from '../helpers/doc.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';

function mlp(inputs: number, hidden: number[], outputs: number, act = 'Tanh') {
  return chainDoc(
    [inputs],
    [
      ...hidden.flatMap((h) => [{ kind: 'Dense', params: { units: h } }, { kind: act }]),
      { kind: 'Dense', params: { units: outputs } },
    ],
  );
}

describe('training learns', () => {
  test('the playground template separates two spirals (≥ 97% validation accuracy)', async () => {
    const doc = loadTemplate('playground')!;
    const setup = parseTrainingSetup(doc.training);
    expect(setup.dataset).toBe('spirals');
    const prepared = prepareDocumentTraining(doc, setup, { seed: 1 });
    const { train: tr, val } = trainValSplit(spirals({ n: 600, seed: 1 }), setup.validationSplit, 1);
    const epochs: EpochReport[] = [];
    // The template's own setup (Adam 0.01, batch 32); 16-16 tanh units need ~100 epochs to wind
    // around 1.75 turns (seeds 0 and 1: 98–100% by epoch 100–150).
    await train({
      ...prepared,
      train: tr,
      val,
      batchSize: setup.batchSize,
      epochs: 150,
      seed: 1,
      onEpoch: (e) => epochs.push(e),
    });
    const last = epochs.at(-1)!;
    expect(epochs).toHaveLength(150);
    expect(last.valAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(epochs[0]!.loss).toBeGreaterThan(last.loss);
  });

  test('XOR with SGD + momentum', async () => {
    const doc = mlp(2, [8], 2, 'ReLU');
    const setup = parseTrainingSetup({
      objectives: [
        { loss: { kind: 'cross-entropy', output: 'output' }, optimizer: { name: 'momentum', lr: 0.1 } },
      ],
    });
    const prepared = prepareDocumentTraining(doc, setup, { batchSize: 16 });
    const { train: tr, val } = trainValSplit(xor({ n: 400 }), 0.25, 2);
    const r = await train({ ...prepared, train: tr, val, batchSize: 16, epochs: 30, seed: 2 });
    expect(r.epochs.at(-1)!.valAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  test('regression on a noisy sine: validation MSE falls below 0.02', async () => {
    const doc = mlp(1, [32], 1);
    const setup = parseTrainingSetup({
      objectives: [{ loss: { kind: 'mse', output: 'output' }, optimizer: { name: 'adam', lr: 0.02 } }],
    });
    const prepared = prepareDocumentTraining(doc, setup, { batchSize: 20 });
    const { train: tr, val } = trainValSplit(sine({ n: 400 }), 0.25, 3);
    const r = await train({
      ...prepared,
      train: tr,
      val,
      batchSize: 20,
      epochs: 80,
      seed: 3,
      schedule: { kind: 'cosine' },
    });
    const last = r.epochs.at(-1)!;
    expect(last.valLoss).toBeLessThan(0.02);
    expect(last.valAccuracy).toBeUndefined();
  });
});

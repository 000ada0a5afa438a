// Fine-tuning an imported model as the app does it: a torch-exported MobileNetV2 (32×32), every
// layer but the classifier frozen in one edit (trainOnly), the classifier swapped for one with ten
// classes, trained on a batch of the shipped digits resized to the model's 3×32×32 input (its
// BatchNorm statistics calibrated in test/fixtures/torch_zoo.py, as training leaves them): the
// loss falls and every frozen weight (BatchNorm running statistics included) stays bit-identical.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import { setParam, trainOnly } from '../../src/document/edits.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { importedToDocument } from '../../src/onnx/to-document.ts';
import { fitFeatures } from '../../src/runtime/datasets/catalogue.ts';
import { batchOf } from '../../src/runtime/datasets/dataset.ts';
import { preparedStepRunner, prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import { requirePython } from '../helpers/references.ts';
import { torchZoo } from '../helpers/torch-zoo.ts';
import { mnistNode } from '../runtime/mnist-data.ts';

test('MobileNetV2 from torch: only the new classifier trains, the loss falls, frozen weights stay bit-identical', async () => {
  const python = requirePython(['torch', 'torchvision', 'onnx', 'numpy']);
  const m = torchZoo(python, ['mobilenet_v2']).get('mobilenet_v2')!;
  const imported = importedToDocument(importOnnx(readFileSync(m.onnx), { path: m.onnx }), m.onnx);
  const last = imported.doc.nodes.find((n) => n.kind === 'Dense')!;
  // One action on the selection: the classifier trains, the rest is frozen.
  let doc = trainOnly(imported.doc, [last.id]);
  expect(doc.nodes.filter((n) => !n.frozen).map((n) => n.id)).toEqual([last.id]);
  doc = setParam(doc, last.id, 'units', 10);
  const out = doc.nodes.find((n) => n.kind === 'Output')!;
  const setup = parseTrainingSetup({
    objectives: [{ loss: { kind: 'cross-entropy', output: out.id }, optimizer: { name: 'adam', lr: 0.01 } }],
  });
  const batch = 16;
  const p = prepareDocumentTraining(doc, setup, { batchSize: batch, weights: imported.weights });
  // Only the new classifier's weight and bias train; they start fresh (the file's had 1000 rows).
  expect(p.objectives[0]!.params).toEqual([`${last.id}.weight`, `${last.id}.bias`]);
  const input = doc.nodes.find((n) => n.kind === 'Input')!;
  const data = fitFeatures(mnistNode(40, true), [3, 32, 32], input.name!);
  const { store, runner } = await preparedStepRunner(p);
  const model = p.objectives[0]!.model;
  const losses: number[] = [];
  // One batch of every digit, fitted again and again: the new classifier can only learn it if the
  // frozen features tell the images apart and its gradient reaches it.
  const b = batchOf(
    data,
    Array.from({ length: batch }, (_, i) => (i * 25) % data.size),
  );
  for (let k = 0; k < 8; k++) {
    losses.push((await runner.run({ [model.features]: b.x, [model.targets!]: b.y }, 0.01)).loss);
  }
  const after = await store.read();
  await runner.release();
  store.dispose();
  const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
  // The new classifier starts at chance (ln 10 ≈ 2.3) and fits the batch.
  expect(losses[0]!).toBeGreaterThan(1.5);
  expect(mean(losses.slice(-3)), losses.map((l) => l.toFixed(3)).join(' ')).toBeLessThan(0.25 * losses[0]!);
  let frozen = 0;
  for (const w of p.weights) {
    if (w.node === last.id) continue;
    const before = imported.weights.get(w.id)!;
    const now = after.get(w.id)!;
    expect(
      Buffer.from(now.buffer).equals(Buffer.from(before.buffer, before.byteOffset, before.byteLength)),
      w.id,
    ).toBe(true);
    frozen++;
  }
  expect(frozen).toBeGreaterThan(200);
}, 300_000);

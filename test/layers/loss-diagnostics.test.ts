// Loss layers: wrong targets are explained on the target port, and the loss leaves the inference
// export while staying a graph output the trainer can find.
import { expect, test } from 'vitest';
import { lowerDocument } from '../../src/compile/lower.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { decodeModel } from '../../src/onnx/proto.ts';
import { materializeWeights } from '../../src/ir/weights.ts';
import { doc, node } from '../helpers/doc.ts';

function lossDoc(kind: string, xShape: number[], tShape: number[], tDtype: string) {
  return doc(
    [
      node('x', 'Input', { shape: xShape }, 'x'),
      node('t', 'Input', { shape: tShape, dtype: tDtype }, 't'),
      node('fc', 'Dense', { units: xShape[xShape.length - 1] }),
      node('out', 'Output', {}, 'logits'),
      node('loss', kind, {}),
    ],
    [
      ['x:y', 'fc:x'],
      ['fc:y', 'out:x'],
      ['fc:y', 'loss:x'],
      ['t:y', 'loss:target'],
    ],
  );
}

test('CrossEntropy with one-hot float targets says to use MSE or int64 labels', () => {
  const d = lowerDocument(lossDoc('CrossEntropy', [10], [10], 'float32')).diagnostics.find(
    (x) => x.node === 'loss',
  );
  expect(d?.port).toBe('target');
  expect(d?.message).toBe(
    "CrossEntropy expects class indices [N] (int64); got float32 [N, 10] — use MSE for one-hot targets or change the target Input's dtype to int64",
  );
});

test('CrossEntropy with labels of the wrong shape names the shape wanted', () => {
  const d = lowerDocument(lossDoc('CrossEntropy', [10], [3], 'int64')).diagnostics.find(
    (x) => x.node === 'loss',
  );
  expect(d?.message).toContain(
    "expects targets [N] for logits [N, 10]; got [N, 3] — the target Input's shape should be []",
  );
});

test('MSE with a target of another shape names both shapes', () => {
  const d = lowerDocument(lossDoc('MSE', [4], [5], 'float32')).diagnostics.find((x) => x.node === 'loss');
  expect(d?.port).toBe('target');
  expect(d?.message).toBe('MSE needs prediction and target of the same shape; got [N, 4] and [N, 5]');
});

test('the loss is a training output, dropped from the inference export', () => {
  const lowered = lowerDocument(lossDoc('CrossEntropy', [10], [], 'int64'), { batch: 4 });
  expect(lowered.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(lowered.graph.outputs.map((o) => [o.name, o.role])).toEqual(
    expect.arrayContaining([
      ['logits', 'output'],
      ['loss', 'loss'],
    ]),
  );
  const weights = materializeWeights(lowered.graph.weights, 1, new Map());
  const names = (bytes: Uint8Array) =>
    (decodeModel(bytes) as { graph: { output: { name: string }[] } }).graph.output.map((o) => o.name);
  expect(names(exportOnnx(lowered.graph, weights))).toEqual(['logits']);
  expect(names(exportOnnx(lowered.graph, weights, { includeLoss: true })).sort()).toEqual(['logits', 'loss']);
});

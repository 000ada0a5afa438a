import { expect, test } from 'vitest';
import { chainDoc } from './helpers/doc.ts';
import { exportDocument } from '../src/onnx/from-document.ts';
import { runOnnx } from '../src/runtime/ort-session.ts';
import { floatTensor } from '../src/runtime/tensors.ts';
import { writeFileSync } from 'node:fs';

test('mlp exports and runs', async () => {
  const d = chainDoc(
    [784],
    [
      { kind: 'Dense', params: { units: 256 } },
      { kind: 'ReLU' },
      { kind: 'Dense', params: { units: 10 } },
      { kind: 'GELU' },
      { kind: 'Softmax' },
    ],
  );
  const { bytes, lowered } = exportDocument(d);
  expect(lowered.totals.params).toBe(784 * 256 + 256 + 2570);
  writeFileSync('/tmp/mlp.onnx', bytes);
  const out = await runOnnx(bytes, { input: floatTensor(new Float32Array(3 * 784).fill(0.1), [3, 784]) });
  expect(out['output']!.shape).toEqual([3, 10]);
});

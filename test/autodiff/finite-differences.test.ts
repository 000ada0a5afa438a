// Every gradient rule against central finite differences of the same op run in onnxruntime-web,
// and every gradient graph through onnx.checker (full_check).
import { describe, expect, test } from 'vitest';
import { buildCase, finiteDifferences, runGrads } from './grad-harness.ts';
import { opCases } from './op-cases.ts';
import { checkOnnxModels } from '../helpers/onnx-checker.ts';

const models = new Map<string, Uint8Array>();

describe('gradient rules match finite differences', () => {
  for (const c of opCases) {
    test(c.name, async () => {
      const built = buildCase(c);
      models.set(c.name, built.bytes);
      const grads = await runGrads(built);
      const fd = await finiteDifferences(built, 1e-2);
      for (const name of built.diffInputs) {
        const analytic = grads[`grad_${name}`]!.data as Float32Array;
        expect(analytic.length).toBe(built.feeds[name]!.data.length);
        for (const { index, value } of fd.get(name)!) {
          const a = analytic[index]!;
          const tol = 2e-2 + 2e-2 * Math.abs(value);
          if (!(Math.abs(a - value) <= tol)) {
            throw new Error(`${c.name}: d/d${name}[${index}] analytic ${a}, finite differences ${value}`);
          }
        }
      }
    });
  }
});

// Last in the file, after every case has built its graph.
test('every gradient graph passes onnx.checker', () => {
  const failures = checkOnnxModels(models);
  expect(failures).toEqual({});
});

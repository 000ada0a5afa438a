// Every gradient rule against PyTorch's autograd (float64) on the same inputs, through the same
// loss Σ(y ⊙ R): fixtures written by test/fixtures/grad_ops.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Attrs } from '../../src/ir/types.ts';
import type { InputSpec } from './grad-harness.ts';
import { buildCase, runGrads } from './grad-harness.ts';
import { gradRows } from '../../src/autodiff/grad-rules.ts';

interface TorchCase {
  name: string;
  op: string;
  attrs: Attrs;
  inputs: InputSpec[];
  R: number[];
  grads: number[][];
  outputs?: number;
  lossOutput?: number;
}

const fx = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/data/grad-ops.json'), 'utf8')) as {
  cases: TorchCase[];
};

describe('gradient rules match PyTorch autograd', () => {
  for (const c of fx.cases) {
    test(c.name, async () => {
      const built = buildCase(
        {
          name: c.name,
          op: c.op,
          attrs: c.attrs,
          inputs: c.inputs,
          outputs: c.outputs,
          lossOutput: c.lossOutput,
        },
        1,
        undefined,
        c.R,
      );
      expect(built.diffInputs).toHaveLength(c.grads.length);
      const got = await runGrads(built);
      built.diffInputs.forEach((name, k) => {
        const have = got[`grad_${name}`]!.data as Float32Array;
        const want = c.grads[k]!;
        expect(have.length).toBe(want.length);
        want.forEach((v, i) => {
          if (!(Math.abs(have[i]! - v) <= 1e-5 + 1e-4 * Math.abs(v))) {
            throw new Error(`${c.name}: d/d${name}[${i}] = ${have[i]}, torch ${v}`);
          }
        });
      });
    });
  }
  test('the fixtures cover most rules', () => {
    const covered = new Set(fx.cases.map((c) => c.op));
    const missing = gradRows.map((r) => r.type).filter((t) => !covered.has(t));
    // Zero-gradient ops, float casts, reshapes/squeezes and the random Dropout are covered by the
    // finite-difference test only.
    expect(missing.sort()).toEqual([
      'Cast',
      'Clip',
      'Dropout',
      'Flatten',
      'Floor',
      'Identity',
      'ReduceMin',
      'ReduceSumSquare',
      'Reshape',
      'Sign',
      'Squeeze',
      'Unsqueeze',
    ]);
  });
});

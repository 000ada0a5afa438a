// GaussianNoise in training mode is random, so it is checked by its statistics in onnxruntime: the
// added noise has mean 0 and standard deviation σ within many standard errors, and it is fresh on
// every run (a denoising autoencoder sees a new corruption each step).
import { describe, expect, test } from 'vitest';
import { lowerDocument } from '../../src/compile/lower.ts';
import { formatDiagnostics, hasErrors } from '../../src/compile/diagnostics.ts';
import { materializeWeights } from '../../src/ir/weights.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { createSession, runSession } from '../../src/runtime/ort-session.ts';
import { chainDoc } from '../helpers/doc.ts';
import { checkOnnxModels } from '../helpers/onnx-checker.ts';

const batch = 4;
const features = 5000;
const input = Float32Array.from({ length: batch * features }, (_, i) => (i % 11) * 0.1 - 0.5);

function exportTraining(std: number): Uint8Array {
  const lowered = lowerDocument(chainDoc([features], [{ kind: 'GaussianNoise', params: { std } }]), {
    mode: 'training',
    batch,
  });
  if (hasErrors(lowered)) throw new Error(formatDiagnostics(lowered));
  return exportOnnx(lowered.graph, materializeWeights(lowered.graph.weights));
}

describe('GaussianNoise in training mode', () => {
  for (const std of [0.1, 0.7]) {
    test(`σ=${std}: the added noise has mean 0 and standard deviation σ, fresh each run`, async () => {
      const session = await createSession(exportTraining(std));
      try {
        const feed = { input: { dtype: 'float32' as const, shape: [batch, features], data: input } };
        const y = (await runSession(session, feed))['output']!.data as Float32Array;
        const y2 = (await runSession(session, feed))['output']!.data as Float32Array;
        const n = input.length;
        let sum = 0;
        let sq = 0;
        let differ = 0;
        for (let i = 0; i < n; i++) {
          const e = y[i]! - input[i]!;
          sum += e;
          sq += e * e;
          if (y[i] !== y2[i]) differ++;
        }
        const mean = sum / n;
        const sd = Math.sqrt(sq / n - mean * mean);
        // n = 20000: the mean's standard error is σ/141, the sample σ's about σ/200; 6 of them.
        expect(Math.abs(mean)).toBeLessThan((6 * std) / Math.sqrt(n));
        expect(Math.abs(sd / std - 1)).toBeLessThan(6 / Math.sqrt(2 * n));
        expect(differ).toBeGreaterThan(n * 0.99);
      } finally {
        await session.release();
      }
    });
  }

  test('the training graph passes onnx.checker', () => {
    expect(checkOnnxModels(new Map([['gaussian noise σ=0.5', exportTraining(0.5)]]))).toEqual({});
  });

  test('a negative σ is refused on the field', () => {
    const lowered = lowerDocument(chainDoc([4], [{ kind: 'GaussianNoise', params: { std: -1 } }]), {
      mode: 'training',
    });
    expect(lowered.diagnostics.find((d) => d.node === 'n1')?.field).toBe('std');
  });
});

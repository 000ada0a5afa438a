// Dropout in training mode is random, so it is checked by its statistics in onnxruntime: the share
// of zeroed values is p within a tolerance of many standard deviations, and every kept value is
// the input scaled by 1/(1−p) (torch.nn.Dropout's inverted dropout).
import { describe, expect, test } from 'vitest';
import { lowerDocument } from '../../src/compile/lower.ts';
import { hasErrors } from '../../src/compile/diagnostics.ts';
import { materializeWeights } from '../../src/ir/weights.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { formatDiagnostics } from '../../src/compile/diagnostics.ts';
import { createSession, runSession } from '../../src/runtime/ort-session.ts';
import { chainDoc } from '../helpers/doc.ts';
import { checkOnnxModels } from '../helpers/onnx-checker.ts';

const batch = 4;
const features = 5000;

function build(p: number, mode: 'training' | 'inference') {
  const lowered = lowerDocument(chainDoc([features], [{ kind: 'Dropout', params: { p } }]), { mode, batch });
  if (hasErrors(lowered)) throw new Error(formatDiagnostics(lowered));
  return lowered;
}

const input = Float32Array.from({ length: batch * features }, (_, i) => 1 + (i % 7) * 0.25);

const probabilities = [0.1, 0.5, 0.8];

function exportTraining(p: number): Uint8Array {
  const g = build(p, 'training').graph;
  return exportOnnx(g, materializeWeights(g.weights));
}

async function run(p: number, runs: number): Promise<Float32Array[]> {
  const bytes = exportTraining(p);
  const session = await createSession(bytes);
  try {
    const outs: Float32Array[] = [];
    for (let r = 0; r < runs; r++) {
      const res = await runSession(session, {
        input: { dtype: 'float32', shape: [batch, features], data: input },
      });
      outs.push(res['output']!.data as Float32Array);
    }
    return outs;
  } finally {
    await session.release();
  }
}

describe('Dropout in training mode', () => {
  for (const p of probabilities) {
    test(`p=${p}: zero share ≈ p, kept values scaled by 1/(1−p)`, async () => {
      const [y, y2] = await run(p, 2);
      const n = input.length;
      let zeros = 0;
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const v = y![i]!;
        if (v === 0) zeros++;
        else worst = Math.max(worst, Math.abs(v - input[i]! / (1 - p)) / (input[i]! / (1 - p)));
      }
      // Binomial(n, p): σ of the share is √(p(1−p)/n) ≤ 0.0036 here; 0.02 is over 5σ.
      expect(Math.abs(zeros / n - p)).toBeLessThan(0.02);
      expect(worst).toBeLessThan(1e-6);
      // A fresh mask each run.
      let differ = 0;
      for (let i = 0; i < n; i++) if (y![i] !== y2![i]) differ++;
      expect(differ).toBeGreaterThan(0);
    });
  }

  test('the training graphs pass onnx.checker', () => {
    const models = new Map(probabilities.map((p) => [`dropout p=${p}`, exportTraining(p)] as const));
    expect(checkOnnxModels(models)).toEqual({});
  });

  test('the graph keeps the mask for the backward pass', () => {
    const g = build(0.5, 'training').graph;
    const drops = g.ops.filter((o) => o.type === 'Dropout');
    expect(drops).toHaveLength(1);
    const mask = g.values.get(drops[0]!.outputs[1]!);
    expect(mask?.dtype).toBe('bool');
    expect(mask?.shape).toEqual([batch, features]);
  });

  test('p = 0 and inference mode pass the input through', async () => {
    for (const [p, mode] of [
      [0, 'training'],
      [0.5, 'inference'],
    ] as const) {
      const g = build(p, mode).graph;
      expect(g.ops.some((o) => o.type === 'Dropout')).toBe(false);
    }
    const g = build(0.5, 'inference').graph;
    const session = await createSession(exportOnnx(g, materializeWeights(g.weights)));
    try {
      const res = await runSession(session, {
        input: { dtype: 'float32', shape: [batch, features], data: input },
      });
      expect(Array.from(res['output']!.data as Float32Array)).toEqual(Array.from(input));
    } finally {
      await session.release();
    }
  });

  test('p = 1 is refused on the field', () => {
    const lowered = lowerDocument(chainDoc([4], [{ kind: 'Dropout', params: { p: 1 } }]), {
      mode: 'training',
    });
    const d = lowered.diagnostics.find((x) => x.node === 'n1');
    expect(d?.field).toBe('p');
  });
});

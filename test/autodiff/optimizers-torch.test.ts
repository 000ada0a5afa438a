// Three steps of each optimizer on a small MLP (cross-entropy), run as training-step graphs in
// onnxruntime-web, against torch.optim (test/fixtures/grad_optim.py).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { GraphEditor } from '../../src/autodiff/graph-editor.ts';
import { appendLoss } from '../../src/autodiff/losses.ts';
import type { OptimizerConfig } from '../../src/autodiff/optimizers.ts';
import { buildStepGraph } from '../../src/autodiff/step-graph.ts';
import { StepRunner, TensorStore, serializeStepGraph } from '../../src/runtime/step-runner.ts';
import { floatTensor, int64Tensor } from '../../src/runtime/tensors.ts';
import { checkOnnxModels } from '../helpers/onnx-checker.ts';

interface Fixture {
  init: Record<string, { shape: number[]; data: number[] }>;
  batches: { x: number[]; y: number[] }[];
  cases: {
    optimizer: OptimizerConfig & { name: string };
    losses: number[];
    params: Record<string, number[]>;
  }[];
}

const fx = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/data/grad-optim.json'), 'utf8'),
) as Fixture;

function mlpStep(optimizer: OptimizerConfig) {
  const b = new GraphBuilder();
  b.node = 'data';
  const x = b.graphInput('x', { shape: [5, 4], dtype: 'float32' }, true);
  const layer = (name: string, inp: string): string => {
    b.node = name;
    const w = b.weight('weight', fx.init[`${name}.weight`]!.shape, { kind: 'zeros' });
    const bias = b.weight('bias', fx.init[`${name}.bias`]!.shape, { kind: 'zeros' });
    return b.op1('Gemm', [inp, w, bias], { transB: 1 });
  };
  const logits = layer('l2', b.op1('Tanh', [layer('l1', x)]));
  const g = new GraphEditor(b.build());
  const y = g.input('y', { shape: [5], dtype: 'int64' }, true);
  const loss = appendLoss(g, 'cross-entropy', logits, y);
  const ids = Object.keys(fx.init);
  return buildStepGraph({ forward: g.build(), loss, params: ids, optimizer });
}

describe('one step of each optimizer matches torch.optim', () => {
  const models = new Map<string, Uint8Array>();
  fx.cases.forEach((c, k) => {
    test(`${k}: ${JSON.stringify(c.optimizer)}`, async () => {
      const step = mlpStep(c.optimizer);
      models.set(String(k), serializeStepGraph(step));
      const shapes = new Map(step.weights.map((w) => [w.id, w.shape]));
      const init = new Map(Object.entries(fx.init).map(([k2, v]) => [k2, Float32Array.from(v.data)]));
      const store = TensorStore.fromWeights(init, shapes);
      const runner = await StepRunner.create(step, store);
      try {
        for (let i = 0; i < fx.batches.length; i++) {
          const bt = fx.batches[i]!;
          const r = await runner.run(
            { x: floatTensor(bt.x, [5, 4]), y: int64Tensor(bt.y, [5]) },
            c.optimizer.lr ?? 1e-3,
          );
          expect(Math.abs(r.loss - c.losses[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(c.losses[i]!)));
        }
        const got = await store.read(Object.keys(c.params));
        for (const [name, want] of Object.entries(c.params)) {
          const have = got.get(name)!;
          want.forEach((v, i) => {
            const err = Math.abs(have[i]! - v);
            if (err > 1e-5 * Math.max(1, Math.abs(v)) + 1e-6) {
              throw new Error(`${name}[${i}]: ${have[i]} vs torch ${v}`);
            }
          });
        }
      } finally {
        await runner.release();
        store.dispose();
      }
    });
  });
  test('every step graph passes onnx.checker', () => {
    expect(models.size).toBe(fx.cases.length);
    expect(checkOnnxModels(models)).toEqual({});
  });
});

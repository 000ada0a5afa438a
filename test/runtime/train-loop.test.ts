// The loop's contract: BatchNorm running statistics carried as state, NaN stops with the step and
// tensor named, pause/resume/stop from outside, Dropout's gradient following its mask.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import { buildStepGraph } from '../../src/autodiff/step-graph.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { GraphEditor } from '../../src/autodiff/graph-editor.ts';
import { backward } from '../../src/autodiff/backward.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import { preparedStepRunner, prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import { NonFiniteError, StepRunner, TensorStore } from '../../src/runtime/step-runner.ts';
import { floatTensor, int64Tensor } from '../../src/runtime/tensors.ts';
import { trainValSplit } from '../../src/runtime/datasets/dataset.ts';
import { blobs } from '../../src/runtime/datasets/toy.ts';
import { TrainingControl, train } from '../../src/runtime/train-loop.ts';
import { chainDoc } from '../helpers/doc.ts';
import { requirePython } from '../helpers/references.ts';

const ce = (opt: Record<string, unknown>) =>
  parseTrainingSetup({ objectives: [{ loss: { kind: 'cross-entropy', output: 'output' }, optimizer: opt }] });

describe('training loop', () => {
  test('BatchNorm in training mode: two SGD steps update weights and running stats as torch does', async () => {
    const doc = chainDoc(
      [4],
      [
        { kind: 'Dense', params: { units: 5 } },
        { kind: 'BatchNorm1d' },
        { kind: 'ReLU' },
        { kind: 'Dense', params: { units: 3 } },
      ],
    );
    const p = prepareDocumentTraining(doc, ce({ name: 'momentum', lr: 0.1, momentum: 0.9 }), {
      batchSize: 6,
    });
    const o = p.objectives[0]!;
    const step = buildStepGraph({
      forward: o.model.graph,
      loss: o.model.loss,
      params: o.params,
      optimizer: o.optimizer,
    });
    expect(step.carried.map((c) => c.input)).toEqual(
      expect.arrayContaining(['n2.running_mean', 'n2.running_var']),
    );
    const store = TensorStore.fromWeights(p.initial, new Map(p.weights.map((w) => [w.id, w.shape])));
    const runner = await StepRunner.create(step, store);
    const x = Array.from({ length: 24 }, (_, i) => Math.cos(i * 0.7) * 2);
    const y = [0, 1, 2, 2, 1, 0];
    const losses: number[] = [];
    for (let k = 0; k < 2; k++) {
      losses.push(
        (await runner.run({ input: floatTensor(x, [6, 4]), target: int64Tensor(y, [6]) }, 0.1)).loss,
      );
    }
    const after = await store.read(p.weights.map((w) => w.id));
    await runner.release();
    store.dispose();
    const dir = mkdtempSync(join(tmpdir(), 'netloom-bn-'));
    writeFileSync(
      join(dir, 'case.json'),
      JSON.stringify({ init: Object.fromEntries([...p.initial].map(([k, v]) => [k, Array.from(v)])), x, y }),
    );
    const script = `
import json, sys, torch
d = json.load(open(sys.argv[1]))
I = {k: torch.tensor(v) for k, v in d['init'].items()}
m = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.BatchNorm1d(5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
sd = {'0.weight': I['n1.weight'].reshape(5, 4), '0.bias': I['n1.bias'], '1.weight': I['n2.weight'], '1.bias': I['n2.bias'],
      '1.running_mean': I['n2.running_mean'], '1.running_var': I['n2.running_var'], '3.weight': I['n4.weight'].reshape(3, 5), '3.bias': I['n4.bias']}
m.load_state_dict(sd, strict=False)
m.train()
opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
x = torch.tensor(d['x']).reshape(6, 4); y = torch.tensor(d['y'])
losses = []
for _ in range(2):
    opt.zero_grad(); l = torch.nn.functional.cross_entropy(m(x), y); l.backward(); opt.step(); losses.append(float(l))
s = m.state_dict()
out = {'n1.weight': s['0.weight'], 'n2.weight': s['1.weight'], 'n2.bias': s['1.bias'], 'n2.running_mean': s['1.running_mean'],
       'n2.running_var': s['1.running_var'], 'n4.weight': s['3.weight'], 'n4.bias': s['3.bias']}
print(json.dumps({'losses': losses, 'params': {k: v.reshape(-1).tolist() for k, v in out.items()}}))
`;
    const ref = JSON.parse(
      execFileSync(requirePython(['torch']), ['-c', script, join(dir, 'case.json')], { encoding: 'utf8' }),
    ) as {
      losses: number[];
      params: Record<string, number[]>;
    };
    losses.forEach((l, i) => expect(l).toBeCloseTo(ref.losses[i]!, 5));
    for (const [k, want] of Object.entries(ref.params)) {
      const have = after.get(k)!;
      want.forEach((v, i) =>
        expect(Math.abs(have[i]! - v), `${k}[${i}]`).toBeLessThan(1e-5 + 1e-5 * Math.abs(v)),
      );
    }
  });

  test('a diverging run stops with the step and the first non-finite tensor named', async () => {
    const doc = chainDoc(
      [2],
      [{ kind: 'Dense', params: { units: 8 } }, { kind: 'ReLU' }, { kind: 'Dense', params: { units: 3 } }],
    );
    const p = prepareDocumentTraining(doc, ce({ name: 'sgd', lr: 1e30 }), { batchSize: 10 });
    const { train: tr } = trainValSplit(blobs({ n: 200 }), 0.1, 1);
    const err = await train({ ...p, train: tr, batchSize: 10, epochs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    const e = err as NonFiniteError;
    expect(e.step).toBeGreaterThanOrEqual(2);
    expect(e.message).toMatch(new RegExp(`^Training stopped at step ${e.step}: `));
    // The step is re-run with every intermediate value exposed: the first bad one is named.
    expect(e.message).toMatch(
      /: the [A-Za-z]+ of node "[a-z0-9]+" \([^)]+\), element \d+, is not finite\. Lower the learning rate/,
    );
  });

  test('NaN in the data is named as such', async () => {
    const doc = chainDoc([2], [{ kind: 'Dense', params: { units: 3 } }]);
    const p = prepareDocumentTraining(doc, ce({ name: 'sgd', lr: 0.1 }), { batchSize: 4 });
    const { store, runner } = await preparedStepRunner(p);
    const x = floatTensor([0, 1, 2, NaN, 4, 5, 6, 7], [4, 2]);
    await expect(runner.run({ input: x, target: int64Tensor([0, 1, 2, 0], [4]) }, 0.1)).rejects.toThrow(
      'Training stopped at step 1: input "input" (element 3) is not finite.',
    );
    await runner.release();
    store.dispose();
  });

  test('pause, resume and stop from outside the loop', async () => {
    const doc = chainDoc([2], [{ kind: 'Dense', params: { units: 3 } }]);
    const p = prepareDocumentTraining(doc, ce({ name: 'sgd', lr: 0.1 }), { batchSize: 10 });
    const { train: tr } = trainValSplit(blobs({ n: 300 }), 0.1, 1);
    const control = new TrainingControl();
    const seen: number[] = [];
    let resumedAfterPause = false;
    const r = await train({
      ...p,
      train: tr,
      batchSize: 10,
      epochs: 5,
      control,
      onStep: (s) => {
        seen.push(s.step);
        if (s.step === 3) {
          control.pause();
          expect(control.isPaused).toBe(true);
          setTimeout(() => {
            resumedAfterPause = seen.length === 3;
            control.resume();
          }, 50);
        }
        if (s.step === 7) control.stop();
      },
    });
    expect(resumedAfterPause).toBe(true);
    expect(r.stopped).toBe(true);
    expect(r.steps).toBe(7);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('Dropout gradient', () => {
  test('dx = dy · mask / (1 − p), with the mask the forward pass drew', async () => {
    const b = new GraphBuilder();
    b.node = 'd';
    const x = b.graphInput('x', { shape: [4, 50], dtype: 'float32' }, false);
    const ratio = b.constant(Float32Array.of(0.3), [], 'ratio');
    const mode = b.constant(Uint8Array.of(1), [], 'mode');
    const [y, mask] = b.op('Dropout', [x, ratio, mode], {}, 2) as [string, string];
    const r = b.graphInput('R', { shape: [4, 50], dtype: 'float32' }, false);
    const loss = b.op1('ReduceSum', [b.op1('Mul', [y, r])], { keepdims: 0 });
    const g = new GraphEditor(b.build());
    const dx = backward(g, loss, [x]).get(x)!;
    g.outputs = [];
    g.expose(dx, 'dx');
    g.expose(mask, 'mask');
    const rv = Array.from({ length: 200 }, (_, i) => 1 + (i % 7));
    const out = await runOnnx(exportOnnx(g.build(), new Map(), { includeLoss: true }), {
      x: floatTensor(
        Array.from({ length: 200 }, (_, i) => i / 10),
        [4, 50],
      ),
      R: floatTensor(rv, [4, 50]),
    });
    const m = out['mask']!.data as Uint8Array;
    const d = out['dx']!.data as Float32Array;
    const kept = Array.from(m).filter((v) => v === 1).length;
    expect(kept).toBeGreaterThan(100);
    expect(kept).toBeLessThan(180);
    rv.forEach((v, i) => expect(d[i]).toBeCloseTo(m[i] ? v / 0.7 : 0, 5));
  });
});

// Generative models on MNIST: a GAN as two alternating objectives sharing the discriminator's
// weights (D step, then G step through the frozen D), and a VAE whose loss must halve.
import { describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { materializeWeights } from '../../src/ir/weights.ts';
import { GraphEditor } from '../../src/autodiff/graph-editor.ts';
import { appendLoss } from '../../src/autodiff/losses.ts';
import { buildStepGraph } from '../../src/autodiff/step-graph.ts';
import type { EpochReport } from '../../src/runtime/worker-protocol.ts';
import type { ModelGraph, TrainerObjective } from '../../src/runtime/train-loop.ts';
import { train } from '../../src/runtime/train-loop.ts';
import type { HostTensor } from '../../src/runtime/tensors.ts';
import type { Rng } from '../../src/util/random.ts';
import { mnistNode } from './mnist-data.ts';

const B = 64;
const Z = 16;

function dense(b: GraphBuilder, node: string, x: string, inF: number, outF: number, create: boolean): string {
  b.node = node;
  const bound = 1 / Math.sqrt(inF);
  const w = create ? b.weight('weight', [outF, inF], { kind: 'uniform', bound }) : `${node}.weight`;
  const bias = create ? b.weight('bias', [outF], { kind: 'uniform', bound }) : `${node}.bias`;
  return b.op1('Gemm', [x, w, bias], { transB: 1 });
}

function noise(name: string, shape: readonly number[]) {
  return (batch: number, rng: Rng): Record<string, HostTensor> => {
    const n = batch * shape.reduce((p, d) => p * d, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = rng.normal();
    return { [name]: { dtype: 'float32', shape: [batch, ...shape], data } };
  };
}

/** The GAN's graph for one objective; both graphs create the same weight ids with the same inits. */
function ganGraph(step: 'D' | 'G'): ModelGraph {
  const b = new GraphBuilder();
  b.node = 'data';
  const real = b.graphInput('image', { shape: [B, 784], dtype: 'float32' }, true);
  const z = b.graphInput('z', { shape: [B, Z], dtype: 'float32' }, true);
  let h = b.op1('LeakyRelu', [dense(b, 'g1', z, Z, 128, true)], { alpha: 0.2 });
  const fake = b.op1('Sigmoid', [dense(b, 'g2', h, 128, 784, true)]);
  let created = false;
  const disc = (x: string): string => {
    const first = !created;
    created = true;
    const d1 = b.op1('LeakyRelu', [dense(b, 'd1', x, 784, 128, first)], { alpha: 0.2 });
    return dense(b, 'd2', d1, 128, 1, first);
  };
  const g = (): GraphEditor => new GraphEditor(b.build(), 'loss');
  if (step === 'D') {
    const onReal = disc(real);
    const onFake = disc(fake);
    const e = g();
    const ones = e.constant(new Float32Array(B).fill(1), [B, 1], 'ones');
    const zeros = e.constant(new Float32Array(B), [B, 1], 'zeros');
    const loss = e.op1('Add', [
      appendLoss(e, 'bce-logits', onReal, ones),
      appendLoss(e, 'bce-logits', onFake, zeros),
    ]);
    return { graph: e.build(), loss, features: 'image' };
  }
  h = disc(fake);
  const e = g();
  const ones = e.constant(new Float32Array(B).fill(1), [B, 1], 'ones');
  return { graph: e.build(), loss: appendLoss(e, 'bce-logits', h, ones), features: 'image' };
}

describe('generative models', () => {
  test('GAN: D and G steps alternate on shared weights without NaN, D loss stays bounded', async () => {
    const data = mnistNode(100);
    const d = ganGraph('D');
    const gen = ganGraph('G');
    const weights = d.graph.weights;
    const ids = (prefix: string) => weights.filter((w) => w.node.startsWith(prefix)).map((w) => w.id);
    const adam = { name: 'adam' as const, lr: 2e-4, beta1: 0.5 };
    const objectives: TrainerObjective[] = [
      { name: 'D', model: d, params: ids('d'), optimizer: adam, extraFeeds: noise('z', [Z]) },
      { name: 'G', model: gen, params: ids('g'), optimizer: adam, extraFeeds: noise('z', [Z]) },
    ];
    // The G step reads D's weights but never writes them (D is frozen there), and vice versa.
    const gStep = buildStepGraph({ forward: gen.graph, loss: gen.loss, params: ids('g'), optimizer: adam });
    expect(gStep.carried.map((c) => c.input).filter((n) => n.startsWith('d'))).toEqual([]);
    expect(gStep.graph.inputs.map((i) => i.name)).toEqual(expect.arrayContaining(ids('d')));

    const initial = materializeWeights(weights, 3);
    const epochs: EpochReport[] = [];
    const r = await train({
      objectives,
      train: { ...data, featureShape: [784] },
      batchSize: B,
      epochs: 8,
      seed: 3,
      weights,
      initial,
      onEpoch: (e) => epochs.push(e),
    });
    expect(r.steps).toBe(8 * Math.floor(data.size / B));
    for (const e of epochs) {
      expect(Number.isFinite(e.losses['D']!) && Number.isFinite(e.losses['G']!)).toBe(true);
      // ln 4 ≈ 1.386 is the balance point of the two-term D loss; a collapsing or exploding D leaves [0.05, 3].
      expect(e.losses['D']).toBeGreaterThan(0.05);
      expect(e.losses['D']).toBeLessThan(3);
    }
    const moved = (id: string) => {
      const a = initial.get(id)!;
      const b2 = r.weights.get(id)!;
      return a.some((v, i) => v !== b2[i]);
    };
    expect(ids('d').every(moved) && ids('g').every(moved)).toBe(true);
  });

  test('VAE: the loss (reconstruction + KL) halves', async () => {
    const data = mnistNode(100);
    const L = 8;
    const b = new GraphBuilder();
    b.node = 'data';
    const x = b.graphInput('image', { shape: [B, 784], dtype: 'float32' }, true);
    const eps = b.graphInput('eps', { shape: [B, L], dtype: 'float32' }, true);
    const h = b.op1('Relu', [dense(b, 'enc', x, 784, 128, true)]);
    const mu = dense(b, 'mu', h, 128, L, true);
    const logvar = dense(b, 'logvar', h, 128, L, true);
    b.node = 'sample';
    const std = b.op1('Exp', [b.op1('Mul', [logvar, b.constant(Float32Array.of(0.5), [], 'half')])]);
    const z = b.op1('Add', [mu, b.op1('Mul', [std, eps])]);
    const h2 = b.op1('Relu', [dense(b, 'dec1', z, L, 128, true)]);
    const recon = b.op1('Sigmoid', [dense(b, 'dec2', h2, 128, 784, true)]);
    const e = new GraphEditor(b.build(), 'loss');
    // torch VAE example: BCE summed over pixels + KL = −½·Σ(1 + logσ² − μ² − σ²), per example.
    const bce = e.op1('Mul', [appendLoss(e, 'bce', recon, x), e.scalar(784)]);
    const klTerms = e.op1('Sub', [
      e.op1('Sub', [e.op1('Add', [e.scalar(1), logvar]), e.op1('Mul', [mu, mu])]),
      e.op1('Exp', [logvar]),
    ]);
    const kl = e.op1('Mul', [
      e.op1('ReduceMean', [e.op1('ReduceSum', [klTerms, e.ints([1])], { keepdims: 0 })], { keepdims: 0 }),
      e.scalar(-0.5),
    ]);
    const loss = e.op1('Add', [bce, kl]);
    const model: ModelGraph = { graph: e.build(), loss, features: 'image' };
    const weights = model.graph.weights;
    const steps: number[] = [];
    await train({
      objectives: [
        {
          name: 'vae',
          model,
          params: weights.map((w) => w.id),
          optimizer: { name: 'adam', lr: 1e-3 },
          extraFeeds: noise('eps', [L]),
        },
      ],
      train: { ...data, featureShape: [784] },
      batchSize: B,
      epochs: 10,
      seed: 4,
      weights,
      initial: materializeWeights(weights, 4),
      onStep: (s) => steps.push(s.loss),
    });
    const first = steps.slice(0, 5).reduce((p, v) => p + v, 0) / 5;
    const last = steps.slice(-15).reduce((p, v) => p + v, 0) / 15;
    expect(last).toBeLessThan(first / 2);
  });
});

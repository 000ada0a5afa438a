// One training step of the exported train.py (its Objectives, make_steps and train_step) from the
// same weights and batch as Netloom's own step (the runtime's step graph in onnxruntime), for SGD
// and Adam, on every template that trains (token models fed int64 ids): each weight tensor's step agrees within 1e-5 relative. Where the step draws noise (a GAN's z, a VAE's ε), both are fed the same numbers.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { decodeSafetensors, weightsFileBytes } from '../../src/ir/weights-file.ts';
import type { Graph } from '../../src/ir/types.ts';
import { prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import { documentTrainingSetup } from '../../src/compile/training-setup.ts';
import { StepRunner, TensorStore } from '../../src/runtime/step-runner.ts';
import type { HostTensor } from '../../src/runtime/tensors.ts';
import { objectiveStepGraph } from '../../src/runtime/train-loop.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import type { StepReport } from '../helpers/torch-package.ts';
import { runTorchPackages, saveNpy, seeded, writePackage } from '../helpers/torch-package.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-torch-step-'));
const batch = 8;

/** A small convolutional net with BatchNorm (whose batch statistics and running averages both count). */
function bnNet(): NetloomDocument {
  const node = (id: string, kind: string, params: Record<string, unknown> = {}) => ({
    id,
    kind,
    params,
    position: { x: 0, y: 0 },
  });
  const chain = ['image', 'conv', 'bn', 'relu', 'pool', 'fc', 'logits'];
  return {
    format: 'netloom',
    version: 1,
    name: 'BN net',
    description: '',
    nodes: [
      node('image', 'Input', { shape: [3, 8, 8] }),
      node('conv', 'Conv2d', { outChannels: 8, kernelSize: [3, 3], padding: [1, 1] }),
      node('bn', 'BatchNorm2d'),
      node('relu', 'ReLU'),
      node('pool', 'GlobalAvgPool'),
      node('fc', 'Dense', { units: 10 }),
      node('logits', 'Output'),
      node('label', 'Input', { shape: [], dtype: 'int64' }),
      node('loss', 'CrossEntropy'),
    ],
    edges: [
      ...chain.slice(1).map((id, i) => ({
        id: `e${i}`,
        source: { node: chain[i]!, port: 'y' },
        target: { node: id, port: 'x' },
      })),
      { id: 'p', source: { node: 'fc', port: 'y' }, target: { node: 'loss', port: 'x' } },
      { id: 't', source: { node: 'label', port: 'y' }, target: { node: 'loss', port: 'target' } },
    ],
    groups: [],
    training: { objectives: [{ loss: 'loss' }], batchSize: 8 },
  };
}

type Optimizer = { readonly name: 'sgd' | 'adam'; readonly lr: number; readonly eps?: number };

/**
 * The template with every objective's optimizer set to `opt` in its training setup (so train.py
 * is generated with it), and the transformer's dropout off (its masks are random).
 */
function trainable(name: string, opt: Optimizer): NetloomDocument {
  const doc = name === 'bn-net' ? bnNet() : loadTemplate(name)!;
  // Random masks are drawn differently in torch and onnxruntime: compare steps without them.
  for (const n of doc.nodes) if ('dropout' in n.params) n.params['dropout'] = 0;
  for (const n of doc.nodes) if (n.kind === 'Dropout') n.params['p'] = 0;
  const training = doc.training as { objectives: { optimizer?: Record<string, unknown> }[] };
  for (const o of training.objectives) o.optimizer = { ...o.optimizer, ...opt };
  return doc;
}

/** The forward graph with each random op's output turned into an input, so the test feeds it. */
function withFedNoise(graph: Graph): { graph: Graph; noise: { name: string; shape: readonly number[] }[] } {
  const random = graph.ops.filter((op) => op.type === 'RandomNormal' || op.type === 'RandomNormalLike');
  const noise = random.map((op) => ({
    name: op.outputs[0]!,
    shape: graph.values.get(op.outputs[0]!)!.shape,
  }));
  return {
    graph: {
      ...graph,
      ops: graph.ops.filter((op) => !random.includes(op)),
      inputs: [
        ...graph.inputs,
        ...noise.map((n) => ({ value: n.name, name: n.name, node: 'noise', batched: true })),
      ],
    },
    noise,
  };
}

/** The spacing of float32 numbers at v: two correctly rounded results may differ by this much. */
function ulp(v: number): number {
  const a = Math.abs(v);
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}

interface Run {
  readonly before: Map<string, Float32Array>;
  readonly after: Map<string, Float32Array>;
  readonly losses: number[];
}

/** Netloom's step: every objective in order on one batch, as train() does. */
async function netloomStep(
  doc: NetloomDocument,
  x: HostTensor,
  y: HostTensor,
  noiseFiles: string[],
  folder: string,
): Promise<Run> {
  const p = prepareDocumentTraining(doc, documentTrainingSetup(doc), { batchSize: batch, seed: 0 });
  const store = await TensorStore.fromWeights(p.initial, new Map(p.weights.map((w) => [w.id, w.shape])));
  const losses: number[] = [];
  try {
    for (const [k, o] of p.objectives.entries()) {
      const fed = withFedNoise(o.model.graph);
      const step = objectiveStepGraph(
        {
          ...o,
          model: { ...o.model, graph: { ...o.model.graph, ...fed.graph } },
        },
        // Objectives share the store: each keeps its own optimizer state.
        k,
      );
      const runner = await StepRunner.create(step, store);
      const feeds: Record<string, HostTensor> = { [o.model.features]: x };
      if (o.model.targets) feeds[o.model.targets] = y;
      fed.noise.forEach((n, i) => {
        const data = seeded(
          n.shape.reduce((a, d) => a * d, 1),
          1000 + 10 * k + i,
        );
        // Standard-normal-like values (the sum of uniforms), fixed for the run.
        const t: HostTensor = { dtype: 'float32', shape: [...n.shape], data: data.map((v) => v * 1.7) };
        feeds[n.name] = t;
        noiseFiles.push(saveNpy(join(folder, `noise${k}_${i}.npy`), t));
      });
      losses.push((await runner.run(feeds, runner.step.optimizer.lr)).loss);
      await runner.release();
    }
    const after = await store.read(p.weights.map((w) => w.id));
    writeFileSync(join(folder, 'init.safetensors'), weightsFileBytes(p.weights, p.initial, doc.name));
    writeFileSync(join(folder, 'netloom-after.safetensors'), weightsFileBytes(p.weights, after, doc.name));
    return { before: p.initial, after, losses };
  } finally {
    store.dispose();
  }
}

// Every template with a training setup, and a small BatchNorm net (no such template trains).
const templates = [
  'playground',
  'mlp',
  'lenet5',
  'lstm',
  'transformer',
  'vae',
  'gan-mnist',
  'dcgan-mnist',
  'cgan-mnist',
  'conv-autoencoder',
  'denoising-autoencoder',
  'gru',
  'bilstm',
  'text-lstm',
  'gpt-mini',
  'gpt-mini-tied',
  'bn-net',
];

describe("one train.py step equals Netloom's step", () => {
  test('SGD and Adam on every template with a training setup', async () => {
    const runs = new Map<string, Run>();
    const cases: Record<string, unknown> = {};
    for (const name of templates) {
      // Adam's ε at 1e-3: its first step lr·g/(|g| + ε) turns float noise in gradients near ε into
      // steps of their own. At torch's 1e-8, gradients that are zero in exact arithmetic (an
      // attention key's bias) or ~1e-8 by cancellation step by up to lr·|g|/(|g| + ε) on each side
      // from noise alone; with ε = 1e-3 the step is SGD-like below ε and sign-like above it, both
      // well conditioned, and m, v, the bias corrections and ε's place are all exercised.
      for (const opt of [
        { name: 'sgd', lr: 0.05 },
        { name: 'adam', lr: 0.01, eps: 1e-3 },
      ] as const) {
        const doc = trainable(name, opt);
        const key = `${name} ${opt.name}`;
        const folder = join(dir, key.replace(' ', '-'));
        writePackage(doc, folder);
        const p = prepareDocumentTraining(doc, documentTrainingSetup(doc), { batchSize: batch });
        const o = p.objectives[0]!.model;
        const features = o.graph.values.get(o.features)!;
        const xs = features.shape;
        const n = xs.reduce((a, d) => a * d, 1);
        // Token ids below the vocabulary (GPT-mini's characters, the reviews' words), fed as int64.
        const vocab = { 'text-lstm': 31, 'gpt-mini': 96, 'gpt-mini-tied': 96 }[name];
        const ids = (count: number, seed: number, below: number) =>
          BigInt64Array.from(seeded(count, seed), (v) =>
            BigInt(Math.min(below - 1, Math.floor(((v + 1) / 2) * below))),
          );
        // Pixels in [0, 1] (a VAE's BCE compares them with its output), labels 0…9 (or 0, 1).
        const x: HostTensor =
          features.dtype === 'int64'
            ? { dtype: 'int64', shape: [...xs], data: ids(n, 3, vocab!) }
            : { dtype: 'float32', shape: [...xs], data: seeded(n, 3).map((v) => (v + 1) / 2) };
        // A class per example, or per position (GPT-mini's next characters).
        const ys = o.targets ? o.graph.values.get(o.targets)!.shape : [batch];
        const classes = name === 'playground' || name === 'text-lstm' ? 2 : name.startsWith('gpt') ? 96 : 10;
        const y: HostTensor = {
          dtype: 'int64',
          shape: [...ys],
          data: ids(
            ys.reduce((a, d) => a * d, 1),
            5,
            classes,
          ),
        };
        const noise: string[] = [];
        runs.set(key, await netloomStep(doc, x, y, noise, folder));
        cases[key] = {
          dir: folder,
          weights: join(folder, 'init.safetensors'),
          x: saveNpy(join(folder, 'x.npy'), x),
          y: saveNpy(join(folder, 'y.npy'), y),
          task: 'classification',
          noise,
          out: join(folder, 'after.safetensors'),
        };
      }
    }
    const reports = runTorchPackages<StepReport>('step', cases, dir);
    const table: string[] = [];
    for (const [key, run] of runs) {
      const r = reports[key]!;
      expect(r.error, key).toBeUndefined();
      expect(r.noiseLeft, `${key}: every fed noise draw was used`).toBe(0);
      r.losses!.forEach((l, k) => {
        expect(Math.abs(l - run.losses[k]!), `${key} loss ${k}`).toBeLessThanOrEqual(
          1e-5 * Math.max(1, Math.abs(run.losses[k]!)),
        );
      });
      const torch = decodeSafetensors(readFileSync((cases[key] as { out: string }).out), key);
      // The step torch took against Netloom's, over all weights, relative, in L2 norm:
      // ‖w_torch − w_netloom‖ ≤ 1e-5 · ‖w_netloom − w_before‖, where each side's rounding of its new
      // weight to float32 (one ulp of the weight apart at most) is not counted as a difference.
      // Per tensor it is reported too.
      let diff2 = 0;
      let step2 = 0;
      let worst = 0;
      let worstName = '';
      let maxAbs = 0;
      for (const [id, after] of run.after) {
        const t = torch.get(id)!.data;
        const before = run.before.get(id)!;
        let d2 = 0;
        let s2 = 0;
        for (let i = 0; i < after.length; i++) {
          d2 += Math.max(0, Math.abs(t[i]! - after[i]!) - ulp(after[i]!)) ** 2;
          s2 += (after[i]! - before[i]!) ** 2;
          maxAbs = Math.max(maxAbs, Math.abs(t[i]! - after[i]!));
        }
        diff2 += d2;
        step2 += s2;
        const rel = s2 > 0 ? Math.sqrt(d2 / s2) : 0;
        if (rel > worst) {
          worst = rel;
          worstName = id;
        }
      }
      const rel = Math.sqrt(diff2 / step2);
      table.push(
        `${key}: loss ${run.losses.map((l) => l.toFixed(5)).join(', ')}; ‖torch − netloom‖ / ‖step‖ = ${rel.toExponential(2)}` +
          ` (worst tensor ${worstName} ${worst.toExponential(2)}), max |torch − netloom| ${maxAbs.toExponential(2)}`,
      );
      expect(step2, key).toBeGreaterThan(0);
      expect(rel, key).toBeLessThanOrEqual(1e-5);
    }
    console.log(table.join('\n'));
  }, 600_000);
});

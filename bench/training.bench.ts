// Training steps per second: MLP 784-128-10 and LeNet-5 at batch 64 (SGD, cross-entropy), our
// one-graph training step in onnxruntime-web WASM (Node) next to PyTorch CPU and TensorFlow.js's
// wasm backend, all measured in this run.
import { cpus } from 'node:os';
import type { NetloomDocument } from '../src/document/schema.ts';
import { parseTrainingSetup } from '../src/autodiff/training-schema.ts';
import { preparedStepRunner, prepareDocumentTraining } from '../src/runtime/document-training.ts';
import type { HostTensor } from '../src/runtime/tensors.ts';
import type { Sequential } from '@tensorflow/tfjs';
import { median, medianMs, table, timesMs, torchPeer } from './stats.ts';
import { exportDocument } from '../src/onnx/from-document.ts';
import { createSession, runSession } from '../src/runtime/ort-session.ts';
import { loadTemplate } from '../src/templates/catalogue.ts';
import { numel } from '../src/ir/types.ts';

const batch = 64;
const steps = 200;

function chain(
  input: number[],
  layers: { kind: string; params?: Record<string, unknown> }[],
): NetloomDocument {
  const nodes: NetloomDocument['nodes'] = [
    { id: 'input', kind: 'Input', name: 'input', params: { shape: input }, position: { x: 0, y: 0 } },
  ];
  const edges: NetloomDocument['edges'] = [];
  let prev = 'input';
  layers.forEach((l, i) => {
    const id = `n${i}`;
    nodes.push({ id, kind: l.kind, params: l.params ?? {}, position: { x: 0, y: 0 } });
    edges.push({ id: `e${i}`, source: { node: prev, port: 'y' }, target: { node: id, port: 'x' } });
    prev = id;
  });
  nodes.push({ id: 'output', kind: 'Output', name: 'output', params: {}, position: { x: 0, y: 0 } });
  edges.push({ id: 'eo', source: { node: prev, port: 'y' }, target: { node: 'output', port: 'x' } });
  return { format: 'netloom', version: 1, name: 'bench', description: '', nodes, edges, groups: [] };
}

const mlp = chain(
  [784],
  [{ kind: 'Dense', params: { units: 128 } }, { kind: 'ReLU' }, { kind: 'Dense', params: { units: 10 } }],
);
const lenet = chain(
  [1, 28, 28],
  [
    { kind: 'Conv2d', params: { outChannels: 6, kernelSize: [5, 5], padding: [2, 2] } },
    { kind: 'ReLU' },
    { kind: 'MaxPool2d', params: { kernelSize: [2, 2] } },
    { kind: 'Conv2d', params: { outChannels: 16, kernelSize: [5, 5] } },
    { kind: 'ReLU' },
    { kind: 'MaxPool2d', params: { kernelSize: [2, 2] } },
    { kind: 'Flatten' },
    { kind: 'Dense', params: { units: 120 } },
    { kind: 'ReLU' },
    { kind: 'Dense', params: { units: 84 } },
    { kind: 'ReLU' },
    { kind: 'Dense', params: { units: 10 } },
  ],
);

async function oursMs(doc: NetloomDocument, shape: number[], threads: number): Promise<number> {
  const setup = parseTrainingSetup({
    objectives: [{ loss: { kind: 'cross-entropy', output: 'output' }, optimizer: { name: 'sgd', lr: 0.01 } }],
  });
  const p = prepareDocumentTraining(doc, setup, { batchSize: batch });
  const { store, runner } = await preparedStepRunner(p, { threads });
  const n = batch * numel(shape);
  const feeds: Record<string, HostTensor> = {
    input: {
      dtype: 'float32',
      shape: [batch, ...shape],
      data: Float32Array.from({ length: n }, (_, k) => Math.sin(k) ** 2),
    },
    target: {
      dtype: 'int64',
      shape: [batch],
      data: BigInt64Array.from({ length: batch }, (_, k) => BigInt(k % 10)),
    },
  };
  try {
    return await medianMs(() => runner.run(feeds, 0.01), steps, 10);
  } finally {
    await runner.release();
    store.dispose();
  }
}

const torchScript = (threads: number): string =>
  [
    'import torch, time',
    `torch.set_num_threads(${threads})`,
    'nn = torch.nn',
    'def med(m, shape):',
    '    opt = torch.optim.SGD(m.parameters(), lr=0.01)',
    `    x = torch.rand(${batch}, *shape); y = torch.randint(0, 10, (${batch},))`,
    '    ts = []',
    `    for i in range(${steps + 10}):`,
    '        t = time.perf_counter()',
    '        opt.zero_grad(); nn.functional.cross_entropy(m(x), y).backward(); opt.step()',
    '        ts.append(time.perf_counter() - t)',
    '    ts = sorted(ts[10:]); return ts[len(ts) // 2] * 1000',
    'mlp = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))',
    'lenet = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),',
    '    nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))',
    'print(med(mlp, (784,)), med(lenet, (1, 28, 28)))',
  ].join('\n');

async function tfjsMs(): Promise<{ mlp?: number; lenet?: number; note: string }> {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  const measure = async (model: Sequential, shape: number[]): Promise<number> => {
    model.compile({ optimizer: tf.train.sgd(0.01), loss: 'sparseCategoricalCrossentropy' });
    const x = tf.randomUniform([batch, ...shape]);
    const y = tf.tensor1d(
      Array.from({ length: batch }, (_, k) => k % 10),
      'float32',
    );
    try {
      return await medianMs(() => model.trainOnBatch(x, y), 50, 3);
    } finally {
      x.dispose();
      y.dispose();
    }
  };
  const l = tf.layers;
  const mlpModel = tf.sequential({
    layers: [
      l.dense({ inputShape: [784], units: 128, activation: 'relu' }),
      l.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  const out: { mlp?: number; lenet?: number; note: string } = { note: '' };
  out.mlp = await measure(mlpModel, [784]);
  const lenetModel = tf.sequential({
    layers: [
      l.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
      l.maxPooling2d({ poolSize: 2 }),
      l.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      l.maxPooling2d({ poolSize: 2 }),
      l.flatten(),
      l.dense({ units: 120, activation: 'relu' }),
      l.dense({ units: 84, activation: 'relu' }),
      l.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  try {
    out.lenet = await measure(lenetModel, [28, 28, 1]);
  } catch (e) {
    out.note = (e as Error).message.split('\n')[0] ?? '';
  }
  return out;
}

export async function run(): Promise<void> {
  const threads = Math.min(2, cpus().length);
  // PyTorch first: onnxruntime-web's WASM threads stay alive after a session and would compete.
  const torch = torchPeer(torchScript(threads));
  const [torchMlp, torchLenet] = torch ? torch.trim().split(' ').map(Number) : [undefined, undefined];
  let tfjs: Awaited<ReturnType<typeof tfjsMs>> | undefined;
  try {
    tfjs = await tfjsMs();
  } catch (e) {
    console.log(`(TensorFlow.js peer skipped: ${(e as Error).message.split('\n')[0]})`);
  }
  // NETLOOM_ORT_THREADS=1 measures onnxruntime single-threaded: on a loaded machine its two WASM
  // threads spin-wait on each other and lose more than they gain.
  const ortThreads = Number(process.env['NETLOOM_ORT_THREADS'] ?? threads);
  const ourMlp = await oursMs(mlp, [784], ortThreads);
  const ourLenet = await oursMs(lenet, [1, 28, 28], ortThreads);
  const sps = (ms: number | undefined): string => (ms ? (1000 / ms).toFixed(0) : '–');
  const ms = (v: number | undefined): string => (v ? v.toFixed(2) : '–');
  const ratio = (a: number, b: number | undefined): string => (b ? `${(a / b).toFixed(2)}×` : '–');
  table([
    [
      `training step, batch ${batch}, SGD + cross-entropy, median`,
      'MLP ms',
      'steps/s',
      'LeNet-5 ms',
      'steps/s',
    ],
    [
      `Netloom: one ONNX step graph, onnxruntime-web WASM, ${threads} threads`,
      ms(ourMlp),
      sps(ourMlp),
      ms(ourLenet),
      sps(ourLenet),
    ],
    [
      `PyTorch CPU (python3-torch 1.13, ${threads} threads)`,
      ms(torchMlp),
      sps(torchMlp),
      ms(torchLenet),
      sps(torchLenet),
    ],
    [
      'TensorFlow.js 4.22 wasm backend (1 thread)',
      ms(tfjs?.mlp),
      sps(tfjs?.mlp),
      tfjs?.lenet ? ms(tfjs.lenet) : 'cannot train',
      tfjs?.lenet ? sps(tfjs.lenet) : '',
    ],
  ]);
  console.log('');
  table([
    ['time per step relative to', 'MLP', 'LeNet-5'],
    ['Netloom / PyTorch (target ≤ 2×)', ratio(ourMlp, torchMlp), ratio(ourLenet, torchLenet)],
    ['Netloom / TensorFlow.js (target < 1×)', ratio(ourMlp, tfjs?.mlp), ratio(ourLenet, tfjs?.lenet)],
  ]);
  if (tfjs?.note) console.log(`TensorFlow.js LeNet-5 on wasm: ${tfjs.note}`);
  await forwardOnly(threads);
}

/**
 * Where LeNet-5's gap to PyTorch comes from: the forward pass alone (inference session, batch 64)
 * against torch's, so the step's ratio can be read against the runtime's convolution kernels.
 */
async function forwardOnly(threads: number): Promise<void> {
  const theirs = torchPeer(`
import time, torch, torch.nn as nn
torch.set_num_threads(${threads})
m = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                  nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                  nn.Linear(84, 10)).eval()
x = torch.full((64, 1, 28, 28), 0.1)
ts = []
with torch.no_grad():
    for i in range(61):
        t0 = time.perf_counter(); m(x); ts.append((time.perf_counter() - t0) * 1000)
ts = sorted(ts[10:]); print(ts[len(ts) // 2])
`);
  const { bytes } = exportDocument(loadTemplate('lenet5')!);
  const session = await createSession(bytes, { threads });
  try {
    const x = {
      dtype: 'float32' as const,
      shape: [64, 1, 28, 28],
      data: new Float32Array(64 * 784).fill(0.1),
    };
    const ours = median(await timesMs(() => runSession(session, { image: x }), 51, 10));
    const peer = theirs ? Number(theirs.trim()) : undefined;
    console.log('');
    table([
      ['LeNet-5 forward only, batch 64, median', 'ms', 'vs PyTorch'],
      [
        'onnxruntime-web WASM (inference session)',
        ours.toFixed(2),
        peer ? `${(ours / peer).toFixed(2)}×` : '–',
      ],
      ['PyTorch CPU (eval, no_grad)', peer ? peer.toFixed(2) : '–', peer ? '1.00×' : ''],
    ]);
  } finally {
    await session.release();
  }
}

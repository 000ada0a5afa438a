// Training steps: MLP 784-128-10 and LeNet-5 at batch 64 (SGD, cross-entropy), Netloom's one-graph
// training step on onnxruntime-node's native CPU kernels and on onnxruntime-web's WASM (each in its
// own Node process), next to PyTorch CPU and TensorFlow.js's wasm backend, all measured in this run.
import type { Sequential } from '@tensorflow/tfjs';
import { median, medianMs, table, timesMs, torchPeer } from './stats.ts';
import { exportDocument } from '../src/onnx/from-document.ts';
import { parseTrainingSetup } from '../src/autodiff/training-schema.ts';
import { documentTrainingSetup } from '../src/compile/training-setup.ts';
import { prepareDocumentTraining } from '../src/runtime/document-training.ts';
import { loadOrtRuntime } from '../src/runtime/ort-runtime.ts';
import { objectiveStepGraph } from '../src/runtime/train-loop.ts';
import { createSession, runSession } from '../src/runtime/ort-session.ts';
import { loadTemplate } from '../src/templates/catalogue.ts';
import { batch, lenet } from './models.ts';
import { stepTimesIn } from './step-time.ts';

const steps = 200;
const rounds = Number(process.env['NETLOOM_BENCH_ROUNDS'] ?? 3);
/** NETLOOM_BENCH_ONLY=gpt-mini or ddpm-mnist: only that model's row (minutes less on a busy machine). */
const only = process.env['NETLOOM_BENCH_ONLY'];

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

/**
 * What the session sees: the step graph's op count beside the forward pass's, and the ops of the
 * gradients issue 13 tracks (the max-pool gradient's Resize / ScatterElements; the convolution
 * gradients' Conv / ConvTranspose, and the Gather + Gemm of the gathered-window weight gradient
 * with its Transposes).
 */
function stepGraphOps(): void {
  const rows = [
    [
      'model (batch 64, SGD)',
      'forward ops',
      'step ops',
      'MaxPool',
      'Resize',
      'ScatterElements',
      'Conv',
      'ConvTranspose',
      'Gather',
      'Gemm',
      'Transpose',
    ],
  ];
  const sgd = { name: 'sgd' as const };
  for (const [name, doc] of [
    ["LeNet-5 (as PyTorch's, below)", lenet],
    ['ResNet-20 template', loadTemplate('resnet20')!],
    ['ResNet-18 template', loadTemplate('resnet18')!],
    ['ddpm-mnist U-Net template', loadTemplate('ddpm-mnist')!],
  ] as const) {
    const setup =
      doc === lenet
        ? parseTrainingSetup({ objectives: [{ loss: { kind: 'cross-entropy', output: 'output' } }] })
        : documentTrainingSetup(doc);
    const o = prepareDocumentTraining(doc, setup, { batchSize: batch, optimizer: sgd }).objectives[0]!;
    const ops = objectiveStepGraph(o).graph.ops;
    const count = (type: string): string => String(ops.filter((op) => op.type === type).length);
    rows.push([
      name,
      String(o.model.graph.ops.length),
      String(ops.length),
      count('MaxPool'),
      count('Resize'),
      count('ScatterElements'),
      count('Conv'),
      count('ConvTranspose'),
      count('Gather'),
      count('Gemm'),
      count('Transpose'),
    ]);
  }
  table(rows);
  console.log('');
}

export async function run(): Promise<void> {
  stepGraphOps();
  // One thread on every side by default: on a shared machine a second thread spin-waits more
  // than it helps (NETLOOM_BENCH_THREADS=2 measures two).
  const threads = Number(process.env['NETLOOM_BENCH_THREADS'] ?? 1);
  if (only === 'gpt-mini') return gptMiniStep(threads);
  if (only === 'ddpm-mnist' || only === 'unet') return ddpmStep(threads);
  const sides = ['torch', 'native', 'wasm'] as const;
  const ms: Record<(typeof sides)[number], { mlp: number[]; lenet: number[] }> = {
    torch: { mlp: [], lenet: [] },
    native: { mlp: [], lenet: [] },
    wasm: { mlp: [], lenet: [] },
  };
  let nativeName = '';
  // Blocks in rounds, every side once per round (in turn first), so a busier stretch of a shared
  // machine falls on all of them; each side runs in its own process.
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(k + r) % sides.length]!;
      if (side === 'torch') {
        const out = torchPeer(torchScript(threads));
        if (!out) continue;
        const [a, b] = out.trim().split(' ').map(Number);
        ms.torch.mlp.push(a!);
        ms.torch.lenet.push(b!);
        continue;
      }
      const ort = side === 'native' ? 'node' : 'web';
      // The CPU rows stay on the CPU where onnxruntime-node could run CUDA (cudaRows times that).
      const backend = side === 'native' ? 'cpu' : 'wasm';
      const mlpRun = stepTimesIn(ort, 'mlp', 'sgd', threads, steps, backend);
      const lenetRun = stepTimesIn(ort, 'lenet', 'sgd', threads, steps, backend);
      if (side === 'native') nativeName = `${mlpRun.runtime} ${mlpRun.backend}`;
      ms[side].mlp.push(median(mlpRun.ms));
      ms[side].lenet.push(median(lenetRun.ms));
    }
  }
  let tfjs: Awaited<ReturnType<typeof tfjsMs>> | undefined;
  try {
    tfjs = await tfjsMs();
  } catch (e) {
    console.log(`(TensorFlow.js peer skipped: ${(e as Error).message.split('\n')[0]})`);
  }
  const spread = (xs: readonly number[]): string =>
    xs.length
      ? `${Math.min(...xs).toFixed(2)} / ${median(xs).toFixed(2)} / ${Math.max(...xs).toFixed(2)}`
      : '–';
  const ratios = (a: readonly number[], b: readonly number[]): number[] =>
    a.map((v, i) => v / b[i]!).filter((v) => Number.isFinite(v));
  console.log(
    `training step, batch ${batch}, SGD + cross-entropy, ${threads} thread(s), ${steps} steps; ms: min / median / max over ${rounds} rounds of each side's median`,
  );
  table([
    ['side', 'MLP 784-128-10 ms', 'LeNet-5 ms'],
    [
      `Netloom step graph, ${nativeName || 'onnxruntime-node (not installed)'}`,
      spread(ms.native.mlp),
      spread(ms.native.lenet),
    ],
    ['Netloom step graph, onnxruntime-web WASM (Node)', spread(ms.wasm.mlp), spread(ms.wasm.lenet)],
    [`PyTorch CPU (python3-torch 1.13)`, spread(ms.torch.mlp), spread(ms.torch.lenet)],
    [
      'TensorFlow.js 4.22 wasm backend (once)',
      tfjs?.mlp ? tfjs.mlp.toFixed(2) : '–',
      tfjs?.lenet ? tfjs.lenet.toFixed(2) : 'cannot train',
    ],
  ]);
  console.log('');
  table([
    ['time per step, ratio per round (min / median / max)', 'MLP', 'LeNet-5', 'target'],
    [
      'native / PyTorch CPU',
      spread(ratios(ms.native.mlp, ms.torch.mlp)),
      spread(ratios(ms.native.lenet, ms.torch.lenet)),
      '≤ 1.0×',
    ],
    [
      'WASM (Node) / PyTorch CPU',
      spread(ratios(ms.wasm.mlp, ms.torch.mlp)),
      spread(ratios(ms.wasm.lenet, ms.torch.lenet)),
      '',
    ],
    [
      'WASM (Node) / native',
      spread(ratios(ms.wasm.mlp, ms.native.mlp)),
      spread(ratios(ms.wasm.lenet, ms.native.lenet)),
      '',
    ],
  ]);
  if (tfjs?.note) console.log(`TensorFlow.js LeNet-5 on wasm: ${tfjs.note}`);
  await forwardOnly(threads);
  gptMiniStep(threads);
  ddpmStep(threads);
  cudaRows();
}

/** The CIFAR-10 ResNet-20 (He et al. §4.2, option-A shortcuts), as the resnet20 template builds it. */
const torchResnet20 = `
import torch.nn.functional as F
class Block(nn.Module):
    def __init__(s, i, o, stride):
        super().__init__()
        s.c1 = nn.Conv2d(i, o, 3, stride, 1, bias=False); s.b1 = nn.BatchNorm2d(o)
        s.c2 = nn.Conv2d(o, o, 3, 1, 1, bias=False); s.b2 = nn.BatchNorm2d(o); s.pad = o - i
    def forward(s, x):
        y = s.b2(s.c2(F.relu(s.b1(s.c1(x)))))
        sc = x if s.pad == 0 else F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, s.pad // 2, s.pad // 2))
        return F.relu(y + sc)
def resnet20():
    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    for i, o, stride in ((16, 16, 1), (16, 32, 2), (32, 64, 2)):
        layers += [Block(i, o, stride), Block(o, o, 1), Block(o, o, 1)]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
`;

/**
 * LeNet-5 and ResNet-20 steps (batch 64, SGD) on onnxruntime-node's CUDA provider against PyTorch
 * CUDA, where the machine has CUDA; each side says why it did not run otherwise.
 */
function cudaRows(): void {
  const cudaSteps = 100;
  const theirs = torchPeer(`
import torch, time
nn = torch.nn
${torchResnet20}
if not torch.cuda.is_available():
    print('no CUDA in torch'); raise SystemExit
def med(m, shape):
    m = m.cuda(); opt = torch.optim.SGD(m.parameters(), lr=0.01)
    x = torch.rand(${batch}, *shape, device='cuda'); y = torch.randint(0, 10, (${batch},), device='cuda')
    ts = []
    for i in range(${cudaSteps + 20}):
        torch.cuda.synchronize(); t = time.perf_counter()
        opt.zero_grad(); nn.functional.cross_entropy(m(x), y).backward(); opt.step()
        torch.cuda.synchronize(); ts.append(time.perf_counter() - t)
    ts = sorted(ts[20:]); return ts[len(ts) // 2] * 1000
lenet = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
    nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
print(med(lenet, (1, 28, 28)), med(resnet20(), (3, 32, 32)))
`)?.trim();
  const peer = theirs?.split(' ').map(Number);
  const torchCuda = peer?.length === 2 && peer.every(Number.isFinite) ? peer : undefined;
  const ours = (model: 'lenet' | 'resnet20'): number | string => {
    try {
      return median(stepTimesIn('node', model, 'sgd', 1, cudaSteps, 'cuda').ms);
    } catch (e) {
      const why = (e as Error).message.split('\n').find((l) => l.includes('backend is not available'));
      return why ? 'not run: no CUDA' : `not run: ${(e as Error).message.split('\n')[0]}`;
    }
  };
  const lenetMs = ours('lenet');
  const resnetMs = lenetMs === 'not run: no CUDA' ? lenetMs : ours('resnet20');
  const cell = (v: number | string | undefined, why: string): string =>
    typeof v === 'number' ? v.toFixed(2) : (v ?? why);
  const ratio = (a: number | string, b: number | undefined): string =>
    typeof a === 'number' && b ? `${(a / b).toFixed(2)}×` : '–';
  const torchWhy = theirs === 'no CUDA in torch' ? 'not run: no CUDA' : 'not run: no PyTorch';
  console.log('');
  console.log(`CUDA training step, batch ${batch}, SGD + cross-entropy, median of ${cudaSteps}`);
  table([
    ['side', 'LeNet-5 ms', 'ResNet-20 ms'],
    ['Netloom step graph, onnxruntime-node CUDA', cell(lenetMs, ''), cell(resnetMs, '')],
    ['PyTorch CUDA', cell(torchCuda?.[0], torchWhy), cell(torchCuda?.[1], torchWhy)],
    ['onnxruntime-node CUDA / PyTorch CUDA', ratio(lenetMs, torchCuda?.[0]), ratio(resnetMs, torchCuda?.[1])],
  ]);
}

/**
 * GPT-mini's training step (the template: 2 causal pre-norm blocks, context 64, Adam, batch 64)
 * against the same model written in torch (test/tools/reference_generative.py's GPTMini).
 */
function gptMiniStep(threads: number): void {
  const gptSteps = Number(process.env['NETLOOM_BENCH_GPT_STEPS'] ?? 30);
  const theirs = torchPeer(`
import sys, time, torch
sys.path.insert(0, ${JSON.stringify(new URL('../test/tools', import.meta.url).pathname)})
from reference_generative import GPTMini
torch.set_num_threads(${threads})
m = GPTMini(); opt = torch.optim.Adam(m.parameters(), lr=3e-3)
x = torch.arange(${batch} * 64).reshape(${batch}, 64) % 10; y = (x + 1) % 10
ts = []
for i in range(${gptSteps + 5}):
    t = time.perf_counter()
    opt.zero_grad(); torch.nn.functional.cross_entropy(m(x).transpose(1, 2), y).backward(); opt.step()
    ts.append(time.perf_counter() - t)
ts = sorted(ts[5:]); print(ts[len(ts) // 2] * 1000)
`);
  const native = median(stepTimesIn('node', 'gpt-mini', 'adam', threads, gptSteps, 'cpu').ms);
  const wasm = median(stepTimesIn('web', 'gpt-mini', 'adam', threads, gptSteps).ms);
  const peer = theirs ? Number(theirs.trim()) : undefined;
  console.log('');
  console.log(
    `GPT-mini training step (116,480 parameters, context 64), batch ${batch}, Adam, ${threads} thread(s), median of ${gptSteps}`,
  );
  table([
    ['side', 'ms / step', '/ PyTorch CPU'],
    [
      'Netloom step graph, onnxruntime-node',
      native.toFixed(1),
      peer ? `${(native / peer).toFixed(2)}×` : '–',
    ],
    [
      'Netloom step graph, onnxruntime-web WASM (Node)',
      wasm.toFixed(1),
      peer ? `${(wasm / peer).toFixed(2)}×` : '–',
    ],
    ['PyTorch CPU (python3-torch 1.13)', peer ? peer.toFixed(1) : '–', peer ? '1.00×' : '–'],
  ]);
}

/**
 * The ddpm-mnist template's U-Net training step (MSE on the noise ε, Adam, batch 64) against
 * test/tools/reference_diffusion.py's UNet. Both sides noise one batch of the same 64 images
 * (sin² of the pixel index) once, as the trainer does (t uniform over the 200 steps, x_t =
 * √ᾱ_t·x₀ + √(1−ᾱ_t)·ε), and time steps on that batch.
 */
function ddpmStep(threads: number): void {
  const ddpmSteps = Number(process.env['NETLOOM_BENCH_DDPM_STEPS'] ?? 20);
  const theirs = torchPeer(`
import sys, time, torch
sys.path.insert(0, ${JSON.stringify(new URL('../test/tools', import.meta.url).pathname)})
from reference_diffusion import UNet
torch.set_num_threads(${threads}); torch.manual_seed(0)
m = UNet(); opt = torch.optim.Adam(m.parameters(), lr=2e-3)
betas = torch.linspace(5e-4, 0.1, 200); abar = torch.cumprod(1 - betas, 0)
x0 = torch.sin(torch.arange(${batch} * 784, dtype=torch.float32)).pow(2).reshape(${batch}, 1, 28, 28) * 2 - 1
t = torch.randint(0, 200, (${batch},)); eps = torch.randn(${batch}, 1, 28, 28)
a = abar[t][:, None, None, None]; xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
ts = []
for i in range(${ddpmSteps + 5}):
    s = time.perf_counter()
    opt.zero_grad(); torch.nn.functional.mse_loss(m(xt, t.float()), eps).backward(); opt.step()
    ts.append(time.perf_counter() - s)
ts = sorted(ts[5:]); print(ts[len(ts) // 2] * 1000)
`);
  const native = median(stepTimesIn('node', 'ddpm-mnist', 'adam', threads, ddpmSteps, 'cpu').ms);
  const wasm = median(stepTimesIn('web', 'ddpm-mnist', 'adam', threads, ddpmSteps).ms);
  const peer = theirs ? Number(theirs.trim()) : undefined;
  const vs = (v: number): string => (peer ? `${(v / peer).toFixed(2)}×` : '–');
  console.log('');
  console.log(
    `DDPM U-Net training step (ddpm-mnist, 108,881 parameters, 28×28), batch ${batch}, Adam, MSE on ε, ${threads} thread(s), median of ${ddpmSteps}`,
  );
  table([
    ['side', 'ms / step', '/ PyTorch CPU'],
    ['Netloom step graph, onnxruntime-node', native.toFixed(1), vs(native)],
    ['Netloom step graph, onnxruntime-web WASM (Node)', wasm.toFixed(1), vs(wasm)],
    ['PyTorch CPU (python3-torch 1.13)', peer ? peer.toFixed(1) : '–', peer ? '1.00×' : '–'],
  ]);
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
        `${(await loadOrtRuntime()).name} (inference session)`,
        ours.toFixed(2),
        peer ? `${(ours / peer).toFixed(2)}×` : '–',
      ],
      ['PyTorch CPU (eval, no_grad)', peer ? peer.toFixed(2) : '–', peer ? '1.00×' : ''],
    ]);
  } finally {
    await session.release();
  }
}

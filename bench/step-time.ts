// One side of a training-step comparison, run in its own process (one onnxruntime per process:
// NETLOOM_ORT=web gives onnxruntime-web's WASM in Node, NETLOOM_ORT=node the native CPU runtime).
//   tsx bench/step-time.ts <mlp|lenet|lenet5-template|gpt-mini|resnet20|ddpm-mnist> <sgd|adam> <threads> <steps> [backend]
// prints one JSON line: { runtime, backend, threads, ms: [step times after a warm-up that lasts
// until the step time stops falling] }.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseTrainingSetup } from '../src/autodiff/training-schema.ts';
import type { PreparedTraining } from '../src/runtime/document-training.ts';
import { preparedStepRunner, prepareDocumentTraining } from '../src/runtime/document-training.ts';
import type { Backend } from '../src/runtime/ort-runtime.ts';
import { backendNames, defaultBackend, loadOrtRuntime } from '../src/runtime/ort-runtime.ts';
import type { HostTensor } from '../src/runtime/tensors.ts';
import { Rng } from '../src/util/random.ts';
import { numel } from '../src/ir/types.ts';
import { median, timesMs } from './stats.ts';
import type { ModelName } from './models.ts';
import { batch, benchModel } from './models.ts';

export interface StepTimes {
  readonly runtime: string;
  readonly backend: string;
  readonly threads: number;
  readonly ms: number[];
}

export async function stepTimes(
  model: ModelName,
  optimizer: 'sgd' | 'adam',
  threads: number,
  steps: number,
  backend?: Backend,
): Promise<StepTimes> {
  const r = await loadOrtRuntime();
  const { doc, own } = benchModel(model);
  const setup = own
    ? parseTrainingSetup(doc.training)
    : parseTrainingSetup({
        objectives: [
          { loss: { kind: 'cross-entropy', output: 'output' }, optimizer: { name: optimizer, lr: 0.01 } },
        ],
      });
  const p = prepareDocumentTraining(doc, setup, { batchSize: batch, optimizer: { name: optimizer } });
  const { step, store, runner } = await preparedStepRunner(p, { threads, ...(backend ? { backend } : {}) });
  // Every batched graph input: the data (floats) and the class targets (int64).
  const feeds: Record<string, HostTensor> = diffusionBenchFeeds(p) ?? {};
  for (const i of step.graph.inputs) {
    if (feeds[i.name]) continue;
    const t = step.graph.values.get(i.value)!;
    if (!i.batched) continue;
    const n = numel(t.shape);
    feeds[i.name] =
      t.dtype === 'int64'
        ? {
            dtype: 'int64',
            shape: t.shape,
            data: BigInt64Array.from({ length: n }, (_, k) => BigInt(k % 10)),
          }
        : {
            dtype: 'float32',
            shape: t.shape,
            data: Float32Array.from({ length: n }, (_, k) => Math.sin(k) ** 2),
          };
  }
  try {
    // Warm up for at least 15 s on WASM (V8 runs onnxruntime-web's WASM on its baseline tier first
    // and moves hot functions up over hundreds of steps: ~750 MLP steps here), then until a block of
    // steps is no faster than the best before it.
    const step = () => runner.run(feeds, 0.01);
    const minWarmMs = r.name === 'onnxruntime-web' ? 15_000 : 0;
    const t0 = performance.now();
    let best = Infinity;
    for (let block = 0; block < 100; block++) {
      const m = median(await timesMs(step, 50, 0));
      if (block >= 1 && m >= best * 0.95 && performance.now() - t0 >= minWarmMs) break;
      best = Math.min(best, m);
    }
    const ms = await timesMs(step, steps, 0);
    return { runtime: r.name, backend: backend ?? defaultBackend(r), threads, ms };
  } finally {
    await runner.release();
    store.dispose();
  }
}

/**
 * A diffusion objective's feeds as its trainer makes them (x_t, t, ε from the same batch of digits):
 * drawn once, so every timed step runs on the same batch, as the PyTorch peer does.
 */
function diffusionBenchFeeds(p: PreparedTraining): Record<string, HostTensor> | undefined {
  const feedsOf = p.objectives[0]?.batchFeeds;
  if (!feedsOf) return undefined;
  const x = Float32Array.from({ length: batch * 784 }, (_, k) => Math.sin(k) ** 2);
  return feedsOf(
    {
      x: { dtype: 'float32', shape: [batch, 1, 28, 28], data: x },
      y: { dtype: 'int64', shape: [batch], data: new BigInt64Array(batch) },
      size: batch,
    },
    new Rng(0),
  );
}

/**
 * stepTimes in a child process on one runtime ('web': onnxruntime-web WASM; 'node': native), on
 * `backend` or the runtime's first (onnxruntime-node puts CUDA first where it runs).
 */
export function stepTimesIn(
  ort: 'web' | 'node',
  model: ModelName,
  optimizer: 'sgd' | 'adam',
  threads: number,
  steps: number,
  backend?: Backend,
): StepTimes {
  const root = join(import.meta.dirname, '..');
  const out = execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/tsx/dist/cli.mjs'),
      join(import.meta.dirname, 'step-time.ts'),
      model,
      optimizer,
      String(threads),
      String(steps),
      ...(backend ? [backend] : []),
    ],
    { encoding: 'utf8', env: { ...process.env, NETLOOM_ORT: ort }, maxBuffer: 16 << 20 },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as StepTimes;
}

if (process.argv[1]?.endsWith('step-time.ts')) {
  const [model, optimizer, threads, steps, backend] = process.argv.slice(2);
  const out = await stepTimes(
    model as ModelName,
    optimizer === 'adam' ? 'adam' : 'sgd',
    Number(threads ?? 1),
    Number(steps ?? 200),
    backendNames.find((b) => b === backend),
  );
  console.log(JSON.stringify(out));
}

// Runs a training-step graph: one InferenceSession created once, weights and optimizer state kept
// as onnxruntime tensors between steps (each step's outputs are fed straight back, never copied
// to JS), only the loss and metric outputs read on the host.
import * as ort from 'onnxruntime-web';
import type { StepGraph } from '../autodiff/step-graph.ts';
import { optimizerScalars } from '../autodiff/optimizers.ts';
import { GraphEditor } from '../autodiff/graph-editor.ts';
import { exportOnnx } from '../onnx/export.ts';
import { NetloomError } from '../util/errors.ts';
import { echo } from '../util/text.ts';
import type { Backend } from './ort-session.ts';
import { configureWasm, fromOrt, toOrt } from './ort-session.ts';
import type { HostTensor } from './tensors.ts';
import { numel } from '../ir/types.ts';

/** Weights and optimizer state by name, shared by every step graph of one model (a GAN has two). */
export class TensorStore {
  readonly tensors = new Map<string, ort.Tensor>();

  static fromWeights(
    weights: ReadonlyMap<string, Float32Array>,
    shapes: ReadonlyMap<string, readonly number[]>,
  ): TensorStore {
    const s = new TensorStore();
    for (const [id, data] of weights) {
      const shape = shapes.get(id);
      if (!shape) continue;
      s.tensors.set(id, new ort.Tensor('float32', Float32Array.from(data), [...shape]));
    }
    return s;
  }

  set(name: string, t: ort.Tensor): void {
    const old = this.tensors.get(name);
    if (old && old !== t) old.dispose();
    this.tensors.set(name, t);
  }

  /** Copies every float tensor back to the host (at the end of training, or for a checkpoint). */
  async read(names?: readonly string[]): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [k, t] of this.tensors) {
      if (names && !names.includes(k)) continue;
      const data = await t.getData();
      out.set(k, Float32Array.from(data as Float32Array));
    }
    return out;
  }

  dispose(): void {
    for (const t of this.tensors.values()) t.dispose();
    this.tensors.clear();
  }
}

export interface StepRunnerOptions {
  readonly backend?: Backend;
  readonly threads?: number;
}

export interface StepResult {
  readonly step: number;
  readonly loss: number;
  /** The step graph's extra outputs (predictions), copied to the host. */
  readonly outputs: Record<string, HostTensor>;
}

export class NonFiniteError extends NetloomError {
  readonly step: number;
  readonly tensor: string;
  constructor(step: number, tensor: string, what: string) {
    super(
      'runtime',
      `Training stopped at step ${step}: ${tensor} ${what}. Lower the learning rate, clip gradients, or check the data for NaN.`,
    );
    this.step = step;
    this.tensor = tensor;
  }
}

/**
 * Throws NonFiniteError naming the first weight (in the model's order) that holds NaN or ±Inf: an
 * update that overflowed (`--lr 1e39`) must stop the run there, not be written out as a model.
 */
export function assertFiniteWeights(
  values: ReadonlyMap<string, Float32Array>,
  weights: readonly { id: string; node: string }[],
  step: number,
): void {
  for (const w of weights) {
    const data = values.get(w.id);
    if (!data) continue;
    const i = firstBad(data);
    if (i >= 0) {
      throw new NonFiniteError(
        step,
        `weight "${echo(w.id)}" of node "${echo(w.node)}"`,
        `is ${data[i]} after the update (element ${i})`,
      );
    }
  }
}

/** The step graph as ONNX bytes, as onnxruntime loads it. */
export function serializeStepGraph(step: StepGraph): Uint8Array {
  return exportOnnx(step.graph, new Map(), { includeLoss: true, name: 'netloom-train-step' });
}

function firstBad(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return i;
  return -1;
}

export class StepRunner {
  /** Steps taken (the optimizer's t). */
  t = 0;
  private constructor(
    readonly step: StepGraph,
    readonly store: TensorStore,
    private readonly session: ort.InferenceSession,
  ) {}

  static async create(
    step: StepGraph,
    store: TensorStore,
    opts: StepRunnerOptions = {},
  ): Promise<StepRunner> {
    if (opts.threads !== undefined) configureWasm(opts.threads);
    const backend = opts.backend ?? 'wasm';
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(serializeStepGraph(step), {
        executionProviders: [backend],
        graphOptimizationLevel: 'all',
        // On WebGPU the new weights stay in GPU buffers and are fed back from there.
        ...(backend === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
      });
    } catch (e) {
      throw new NetloomError(
        'runtime',
        `onnxruntime could not load the training step: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    for (const s of step.optimizerState) {
      if (!store.tensors.has(s.name)) {
        const n = numel(s.shape);
        store.set(s.name, new ort.Tensor('float32', new Float32Array(n).fill(s.init), [...s.shape]));
      }
    }
    return new StepRunner(step, store, session);
  }

  /** One optimizer step on a batch; `lr` is this step's learning rate (schedules are computed by the caller). */
  async run(batch: Readonly<Record<string, HostTensor>>, lr: number): Promise<StepResult> {
    const t = this.t + 1;
    const feeds: Record<string, ort.Tensor> = {};
    const scalars = optimizerScalars(this.step.optimizer, t, lr);
    for (const name of this.session.inputNames) {
      const fromStore = this.store.tensors.get(name);
      if (fromStore) feeds[name] = fromStore;
      else if (name in batch) {
        feeds[name] = toOrt(batch[name]!);
      } else if (name in scalars)
        feeds[name] = new ort.Tensor('float32', Float32Array.of(scalars[name]!), []);
      else throw new NetloomError('runtime', `The training step needs an input "${name}" that was not given`);
    }
    const result = await this.session.run(feeds);
    const lossT = result[this.step.lossOutput]!;
    const loss = Number((await lossT.getData())[0]);
    const outputs: Record<string, HostTensor> = {};
    for (const name of this.step.extraOutputs) outputs[name] = fromOrt(await downloaded(result[name]!));
    if (!Number.isFinite(loss)) {
      for (const v of Object.values(result)) v.dispose();
      const bad = await this.firstNonFinite(feeds);
      throw new NonFiniteError(t, bad ?? 'the loss', bad ? 'is not finite' : `is ${loss}`);
    }
    for (const c of this.step.carried) {
      const next = result[c.next];
      if (next) this.store.set(c.input, next);
    }
    lossT.dispose();
    this.t = t;
    return { step: t, loss, outputs };
  }

  /**
   * Re-runs the failed step with every intermediate value as an output and names the first one,
   * in graph order, that holds NaN or ±Inf: the op that produced it and the node it belongs to.
   */
  private async firstNonFinite(feeds: Record<string, ort.Tensor>): Promise<string | undefined> {
    for (const [name, t] of Object.entries(feeds)) {
      if (t.type !== 'float32') continue;
      const i = firstBad((await t.getData()) as Float32Array);
      if (i >= 0) return `input "${name}" (element ${i})`;
    }
    const g = new GraphEditor(this.step.graph, 'debug');
    g.outputs = [];
    const watched: { name: string; what: string }[] = [];
    for (const op of this.step.graph.ops) {
      op.outputs.forEach((o, k) => {
        if (g.type(o).dtype !== 'float32') return;
        const name = `debug::${watched.length}`;
        g.expose(o, name);
        const out = op.outputs.length > 1 ? ` output ${k}` : '';
        watched.push({ name, what: `the ${op.type}${out} of node "${op.node}" (${o})` });
      });
    }
    let session: ort.InferenceSession | undefined;
    try {
      session = await ort.InferenceSession.create(exportOnnx(g.build(), new Map(), { includeLoss: true }), {
        executionProviders: ['wasm'],
      });
      const inputs: Record<string, ort.Tensor> = {};
      for (const n of session.inputNames) {
        const t = feeds[n];
        if (t) inputs[n] = await downloaded(t);
      }
      const r = await session.run(inputs);
      for (const w of watched) {
        const v = r[w.name];
        if (!v) continue;
        const i = firstBad((await v.getData()) as Float32Array);
        if (i >= 0) return `${w.what}, element ${i},`;
      }
      return undefined;
    } catch {
      // The diagnosis is best effort: the step's own error message still stands.
      return undefined;
    } finally {
      await session?.release();
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

async function downloaded(t: ort.Tensor): Promise<ort.Tensor> {
  if (t.location === 'cpu') return t;
  const data = await t.getData(true);
  return new ort.Tensor(t.type as 'float32', data as Float32Array, t.dims);
}

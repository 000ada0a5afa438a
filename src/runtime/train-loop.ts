// The training loop: step sessions created once, batches fed, weights and optimizer state kept as
// onnxruntime tensors between steps, loss and accuracy reported per step and per epoch, a held-out
// split evaluated, pause/resume/stop, a clear stop on NaN/Inf. Runs in Node and in a Web Worker.
import type { Graph, Weight } from '../ir/types.ts';
import type { StateUpdate } from '../ir/builder.ts';
import { GraphEditor } from '../autodiff/graph-editor.ts';
import type { OptimizerConfig } from '../autodiff/optimizers.ts';
import { buildStepGraph } from '../autodiff/step-graph.ts';
import type { StepGraph } from '../autodiff/step-graph.ts';
import { exportOnnx } from '../onnx/export.ts';
import { NetloomError } from '../util/errors.ts';
import { echo } from '../util/text.ts';
import { Rng } from '../util/random.ts';
import type { Batch, Dataset } from './datasets/dataset.ts';
import { batchOf, epochBatches } from './datasets/dataset.ts';
import { Mean, correctCount } from './metrics.ts';
import type { Backend, OrtSession, OrtTensor } from './ort-runtime.ts';
import { createSession, fromOrt, toOrt } from './ort-session.ts';
import type { Schedule } from '../autodiff/schedules.ts';
import { lrAt } from '../autodiff/schedules.ts';
import { assertFiniteWeights, StepRunner, TensorStore } from './step-runner.ts';
import type { HostTensor } from './tensors.ts';
import type { EpochReport, StepReport } from './worker-protocol.ts';
import { numel } from '../ir/types.ts';
import type { WeightAverageSetup } from '../autodiff/training-schema.ts';
import { WeightAverage } from './weight-average.ts';

/** A model with its loss, as one graph (training-mode for steps, inference-mode for evaluation). */
export interface ModelGraph {
  readonly graph: Graph & { readonly stateUpdates?: readonly StateUpdate[] };
  readonly loss: string;
  /** Logits or probabilities compared with the targets for accuracy (classification). */
  readonly prediction?: string;
  /** Graph input fed the batch's features. */
  readonly features: string;
  /** Graph input fed the batch's targets. */
  readonly targets?: string;
}

export interface TrainerObjective {
  readonly name: string;
  readonly model: ModelGraph;
  /** Weight ids this objective updates. */
  readonly params: readonly string[];
  readonly optimizer: OptimizerConfig;
  /** Extra per-step inputs (e.g. a GAN's noise), by graph input name. */
  readonly extraFeeds?: (batchSize: number, rng: Rng) => Record<string, HostTensor>;
  /**
   * Feeds formed from each batch in place of features ← x and targets ← y: a diffusion objective
   * noises the images itself (x_t, t, and ε as the target).
   */
  readonly batchFeeds?: BatchFeeds;
}

export type BatchFeeds = (b: Batch, rng: Rng) => Record<string, HostTensor>;

export interface TrainOptions {
  readonly objectives: readonly TrainerObjective[];
  /** Inference-mode model for validation (its graph must accept any batch size). */
  readonly evalModel?: ModelGraph;
  /** Noise for evaluation-graph inputs that are neither data nor weights (RandomNormal). */
  readonly evalFeeds?: (batch: number, rng: Rng) => Record<string, HostTensor>;
  /** The evaluation's feeds from each batch (a diffusion objective's), as the first objective's. */
  readonly evalBatchFeeds?: BatchFeeds;
  readonly train: Dataset;
  readonly val?: Dataset;
  readonly batchSize: number;
  readonly epochs?: number;
  /** Stop after this many steps (of the first objective) instead of whole epochs. */
  readonly steps?: number;
  readonly seed?: number;
  readonly schedule?: Schedule;
  /**
   * Keep an exponential moving average of the weights after every step: then the average is what
   * validation measures, what afterEpoch reads and what the run returns.
   */
  readonly ema?: WeightAverageSetup;
  /** Changes each training batch before its step (image augmentation); validation is left alone. */
  readonly augment?: (b: Batch, rng: Rng) => Batch;
  /** Every weight of the model with its starting values. */
  readonly weights: readonly Weight[];
  readonly initial: ReadonlyMap<string, Float32Array>;
  readonly backend?: Backend;
  readonly threads?: number;
  readonly control?: TrainingControl;
  readonly onStep?: (r: StepReport) => void;
  readonly onEpoch?: (r: EpochReport) => void;
  /**
   * Awaited after each epoch with a reader of the current weights, so a caller can draw from the
   * model mid-run (a decision boundary, samples) without restarting training and its optimizer state.
   */
  readonly afterEpoch?: (
    r: EpochReport,
    readWeights: () => Promise<Map<string, Float32Array>>,
  ) => Promise<void> | void;
  /**
   * Awaited after a step that `control.stepOnce` let through (the Train panel's Step button), so the
   * picture follows each Step as it follows each epoch.
   */
  readonly afterStepOnce?: (readWeights: () => Promise<Map<string, Float32Array>>) => Promise<void> | void;
}

export interface TrainResult {
  readonly epochs: readonly EpochReport[];
  readonly weights: Map<string, Float32Array>;
  readonly steps: number;
  readonly stopped: boolean;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Pause, resume and stop from outside the loop (a UI button, a worker message). */
export class TrainingControl {
  private paused: { promise: Promise<void>; resolve: () => void } | undefined;
  stopped = false;
  pause(): void {
    if (this.paused) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.paused = { promise, resolve };
  }
  resume(): void {
    this.allowed = 0;
    this.paused?.resolve();
    this.paused = undefined;
  }
  stop(): void {
    this.stopped = true;
    this.resume();
  }
  get isPaused(): boolean {
    return this.paused !== undefined;
  }
  /** True during a step that `stepOnce` let through. */
  stepping = false;
  /** Steps `stepOnce` allowed that the loop has not taken yet. */
  private allowed = 0;
  /** While paused: one batch (every objective's step), then paused again. */
  stepOnce(): void {
    const p = this.paused;
    if (!p) return;
    this.allowed++;
    // Still paused (a fresh promise); the loop wakes, takes the allowed step, and waits again.
    this.paused = undefined;
    this.pause();
    p.resolve();
  }
  private lastYield = 0;
  /**
   * Between steps: lets queued events run (a worker's "stop" message is a task, and a step that
   * resolves through microtasks alone would never let it in), then waits while paused.
   */
  async waitIfPaused(): Promise<void> {
    const t = now();
    if (t - this.lastYield > 25) {
      this.lastYield = t;
      await yieldToTasks();
    }
    this.stepping = false;
    while (this.paused) {
      if (this.allowed > 0) {
        this.allowed--;
        this.stepping = true;
        return;
      }
      await this.paused.promise;
    }
  }
}

/** A macrotask turn without setTimeout's 4 ms clamp, where MessageChannel exists (browsers, Node). */
function yieldToTasks(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/** The evaluation graph: the inference-mode model with its weights as inputs, loss and prediction out. */
export function buildEvalGraph(model: ModelGraph): Uint8Array {
  const g = new GraphEditor(model.graph, 'eval');
  for (const w of g.weights) g.inputs.push({ value: w.id, name: w.id, node: w.node, batched: false });
  g.weights = [];
  g.outputs = [];
  g.expose(model.loss, 'loss');
  // As a model output its batch axis is exported symbolic, so any batch size can be fed.
  if (model.prediction) g.expose(model.prediction, 'prediction', 'output');
  return exportOnnx(g.build(), new Map(), { includeLoss: true, name: 'netloom-eval' });
}

/** Loss and accuracy over a dataset, in batches, with the store's current weights. */
export async function evaluate(
  session: OrtSession,
  store: TensorStore,
  model: ModelGraph,
  data: Dataset,
  batchSize: number,
  extraFeeds?: (batch: number, rng: Rng) => Record<string, HostTensor>,
  batchFeeds?: BatchFeeds,
): Promise<{ loss: number; accuracy?: number }> {
  const loss = new Mean();
  let correct = 0;
  // Fixed noise per run, so validation losses of a model with a noise input compare across epochs.
  const rng = new Rng(0x5eed);
  for (const idx of epochBatches(data.size, batchSize, undefined, false)) {
    const b = batchOf(data, idx);
    const feeds: Record<string, OrtTensor> = {};
    const extra = { ...(extraFeeds?.(b.size, rng) ?? {}), ...(batchFeeds?.(b, rng) ?? {}) };
    for (const name of session.inputNames) {
      const t = store.tensors.get(name);
      if (t) feeds[name] = t;
      else if (extra[name]) feeds[name] = toOrt(extra[name]);
      else if (name === model.features) feeds[name] = toOrt(b.x);
      else if (name === model.targets) feeds[name] = toOrt(b.y);
      else
        throw new NetloomError(
          'runtime',
          `Evaluation needs an input "${name}" that the dataset does not give`,
        );
    }
    const r = await session.run(feeds);
    loss.add(Number((await r['loss']!.getData())[0]), b.size);
    if (r['prediction'] && data.task === 'classification') {
      correct += correctCount(fromOrt(r['prediction']), b.y);
    }
    for (const v of Object.values(r)) v.dispose();
  }
  const inner = numel(data.targetShape);
  return {
    loss: loss.value,
    ...(model.prediction && data.task === 'classification'
      ? { accuracy: correct / (data.size * inner) }
      : {}),
  };
}

export function feedsFor(o: TrainerObjective, b: Batch, rng: Rng): Record<string, HostTensor> {
  if (o.batchFeeds) return { ...o.batchFeeds(b, rng), ...(o.extraFeeds?.(b.size, rng) ?? {}) };
  const feeds: Record<string, HostTensor> = { [o.model.features]: b.x };
  if (o.model.targets) feeds[o.model.targets] = b.y;
  return { ...feeds, ...(o.extraFeeds?.(b.size, rng) ?? {}) };
}

/** One objective's step graph: forward, loss, backward and optimizer update (and its prediction). */
export function objectiveStepGraph(o: TrainerObjective, index = 0): StepGraph {
  return buildStepGraph({
    forward: o.model.graph,
    loss: o.model.loss,
    params: o.params,
    optimizer: o.optimizer,
    extraOutputs: o.model.prediction ? { prediction: o.model.prediction } : {},
    // Objectives share one weight store; each keeps its own optimizer state.
    stateName: `opt${index}`,
  });
}

/**
 * Class labels must be classes of the model: a label past the prediction's class axis would train
 * against an all-zero target and report nonsense (10 labels into a 2-output model: "acc 5 %").
 * Throws naming the first example (a CSV's row and column) whose label does not fit.
 */
export function checkLabels(data: Dataset, model: ModelGraph): void {
  if (data.task !== 'classification' || !model.prediction || !model.targets) return;
  const pred = model.graph.values.get(model.prediction);
  const target = model.graph.values.get(model.targets);
  if (!pred || !target || target.dtype !== 'int64' || pred.shape.length < 2) return;
  const classes = pred.shape[1]!;
  const inner = data.targetShape.reduce((p, v) => p * v, 1);
  for (let i = 0; i < data.y.length; i++) {
    const y = data.y[i]!;
    if (Number.isInteger(y) && y >= 0 && y < classes) continue;
    const example = Math.floor(i / inner);
    const label = data.labels?.[y] ?? String(y);
    const where = data.placeOf ? `${data.placeOf(example)}: ` : `example ${example + 1}: `;
    throw new NetloomError(
      'bad-argument',
      `${where}label "${echo(label)}": the data has ${data.classes ?? `at least ${y + 1}`} classes, ` +
        `the model predicts ${classes} — give its last layer ${data.classes ?? y + 1} outputs`,
    );
  }
}

export async function train(opts: TrainOptions): Promise<TrainResult> {
  const seed = opts.seed ?? 0;
  const fed = opts.objectives[0]?.model;
  if (fed) {
    checkLabels(opts.train, fed);
    if (opts.val) checkLabels(opts.val, fed);
  }
  const rng = new Rng(seed);
  // A stream of its own, so turning augmentation on does not change the batch order.
  const augmentRng = new Rng(seed ^ 0xa06);
  const control = opts.control ?? new TrainingControl();
  if (opts.train.size < opts.batchSize) {
    throw new NetloomError(
      'bad-argument',
      `The training set has ${opts.train.size} examples, fewer than one batch of ${opts.batchSize}; lower the batch size`,
    );
  }
  const shapes = new Map(opts.weights.map((w) => [w.id, w.shape]));
  const store = await TensorStore.fromWeights(opts.initial, shapes);
  const steps: StepGraph[] = opts.objectives.map((o, k) => objectiveStepGraph(o, k));
  const runners: StepRunner[] = [];
  let evalSession: OrtSession | undefined;
  const average = opts.ema ? new WeightAverage(opts.ema) : undefined;
  try {
    for (const s of steps)
      runners.push(
        await StepRunner.create(s, store, {
          ...(opts.backend ? { backend: opts.backend } : {}),
          ...(opts.threads ? { threads: opts.threads } : {}),
        }),
      );
    if (opts.evalModel && opts.val) {
      evalSession = await createSession(buildEvalGraph(opts.evalModel), {
        ...(opts.backend ? { backend: opts.backend } : {}),
        ...(opts.threads ? { threads: opts.threads } : {}),
      });
    }
    const perEpoch = Math.floor(opts.train.size / opts.batchSize);
    const totalSteps = opts.steps ?? perEpoch * (opts.epochs ?? 1);
    const epochs: EpochReport[] = [];
    const weightIds = opts.weights.map((w) => w.id);
    let current: Map<string, Float32Array> | undefined;
    let step = 0;
    const started = now();
    for (let epoch = 1; step < totalSteps && !control.stopped; epoch++) {
      const t0 = now();
      const losses = opts.objectives.map(() => new Mean());
      let correct = 0;
      let seen = 0;
      let stepsThisEpoch = 0;
      for (const idx of epochBatches(opts.train.size, opts.batchSize, rng, true)) {
        if (step >= totalSteps) break;
        await control.waitIfPaused();
        if (control.stopped) break;
        const plain = batchOf(opts.train, idx);
        const b = opts.augment ? opts.augment(plain, augmentRng) : plain;
        const lr0 = lrAt(opts.schedule, 1, step, totalSteps);
        for (let k = 0; k < runners.length; k++) {
          const o = opts.objectives[k]!;
          const baseLr = runners[k]!.step.optimizer.lr;
          const lr = baseLr * lr0;
          const r = await runners[k]!.run(feedsFor(o, b, rng), lr);
          losses[k]!.add(r.loss, b.size);
          if (k === 0 && r.outputs['prediction'] && opts.train.task === 'classification') {
            correct += correctCount(r.outputs['prediction'], b.y);
            seen += b.y.data.length;
          }
          opts.onStep?.({
            epoch,
            step: step + 1,
            totalSteps,
            seconds: (now() - started) / 1000,
            objective: o.name,
            loss: r.loss,
            lr,
          });
        }
        step++;
        stepsThisEpoch++;
        if (average) average.update(await store.read(weightIds));
        const readNow = (): Promise<Map<string, Float32Array>> =>
          average ? Promise.resolve(average.read()) : store.read(weightIds);
        if (control.stepping && opts.afterStepOnce) await opts.afterStepOnce(readNow);
      }
      const seconds = (now() - t0) / 1000;
      let val: { loss: number; accuracy?: number } | undefined;
      if (evalSession && opts.evalModel && opts.val) {
        // With an average the held-out loss is the average's: the model the run hands out.
        const averaged =
          average && average.updates > 0 ? await TensorStore.fromWeights(average.read(), shapes) : undefined;
        try {
          val = await evaluate(
            evalSession,
            averaged ?? store,
            opts.evalModel,
            opts.val,
            opts.batchSize,
            opts.evalFeeds,
            opts.evalBatchFeeds,
          );
        } finally {
          averaged?.dispose();
        }
      }
      const report: EpochReport = {
        epoch,
        loss: losses[0]!.value,
        losses: Object.fromEntries(opts.objectives.map((o, k) => [o.name, losses[k]!.value])),
        ...(seen > 0 ? { accuracy: correct / seen } : {}),
        ...(val ? { valLoss: val.loss } : {}),
        ...(val?.accuracy !== undefined ? { valAccuracy: val.accuracy } : {}),
        stepsPerSecond: seconds > 0 ? stepsThisEpoch / seconds : 0,
        steps: stepsThisEpoch,
      };
      // The loss of the next step would catch NaN weights too late for the last step of an epoch
      // (and of the run): every epoch ends with the weights checked, the culprit named.
      current = await store.read(weightIds);
      assertFiniteWeights(current, opts.weights, step);
      if (average && average.updates > 0) current = average.read();
      epochs.push(report);
      opts.onEpoch?.(report);
      const read = current;
      await opts.afterEpoch?.(report, async () => read);
      if (stepsThisEpoch === 0) break;
    }
    const weights =
      current ?? (average && average.updates > 0 ? average.read() : await store.read(weightIds));
    assertFiniteWeights(weights, opts.weights, step);
    return { epochs, weights, steps: step, stopped: control.stopped };
  } finally {
    for (const r of runners) await r.release();
    if (evalSession) await evalSession.release();
    store.dispose();
  }
}

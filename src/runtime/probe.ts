// The measured choice of backend and threads: a few training steps of the real step graph, after a
// warm-up, on one candidate (backend × threads) at a time. A runtime's first steps are slow (the
// session allocates, a browser compiles WASM to its baseline tier first), so the warm-up runs for
// a while before the clock starts; the answer is the median step time of the timed steps.
import { NetloomError } from '../util/errors.ts';
import { Rng } from '../util/random.ts';
import type { Dataset } from './datasets/dataset.ts';
import { batchOf, epochBatches } from './datasets/dataset.ts';
import type { Backend } from './ort-runtime.ts';
import { StepRunner, TensorStore } from './step-runner.ts';
import type { TrainerObjective } from './train-loop.ts';
import { feedsFor, objectiveStepGraph } from './train-loop.ts';
import type { Weight } from '../ir/types.ts';

export interface Candidate {
  readonly backend: Backend;
  readonly threads: number;
}

export interface ProbeOptions {
  readonly objectives: readonly TrainerObjective[];
  readonly weights: readonly Weight[];
  readonly initial: ReadonlyMap<string, Float32Array>;
  readonly train: Dataset;
  readonly batchSize: number;
  readonly candidate: Candidate;
  readonly seed?: number;
  /** Warm up for at least this long and 3 steps (default 1 s), at most 200 steps. */
  readonly warmupMs?: number;
  /** Time at least this long and 5 steps (default 1 s), at most 200 steps. */
  readonly measureMs?: number;
}

export interface ProbeResult extends Candidate {
  /** Median wall time of one training step (all objectives), in milliseconds. */
  readonly msPerStep: number;
  /** Steps timed. */
  readonly steps: number;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function probeTraining(opts: ProbeOptions): Promise<ProbeResult> {
  if (opts.train.size < opts.batchSize) {
    throw new NetloomError(
      'bad-argument',
      `The training set has ${opts.train.size} examples, fewer than one batch of ${opts.batchSize}; lower the batch size`,
    );
  }
  const rng = new Rng(opts.seed ?? 0);
  const store = await TensorStore.fromWeights(
    opts.initial,
    new Map(opts.weights.map((w) => [w.id, w.shape])),
  );
  const runners: StepRunner[] = [];
  const { backend, threads } = opts.candidate;
  try {
    for (const [k, o] of opts.objectives.entries()) {
      runners.push(await StepRunner.create(objectiveStepGraph(o, k), store, { backend, threads }));
    }
    const warmupMs = opts.warmupMs ?? 1000;
    const measureMs = opts.measureMs ?? 1000;
    const times: number[] = [];
    const started = now();
    let timing = false;
    let timingSince = 0;
    let warm = 0;
    const maxSteps = 200;
    for (;;) {
      for (const idx of epochBatches(opts.train.size, opts.batchSize, rng, true)) {
        const b = batchOf(opts.train, idx);
        const t0 = now();
        for (let k = 0; k < runners.length; k++) {
          const o = opts.objectives[k]!;
          await runners[k]!.run(feedsFor(o, b, rng), runners[k]!.step.optimizer.lr);
        }
        const t1 = now();
        if (!timing) {
          warm++;
          if ((warm >= 3 && t1 - started >= warmupMs) || warm >= maxSteps) {
            timing = true;
            timingSince = t1;
          }
          continue;
        }
        times.push(t1 - t0);
        if ((times.length >= 5 && t1 - timingSince >= measureMs) || times.length >= maxSteps) {
          return { backend, threads, msPerStep: median(times), steps: times.length };
        }
      }
    }
  } finally {
    for (const r of runners) await r.release();
    store.dispose();
  }
}

/** The fastest probe; ties (within 3 %) go to the earlier candidate, so the order says what to prefer. */
export function fastest(results: readonly ProbeResult[]): ProbeResult | undefined {
  let best: ProbeResult | undefined;
  for (const r of results) {
    if (!Number.isFinite(r.msPerStep)) continue;
    if (!best || r.msPerStep < best.msPerStep * 0.97) best = r;
  }
  return best;
}

// A search over searchable parameters: the starting point is trained first (the number to beat),
// then a grid or random sweep, or successive halving (many candidates trained briefly, the better
// half trained twice as long, until the survivors train as long as the start did). Candidates
// train `workers` at a time through an evaluate callback (the CLI: a worker thread each;
// the app: a Web Worker each). The
// result names every run it used, the best found against the start, and the Pareto front of
// validation error against parameters and FLOPs.
import type { Candidate, SearchParam } from './search-space.ts';
import { candidateKey, gridCandidates, randomCandidates, sampleGrid } from './search-space.ts';

export type SearchStrategy = 'grid' | 'random' | 'halving';
export const searchStrategies: readonly SearchStrategy[] = ['grid', 'random', 'halving'];

export interface Evaluation {
  readonly candidate: Candidate;
  /** Epochs it was trained for. */
  readonly epochs: number;
  /** Validation error (1 − accuracy) or validation loss: lower is better. Infinity when it failed. */
  readonly score: number;
  readonly params: number;
  readonly flops: number;
  readonly runId: string;
  readonly error?: string;
}

export interface SearchPlan {
  readonly strategy: SearchStrategy;
  /** Training runs in all, the start's included. */
  readonly budget: number;
  /** Epochs of a full run (the start's, and the last rung's). */
  readonly epochs: number;
  readonly seed: number;
  /** Values a range is cut into for a grid. */
  readonly gridPoints?: number;
  /** When given, "best" is the smallest network (fewest parameters) whose error is at most this. */
  readonly maxError?: number;
}

export interface SearchResult {
  readonly start: Evaluation;
  readonly evaluations: readonly Evaluation[];
  /** Full-length evaluations on the Pareto front (error, parameters, FLOPs all lower is better). */
  readonly front: readonly Evaluation[];
  readonly best: Evaluation;
  readonly runsUsed: number;
}

export type Evaluate = (c: Candidate, epochs: number, index: number) => Promise<Evaluation>;

/** Runs tasks `workers` at a time, results in task order. */
export async function pool<T>(tasks: readonly (() => Promise<T>)[], workers: number): Promise<T[]> {
  const out: T[] = new Array<T>(tasks.length);
  let next = 0;
  const one = async () => {
    while (next < tasks.length) {
      const k = next++;
      out[k] = await tasks[k]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, tasks.length)) }, one));
  return out;
}

const dominates = (a: Evaluation, b: Evaluation) =>
  a.score <= b.score &&
  a.params <= b.params &&
  a.flops <= b.flops &&
  (a.score < b.score || a.params < b.params || a.flops < b.flops);

/** The evaluations no other beats on error, parameters and FLOPs at once. */
export function paretoFront(evals: readonly Evaluation[]): Evaluation[] {
  const ok = evals.filter((e) => Number.isFinite(e.score));
  return ok.filter((e) => !ok.some((o) => dominates(o, e)));
}

export function pickBest(evals: readonly Evaluation[], maxError: number | undefined): Evaluation | undefined {
  const ok = evals.filter((e) => Number.isFinite(e.score));
  const pool_ = maxError === undefined ? ok : ok.filter((e) => e.score <= maxError);
  const by = (a: Evaluation, b: Evaluation) =>
    maxError === undefined
      ? a.score - b.score || a.params - b.params
      : a.params - b.params || a.score - b.score;
  return [...pool_].sort(by)[0];
}

/** Candidates for the first round: the grid (spread over it when it is bigger than n) or random ones. */
function firstRound(
  params: readonly SearchParam[],
  plan: SearchPlan,
  n: number,
  start: Candidate,
): Candidate[] {
  const allLists = params.every((p) => p.values.kind === 'list');
  if (plan.strategy === 'grid' || (plan.strategy === 'halving' && allLists))
    return sampleGrid(gridCandidates(params, plan.gridPoints ?? 4), n, plan.seed, [start]);
  return randomCandidates(params, n, plan.seed, [start]);
}

/** Total runs successive halving takes from n candidates (n, ⌈n/2⌉, … 1). */
function halvingRuns(n: number): number {
  let total = 0;
  for (let k = n; ; k = Math.ceil(k / 2)) {
    total += k;
    if (k <= 1) return total;
  }
}

export async function runSearch(
  params: readonly SearchParam[],
  start: Candidate,
  plan: SearchPlan,
  evaluate: Evaluate,
  workers: number,
  onResult: (e: Evaluation) => void = () => undefined,
): Promise<SearchResult> {
  let index = 0;
  const run = (c: Candidate, epochs: number) => {
    const k = index++;
    return async () => {
      const e = await evaluate(c, epochs, k);
      onResult(e);
      return e;
    };
  };
  const startEval = await run(start, plan.epochs)();
  const evaluations: Evaluation[] = [startEval];
  const left = Math.max(0, plan.budget - 1);
  if (plan.strategy !== 'halving') {
    const cands = firstRound(params, plan, left, start);
    evaluations.push(
      ...(await pool(
        cands.map((c) => run(c, plan.epochs)),
        workers,
      )),
    );
  } else {
    let n = left;
    while (n > 1 && halvingRuns(n) > left) n--;
    let alive = firstRound(params, plan, n, start);
    const rungs = Math.max(1, Math.ceil(Math.log2(Math.max(1, alive.length))) + 1);
    for (let r = 0; alive.length > 0; r++) {
      const epochs = Math.max(1, Math.round(plan.epochs / 2 ** Math.max(0, rungs - 1 - r)));
      const results = await pool(
        alive.map((c) => run(c, r === rungs - 1 || alive.length === 1 ? plan.epochs : epochs)),
        workers,
      );
      evaluations.push(...results);
      if (alive.length === 1 || r >= rungs - 1) break;
      const keep = Math.ceil(alive.length / 2);
      const ranked = [...results].filter((e) => Number.isFinite(e.score)).sort((a, b) => a.score - b.score);
      alive = ranked.slice(0, keep).map((e) => e.candidate);
    }
  }
  const full = evaluations.filter((e) => e.epochs === plan.epochs);
  // The same candidate at full length twice (a list with the start's value): keep the first.
  const seen = new Set<string>();
  const distinct = full.filter(
    (e) => !seen.has(candidateKey(e.candidate)) && seen.add(candidateKey(e.candidate)),
  );
  const best = pickBest(distinct, plan.maxError) ?? startEval;
  return { start: startEval, evaluations, front: paretoFront(distinct), best, runsUsed: evaluations.length };
}

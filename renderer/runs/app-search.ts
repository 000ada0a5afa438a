// A search in the app: src/experiments' runSearch with each candidate trained in its own Web Worker
// (the Train panel's WASM worker, one thread each, as many at a time as the machine has cores), each
// recorded in the run history like a Train-panel run. The document's own training setup (its data
// set, optimizer, batch, seed) is the starting point; the candidate's values replace parts of it.
import { lowerDocument } from '../../src/compile/lower.ts';
import { hasErrors } from '../../src/compile/diagnostics.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { Evaluation, SearchPlan, SearchResult } from '../../src/experiments/search.ts';
import { runSearch } from '../../src/experiments/search.ts';
import type { Candidate, SearchParam } from '../../src/experiments/search-space.ts';
import { applyCandidate, currentValue } from '../../src/experiments/search-space.ts';
import type { EpochReport, StartMessage } from '../../src/runtime/worker-protocol.ts';
import { workerEventSchema } from '../../src/runtime/worker-protocol.ts';
import { isImageSetName, isToyName } from '../../src/runtime/datasets/catalogue.ts';
import { isTextSetName } from '../../src/runtime/datasets/text.ts';
import { settingsFrom } from '../train/settings.ts';
import { recordAppRun } from './app-runs.ts';

export interface AppSearchOptions {
  readonly document: NetloomDocument;
  readonly params: readonly SearchParam[];
  readonly plan: SearchPlan;
  /** Workers at a time (navigator.hardwareConcurrency by default). */
  readonly workers: number;
  /** Train on the first N examples only (0 or absent: all). */
  readonly limit?: number;
  /** Each finished candidate, with the document it trained. */
  onResult(e: Evaluation, doc: NetloomDocument): void;
  /** Set once the search is to stop: running candidates end, the rest are not started. */
  readonly signal: AbortSignal;
}

/** The score a search minimises from the last epoch: validation error, else validation or training loss. */
export function epochScore(e: EpochReport | undefined): number {
  if (!e) return Infinity;
  if (e.valAccuracy !== undefined) return 1 - e.valAccuracy;
  const v = e.valLoss ?? e.loss;
  return Number.isFinite(v) ? v : Infinity;
}

/** The data a search trains on: the document's shipped set (a CSV or image folder cannot be searched here). */
export function searchDataset(doc: NetloomDocument): { source: StartMessage['dataset']; name: string } {
  const name = settingsFrom(doc).dataset;
  if (name === 'mnist')
    return { source: { kind: 'mnist', packedUrl: new URL('mnist-digits.bin', document.baseURI).href }, name };
  if (isToyName(name) || isImageSetName(name) || isTextSetName(name))
    return { source: { kind: 'builtin', name }, name };
  throw new Error(
    `A search in the app trains on a shipped data set; this document's is "${name}" (use netloom search for your own data)`,
  );
}

function spawnWasm(): Worker {
  return new Worker(new URL('../workers/train-wasm.worker.ts', import.meta.url), { type: 'module' });
}

/** Trains one candidate in a fresh worker; resolves with its last epoch (undefined when it failed). */
function trainInWorker(
  message: StartMessage & { readonly document: NetloomDocument },
  runId: string,
  values: Candidate,
  signal: AbortSignal,
): Promise<{ last?: EpochReport; error?: string }> {
  return new Promise((done) => {
    const w = spawnWasm();
    const recording = recordAppRun(message, 'wasm · 1 thread', {
      source: 'search',
      id: runId,
      searchValues: values,
    });
    let last: EpochReport | undefined;
    const end = (r: { last?: EpochReport; error?: string }) => {
      signal.removeEventListener('abort', abort);
      // The recording finishes from the 'done' message it has seen; the worker is no longer needed.
      w.terminate();
      done(r);
    };
    const abort = () => w.postMessage({ type: 'stop' });
    signal.addEventListener('abort', abort);
    w.onmessage = (e: MessageEvent) => {
      const parsed = workerEventSchema.safeParse(e.data);
      if (!parsed.success) return end({ error: 'the training worker sent a malformed message' });
      const m = parsed.data;
      recording.event(m);
      if (m.type === 'epoch') last = m.report;
      else if (m.type === 'done') end(last ? { last } : { error: 'no epoch finished' });
      else if (m.type === 'error') end({ error: m.message });
    };
    w.onerror = (e) => end({ error: e.message || 'the worker failed' });
    w.postMessage({ ...message, backend: 'wasm', threads: 1 } satisfies StartMessage);
  });
}

export async function runAppSearch(o: AppSearchOptions): Promise<SearchResult> {
  const { source } = searchDataset(o.document);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const searchId = `search-${stamp}-${Math.floor(Math.random() * 1e6).toString(36)}`;
  const start: Candidate = Object.fromEntries(
    o.params.map((p) => [p.name, startValue(p, o.document)] as const),
  );
  const evaluate = async (c: Candidate, epochs: number, k: number): Promise<Evaluation> => {
    const doc = applyCandidate(o.document, o.params, c);
    const lowered = lowerDocument(doc);
    const runId = `${searchId}-${k}`;
    const base = {
      candidate: c,
      epochs,
      params: lowered.totals.params,
      flops: lowered.totals.flops,
      runId,
    };
    let result: Evaluation;
    if (hasErrors(lowered)) {
      const d = lowered.diagnostics.find((x) => x.severity === 'error')!;
      result = { ...base, score: Infinity, error: `${d.node ?? 'graph'}: ${d.message}` };
    } else if (o.signal.aborted) {
      result = { ...base, score: Infinity, error: 'stopped' };
    } else {
      const s = settingsFrom(doc);
      const trained = await trainInWorker(
        {
          type: 'start',
          document: doc,
          dataset: source,
          epochs: c['epochs'] !== undefined ? s.epochs : epochs,
          batchSize: s.batch,
          seed: s.seed,
          optimizer: { name: s.optimizer, lr: s.lr },
          stepEvery: 25,
          ...(o.limit && o.limit > 1 ? { limit: Math.floor(o.limit) } : {}),
        },
        runId,
        c,
        o.signal,
      );
      result = trained.error
        ? { ...base, score: Infinity, error: trained.error }
        : { ...base, score: epochScore(trained.last) };
    }
    o.onResult(result, doc);
    return result;
  };
  return runSearch(o.params, start, o.plan, evaluate, o.workers);
}

function startValue(p: SearchParam, doc: NetloomDocument): number | string {
  const s = settingsFrom(doc);
  if (p.target.kind === 'training')
    return p.target.key === 'lr' ? s.lr : p.target.key === 'batchSize' ? s.batch : s.epochs;
  return currentValue(p, doc) ?? '';
}

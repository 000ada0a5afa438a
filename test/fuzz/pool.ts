// Runs fuzz inputs in a worker thread, one at a time, each bounded in time and memory: an input
// that takes longer than the time limit is a hang (the worker is terminated and replaced), one
// during which the process grows past the memory bound is a memory failure, one that kills the
// worker (V8 out of memory, a fatal error) is a crash. Memory is measured as the process's RSS,
// sampled while the input runs — never with `ulimit -v`, which breaks WebAssembly.
import { Worker } from 'node:worker_threads';
import type { Format, Outcome } from './targets.ts';

export type Result =
  Outcome | { kind: 'hang' } | { kind: 'crash'; why: string } | { kind: 'memory'; why: string };

export interface PoolOptions {
  /** Per input. */
  readonly timeoutMs: number;
  /** The most the process's RSS may grow above its level when the pool started. */
  readonly rssGrowthBytes: number;
}

const workerFile = new URL('./worker.mjs', import.meta.url);

export class FuzzPool {
  #worker: Worker | undefined;
  #ready: Promise<void> | undefined;
  #next = 0;
  readonly #opts: PoolOptions;
  readonly #baseRss = process.memoryUsage.rss();
  peakRss = this.#baseRss;

  constructor(opts: PoolOptions) {
    this.#opts = opts;
  }

  #start(): Promise<void> {
    if (this.#ready) return this.#ready;
    // A V8 heap bound for the worker: a runaway JS allocation ends the worker, not the test run.
    const w = new Worker(workerFile, { resourceLimits: { maxOldGenerationSizeMb: 2048 } });
    this.#worker = w;
    this.#ready = new Promise((ok, fail) => {
      const onMessage = (m: { ready?: boolean }) => {
        if (m.ready) {
          w.off('message', onMessage);
          w.off('error', fail);
          ok();
        }
      };
      w.on('message', onMessage);
      w.once('error', fail);
    });
    return this.#ready;
  }

  async #reset(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    this.#ready = undefined;
    if (w) await w.terminate().catch(() => undefined);
  }

  async run(format: Format, input: Uint8Array): Promise<Result> {
    await this.#start();
    const w = this.#worker!;
    const id = this.#next++;
    const limit = this.#baseRss + this.#opts.rssGrowthBytes;
    return new Promise<Result>((resolve) => {
      let done = false;
      const finish = (r: Result, reset: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(sampler);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        if (reset) void this.#reset().then(() => resolve(r));
        else resolve(r);
      };
      const onMessage = (m: { id?: number; outcome?: Outcome }) => {
        if (m.id === id && m.outcome) finish(m.outcome, false);
      };
      const onError = (e: Error) =>
        finish({ kind: 'crash', why: `${e.name}: ${e.message}`.slice(0, 300) }, true);
      const onExit = (code: number) => finish({ kind: 'crash', why: `the worker exited (${code})` }, true);
      const timer = setTimeout(() => finish({ kind: 'hang' }, true), this.#opts.timeoutMs);
      const sampler = setInterval(() => {
        const rss = process.memoryUsage.rss();
        if (rss > this.peakRss) this.peakRss = rss;
        if (rss > limit) {
          finish({ kind: 'memory', why: `RSS reached ${(rss / 2 ** 20).toFixed(0)} MiB` }, true);
        }
      }, 10);
      w.on('message', onMessage);
      w.once('error', onError);
      w.once('exit', onExit);
      w.postMessage({ id, format, input });
    });
  }

  async close(): Promise<void> {
    await this.#reset();
  }
}

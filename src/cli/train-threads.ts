// `netloom search` trains each candidate in a worker thread of the running process: it needs no
// path to the CLI's entry script, so it runs wherever the CLI's own modules run. From the source
// tree the thread registers tsx (as bin/netloom.mjs does) before loading train-thread.ts.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface TrainThreadResult {
  readonly code: number;
  readonly stderr: string;
}

// Evaluated as CommonJS in the new thread: load the TypeScript loader where the sources are .ts.
const bootstrap = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  if (workerData.loader) (await import(workerData.loader)).register();
  await import(workerData.entry);
})().catch((e) => parentPort.postMessage({ code: 70, stderr: String((e && e.message) || e) }));
`;

function threadEntry(): { entry: string; loader?: string } {
  const here = import.meta.url;
  if (!/\.ts$/.test(new URL(here).pathname)) return { entry: new URL('./train-thread.js', here).href };
  // require.resolve answers the CommonJS build; the thread imports the ES module beside it, as
  // bin/netloom.mjs's `import 'tsx/esm/api'` does.
  const cjs = createRequire(here).resolve('tsx/esm/api');
  const esm = join(dirname(cjs), 'index.mjs');
  const loader = pathToFileURL(existsSync(esm) ? esm : cjs).href;
  return { entry: new URL('./train-thread.ts', here).href, loader };
}

/** Runs `netloom train <args>` in a worker thread; resolves with its exit status and last errors. */
export function trainInThread(args: readonly string[], cwd: string): Promise<TrainThreadResult> {
  return new Promise((done) => {
    let settled = false;
    const finish = (r: TrainThreadResult) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      done(r);
    };
    const worker = new Worker(bootstrap, {
      eval: true,
      workerData: { ...threadEntry(), args: [...args], cwd },
      stdout: true,
      stderr: true,
    });
    let stderr = '';
    worker.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    worker.stdout.resume();
    worker.on('message', (m: unknown) => {
      const r = m as Partial<TrainThreadResult>;
      finish({
        code: typeof r.code === 'number' ? r.code : 70,
        stderr: typeof r.stderr === 'string' ? r.stderr : '',
      });
    });
    worker.on('error', (e) => finish({ code: 70, stderr: `${stderr}${e.message}` }));
    worker.on('exit', (code) => finish({ code: code || 70, stderr: stderr || `the thread ended (${code})` }));
  });
}

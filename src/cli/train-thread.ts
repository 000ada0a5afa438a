// A search candidate's worker thread: `netloom train <args>` run in this process's own code (not a
// child started from a path to bin/netloom.mjs), its output dropped, the end of its errors kept and
// posted back with its exit status.
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import type { CliIO } from './io.ts';
import { fileSystem } from './io.ts';
import { main } from './main.ts';

const job = z.object({ args: z.array(z.string()), cwd: z.string() }).parse(workerData);
let stderr = '';
const io: CliIO = {
  out: () => undefined,
  err: (l) => (stderr = (stderr + l + '\n').slice(-4000)),
  ...fileSystem(job.cwd),
  cwd: job.cwd,
  tty: false,
};
main(['train', ...job.args], io).then(
  (code) => parentPort?.postMessage({ code, stderr }),
  (e: unknown) =>
    parentPort?.postMessage({ code: 70, stderr: `${stderr}${e instanceof Error ? e.message : String(e)}` }),
);

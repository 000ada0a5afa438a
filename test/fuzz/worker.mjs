// The fuzzer's worker thread: runs inputs through test/fuzz/targets.ts and answers with the
// outcome. A worker, so that the driver can stop an input that hangs (terminate() ends even a
// synchronous loop) and see one that kills V8, without losing the test run.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runTarget } = await import('./targets.ts');

parentPort.on('message', async ({ id, format, input }) => {
  const outcome = await runTarget(format, input);
  parentPort.postMessage({ id, outcome });
});
parentPort.postMessage({ ready: true });

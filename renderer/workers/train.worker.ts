// The training worker: src/runtime's worker protocol in a Web Worker, so the editor never freezes.
// WebGPU is tried first where navigator.gpu gives an adapter, else multi-threaded WASM (threads
// need cross-origin isolation, which the static server and the Electron protocol provide).
import * as ort from 'onnxruntime-web';
import { parseDocumentValue } from '../../src/document/parse.ts';
import { trainingWorker } from '../../src/runtime/train-worker.ts';
import type { WorkerEvent } from '../../src/runtime/worker-protocol.ts';
import { workerMessageSchema } from '../../src/runtime/worker-protocol.ts';
import type { Backend } from '../../src/runtime/ort-session.ts';

const post = (m: WorkerEvent) => (self as unknown as Worker).postMessage(m);

async function pickBackend(): Promise<{ backend: Backend; threads: number; note?: string }> {
  const threads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  ort.env.wasm.numThreads = threads;
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu) {
    try {
      if (await gpu.requestAdapter()) return { backend: 'webgpu', threads };
    } catch {
      // fall through to WASM
    }
  }
  return { backend: 'wasm', threads, ...(gpu ? { note: 'WebGPU offered no adapter; using WASM' } : {}) };
}

// ORT's warnings (e.g. "some nodes were not assigned to the preferred execution providers": shape
// ops kept on the CPU by design) are not the user's business; errors still surface as messages.
ort.env.logLevel = 'error';

/** Set while a WebGPU run has not finished an epoch: an error then restarts the run on WASM. */
let fallback: ((why: string) => void) | undefined;

const handle = trainingWorker((e) => {
  if (e.type === 'epoch') fallback = undefined;
  if (e.type === 'error' && fallback) {
    const retry = fallback;
    fallback = undefined;
    // After the failed run has wound down (its handler still counts it as running this turn).
    setTimeout(() => retry(e.message), 0);
    return;
  }
  post(e);
});

async function onMessage(data: unknown): Promise<void> {
  const parsed = workerMessageSchema.safeParse(data);
  if (!parsed.success) {
    post({
      type: 'error',
      message: `The training worker got a malformed message: ${parsed.error.issues[0]?.message}`,
    });
    return;
  }
  const m = parsed.data;
  if (m.type !== 'start') return handle(m);
  const document = parseDocumentValue(m.document, 'document');
  const { backend, threads, note } = await pickBackend();
  post({ type: 'ready', backend, threads, ...(note ? { note } : {}) });
  const run = { ...m, document, threads, pictures: true };
  fallback =
    backend === 'webgpu'
      ? (why) => {
          post({
            type: 'ready',
            backend: 'wasm',
            threads,
            note: `WebGPU could not run this model (${why.split('\n')[0]}); training on WASM`,
          });
          handle({ ...run, backend: 'wasm' });
        }
      : undefined;
  handle({ ...run, backend });
}

// onnxruntime-web starts its WASM threads as module workers on this same bundled script, named
// "em-pthread…"; those must keep emscripten's message handler, not ours.
if (!self.name.startsWith('em-pthread')) {
  self.onmessage = (e: MessageEvent) => {
    onMessage(e.data).catch((err: unknown) =>
      post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
  };
}

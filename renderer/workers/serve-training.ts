// The body both training workers share: src/runtime's worker protocol on this worker's onnxruntime
// build (train-wasm.worker.ts: the plain WASM build; train-webgpu.worker.ts: the WebGPU one, loaded
// only when the panel chose a real adapter). Every message is checked with the protocol's schema.
import { parseDocumentValue } from '../../src/document/parse.ts';
import type { OrtRuntime } from '../../src/runtime/ort-runtime.ts';
import { defaultBackend, setOrtRuntime } from '../../src/runtime/ort-runtime.ts';
import { trainingWorker } from '../../src/runtime/train-worker.ts';
import type { WorkerEvent } from '../../src/runtime/worker-protocol.ts';
import { workerMessageSchema } from '../../src/runtime/worker-protocol.ts';

export function serveTraining(runtime: OrtRuntime): void {
  // onnxruntime-web starts its WASM threads as module workers on this same bundled script, named
  // "em-pthread…"; those must keep emscripten's message handler, not ours.
  if (self.name.startsWith('em-pthread')) return;
  setOrtRuntime(runtime);
  const post = (m: WorkerEvent) => (self as unknown as Worker).postMessage(m);
  const handle = trainingWorker(post);

  function onMessage(data: unknown): void {
    const parsed = workerMessageSchema.safeParse(data);
    if (!parsed.success) {
      post({
        type: 'error',
        message: `The training worker got a malformed message: ${parsed.error.issues[0]?.message}`,
      });
      return;
    }
    const m = parsed.data;
    if (m.type !== 'start' && m.type !== 'probe') return handle(m);
    const document = parseDocumentValue(m.document, 'document');
    const backend = m.backend ?? defaultBackend(runtime);
    const threads = backend === 'wasm' ? (m.threads ?? 1) : 1;
    if (m.type === 'probe') return handle({ ...m, document, backend, threads });
    post({ type: 'ready', backend, threads });
    handle({ ...m, document, backend, threads, pictures: true });
  }

  self.onmessage = (e: MessageEvent) => {
    try {
      onMessage(e.data);
    } catch (err) {
      post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  };
}

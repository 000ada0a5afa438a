// Trains the same small network for the same steps on WebGPU and on WASM in the browser and
// publishes both loss curves on window.__result for the Playwright test to compare.
import * as ort from 'onnxruntime-web';
import { parseTrainingSetup } from '../../../src/autodiff/training-schema.ts';
import { preparedStepRunner, prepareDocumentTraining } from '../../../src/runtime/document-training.ts';
import type { Backend } from '../../../src/runtime/ort-runtime.ts';
import { batchOf } from '../../../src/runtime/datasets/dataset.ts';
import { xor } from '../../../src/runtime/datasets/toy.ts';
import { chainDoc } from '../../helpers/doc.ts';
import { setOrtRuntime, webRuntime } from '../../../src/runtime/ort-runtime.ts';

// The all-in-one build: WebGPU and WASM sessions side by side in this page.
setOrtRuntime(webRuntime(ort, { webgpu: true }));

declare global {
  interface Window {
    __result?: unknown;
  }
}

async function curve(backend: Backend): Promise<{ losses: number[]; locations: string[] }> {
  const doc = chainDoc(
    [2],
    [{ kind: 'Dense', params: { units: 16 } }, { kind: 'Tanh' }, { kind: 'Dense', params: { units: 2 } }],
  );
  const setup = parseTrainingSetup({
    objectives: [
      { loss: { kind: 'cross-entropy', output: 'output' }, optimizer: { name: 'adam', lr: 0.05 } },
    ],
  });
  const p = prepareDocumentTraining(doc, setup, { batchSize: 32, seed: 1 });
  const { store, runner } = await preparedStepRunner(p, { backend });
  const d = xor({ n: 256, seed: 2 });
  const losses: number[] = [];
  for (let k = 0; k < 60; k++) {
    const start = (k * 32) % 256;
    const b = batchOf(
      d,
      Array.from({ length: 32 }, (_, i) => start + i),
    );
    losses.push((await runner.run({ input: b.x, target: b.y }, 0.05)).loss);
  }
  const locations = [...store.tensors.values()].map((t) => t.location);
  await runner.release();
  store.dispose();
  return { losses, locations };
}

async function main(): Promise<void> {
  ort.env.wasm.numThreads = 1;
  try {
    const adapter = await (
      navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }
    ).gpu?.requestAdapter();
    const wasm = await curve('wasm');
    const webgpu = adapter ? await curve('webgpu') : undefined;
    window.__result = { wasm, webgpu, adapter: Boolean(adapter) };
  } catch (e) {
    window.__result = { error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
  }
}

void main();

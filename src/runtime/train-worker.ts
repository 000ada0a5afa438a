// The training loop behind a message protocol, for a Web Worker (the renderer's worker file is
// `self.onmessage = trainingWorker((m) => self.postMessage(m))`) or any other message channel.
// Nothing here is Node-only: data arrives in the messages, or by fetch (MNIST's JSON files).
import type { NetloomDocument } from '../document/schema.ts';
import { parseTrainingSetup } from '../autodiff/training-schema.ts';
import { prepareDocumentTraining } from './document-training.ts';
import type { Dataset } from './datasets/dataset.ts';
import { trainValSplit } from './datasets/dataset.ts';
import { fitFeatures, toyByName } from './datasets/catalogue.ts';
import { parseCsv } from './datasets/csv.ts';
import { loadMnist } from './datasets/mnist.ts';
import type { EpochReport, StepReport } from './train-loop.ts';
import { TrainingControl, train } from './train-loop.ts';
import type { Backend } from './ort-session.ts';

export type DatasetSource =
  | { readonly kind: 'builtin'; readonly name: string }
  | { readonly kind: 'csv'; readonly text: string; readonly name?: string; readonly label?: string | number }
  /** MNIST digits: the ten arrays themselves, or ten URLs of mnist/src/digits/<d>.json to fetch. */
  | {
      readonly kind: 'mnist';
      readonly digits?: readonly ArrayLike<number>[];
      readonly urls?: readonly string[];
    };

export type WorkerRequest =
  | {
      readonly type: 'start';
      readonly document: NetloomDocument;
      readonly dataset: DatasetSource;
      readonly epochs?: number;
      readonly steps?: number;
      readonly batchSize?: number;
      readonly seed?: number;
      readonly backend?: Backend;
      /** Report every n-th step (default 1). */
      readonly stepEvery?: number;
    }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'stop' };

export type WorkerEvent =
  | { readonly type: 'step'; readonly report: StepReport }
  | { readonly type: 'epoch'; readonly report: EpochReport }
  | {
      readonly type: 'done';
      readonly steps: number;
      readonly stopped: boolean;
      readonly weights: Record<string, Float32Array>;
    }
  | { readonly type: 'error'; readonly message: string };

async function resolveDataset(src: DatasetSource, seed: number): Promise<Dataset> {
  switch (src.kind) {
    case 'builtin':
      return toyByName(src.name, seed + 1);
    case 'csv':
      return parseCsv(src.text, {
        name: src.name ?? 'csv',
        ...(src.label !== undefined ? { label: src.label } : {}),
      });
    case 'mnist': {
      if (src.digits) return loadMnist(async (d) => src.digits![d]!, undefined, true);
      const urls = src.urls;
      if (!urls || urls.length !== 10) throw new Error('MNIST needs ten digit arrays or ten URLs');
      return loadMnist(
        async (d) => ((await (await fetch(urls[d]!)).json()) as { data: number[] }).data,
        undefined,
        true,
      );
    }
  }
}

/** Returns the message handler; `post` sends events back (postMessage in a worker). */
export function trainingWorker(
  post: (e: WorkerEvent) => void,
): (m: { data: WorkerRequest } | WorkerRequest) => void {
  let control: TrainingControl | undefined;
  return (raw) => {
    const m = 'data' in raw ? raw.data : raw;
    switch (m.type) {
      case 'pause':
        control?.pause();
        return;
      case 'resume':
        control?.resume();
        return;
      case 'stop':
        control?.stop();
        return;
      case 'start': {
        if (control && !control.stopped) {
          post({ type: 'error', message: 'Training is already running; stop it first' });
          return;
        }
        const ctl = new TrainingControl();
        control = ctl;
        void (async () => {
          try {
            const setup = parseTrainingSetup(m.document.training ?? {});
            const seed = m.seed ?? setup.seed;
            const batchSize = m.batchSize ?? setup.batchSize;
            const prepared = prepareDocumentTraining(m.document, setup, { batchSize, seed });
            const model = prepared.objectives[0]!.model;
            const input = model.graph.values.get(model.features)!;
            const data = fitFeatures(
              await resolveDataset(m.dataset, seed),
              input.shape.slice(1),
              model.features,
            );
            const { train: tr, val } = trainValSplit(data, setup.validationSplit || 0.2, seed);
            const every = Math.max(1, m.stepEvery ?? 1);
            const r = await train({
              ...prepared,
              train: tr,
              val,
              batchSize,
              ...(m.steps !== undefined ? { steps: m.steps } : { epochs: m.epochs ?? setup.epochs }),
              seed,
              ...(setup.schedule ? { schedule: setup.schedule } : {}),
              ...(m.backend ? { backend: m.backend } : {}),
              control: ctl,
              onStep: (s) => {
                if (s.step % every === 0) post({ type: 'step', report: s });
              },
              onEpoch: (e) => post({ type: 'epoch', report: e }),
            });
            post({
              type: 'done',
              steps: r.steps,
              stopped: r.stopped,
              weights: Object.fromEntries(r.weights),
            });
          } catch (e) {
            post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
          } finally {
            ctl.stopped = true;
          }
        })();
        return;
      }
    }
  };
}

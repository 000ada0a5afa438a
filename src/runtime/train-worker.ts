// The training loop behind a message protocol, for a Web Worker (the renderer's worker file is
// `self.onmessage = trainingWorker((m) => self.postMessage(m))`) or any other message channel.
// Nothing here is Node-only: data arrives in the messages, or by fetch (MNIST's JSON files).
import type { NetloomDocument } from '../document/schema.ts';
import { documentTrainingSetup, prepareDocumentTraining } from './document-training.ts';
import type { Dataset } from './datasets/dataset.ts';
import { subset, trainValSplit } from './datasets/dataset.ts';
import { fitClasses, fitFeatures, toyByName } from './datasets/catalogue.ts';
import { imageAugmenter } from './datasets/images.ts';
import type { AugmentSetup } from './datasets/images.ts';
import { parseCsv } from './datasets/csv.ts';
import { loadMnist } from './datasets/mnist.ts';
import type { EpochReport, StepReport } from './train-loop.ts';
import { TrainingControl, train } from './train-loop.ts';
import type { Backend } from './ort-session.ts';
import { unpackMnist } from './datasets/mnist.ts';
import type { OptimizerName } from '../autodiff/optimizers.ts';
import type { TrainingPicture } from './training-pictures.ts';
import { trainingPictures } from './training-pictures.ts';

export type DatasetSource =
  | { readonly kind: 'builtin'; readonly name: string }
  | { readonly kind: 'csv'; readonly text: string; readonly name?: string; readonly label?: string | number }
  /** A dataset the page has already made, e.g. an image folder decoded and resized there. */
  | { readonly kind: 'tensors'; readonly dataset: Dataset }
  /**
   * MNIST digits: the ten arrays themselves, ten URLs of mnist/src/digits/<d>.json to fetch, or the
   * URL of the app's packed copy (packMnist).
   */
  | {
      readonly kind: 'mnist';
      readonly digits?: readonly ArrayLike<number>[];
      readonly urls?: readonly string[];
      readonly packedUrl?: string;
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
      /** WASM threads (needs cross-origin isolation for more than 1). */
      readonly threads?: number;
      /** Replaces the first objective's optimizer and learning rate for this run. */
      readonly optimizer?: { readonly name: OptimizerName; readonly lr: number };
      /** Start from these weights (a continued run) instead of fresh initial values. */
      readonly weights?: Readonly<Record<string, Float32Array>>;
      /** Compute a picture (boundary, curve, digits) after every epoch. */
      readonly pictures?: boolean;
      /** Which Input (by name) takes the features and which the labels; default: by wiring. */
      readonly inputs?: { readonly features?: string; readonly targets?: string };
      /** Report every n-th step (default 1). */
      readonly stepEvery?: number;
      /** Train and validate on the first `limit` examples only. */
      readonly limit?: number;
      /** Replaces the document's augmentation for this run (null: none). */
      readonly augment?: AugmentSetup | null;
    }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'stop' };

export type WorkerEvent =
  | { readonly type: 'step'; readonly report: StepReport }
  | { readonly type: 'epoch'; readonly report: EpochReport }
  | { readonly type: 'picture'; readonly picture: TrainingPicture }
  | {
      readonly type: 'done';
      readonly steps: number;
      readonly stopped: boolean;
      readonly weights: Record<string, Float32Array>;
    }
  | { readonly type: 'error'; readonly message: string };

async function resolveDataset(src: DatasetSource, seed: number, normalize: boolean): Promise<Dataset> {
  switch (src.kind) {
    case 'builtin':
      return toyByName(src.name, seed + 1, normalize);
    case 'tensors':
      return src.dataset;
    case 'csv':
      return parseCsv(src.text, {
        name: src.name ?? 'csv',
        ...(src.label !== undefined ? { label: src.label } : {}),
      });
    case 'mnist': {
      if (src.digits) return loadMnist(async (d) => src.digits![d]!, undefined, normalize);
      if (src.packedUrl) {
        const res = await fetch(src.packedUrl);
        if (!res.ok)
          throw new Error(`MNIST digits could not be loaded from ${src.packedUrl} (${res.status})`);
        const digits = unpackMnist(new Uint8Array(await res.arrayBuffer()), src.packedUrl);
        return loadMnist(async (d) => digits[d]!, undefined, normalize);
      }
      const urls = src.urls;
      if (!urls || urls.length !== 10) throw new Error('MNIST needs ten digit arrays or ten URLs');
      return loadMnist(
        async (d) => ((await (await fetch(urls[d]!)).json()) as { data: number[] }).data,
        undefined,
        normalize,
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
            const base = documentTrainingSetup(m.document);
            const setup = m.inputs ? { ...base, inputs: { ...base.inputs, ...m.inputs } } : base;
            const seed = m.seed ?? setup.seed;
            const batchSize = m.batchSize ?? setup.batchSize;
            const prepared = prepareDocumentTraining(m.document, setup, {
              batchSize,
              seed,
              ...(m.optimizer ? { optimizer: m.optimizer } : {}),
              ...(m.weights ? { weights: new Map(Object.entries(m.weights)) } : {}),
            });
            const model = prepared.objectives[0]!.model;
            const input = model.graph.values.get(model.features)!;
            const inputName =
              model.graph.inputs.find((i) => i.value === model.features)?.name ?? model.features;
            const all = fitFeatures(
              await resolveDataset(m.dataset, seed, setup.normalizeInputs),
              input.shape.slice(1),
              inputName,
            );
            // The built-in sets interleave their classes, so the first examples are balanced.
            const data = fitClasses(
              m.limit !== undefined && m.limit < all.size
                ? subset(
                    all,
                    Array.from({ length: m.limit }, (_, i) => i),
                  )
                : all,
              model,
            );
            const augment = imageAugmenter(
              m.augment === undefined ? setup.augment : (m.augment ?? undefined),
              data,
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
              ...(augment ? { augment } : {}),
              ...(m.backend ? { backend: m.backend } : {}),
              ...(m.threads ? { threads: m.threads } : {}),
              control: ctl,
              onStep: (s) => {
                if (s.step % every === 0) post({ type: 'step', report: s });
              },
              onEpoch: (e) => post({ type: 'epoch', report: e }),
              afterEpoch: async (_e, readWeights) => {
                if (!m.pictures) return;
                const pictures = await trainingPictures({
                  doc: m.document,
                  weights: await readWeights(),
                  data: tr,
                  val,
                  inputName,
                  ...(m.backend ? { backend: m.backend } : {}),
                });
                for (const picture of pictures) post({ type: 'picture', picture });
              },
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

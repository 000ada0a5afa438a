// The training loop behind a message protocol (worker-protocol.ts), for a Web Worker (the
// renderer's worker checks each message with the protocol's schema and hands it to
// `trainingWorker`) or any other message channel.
// Nothing here is Node-only: data arrives in the messages, or by fetch (MNIST's JSON files).
import { prepareDocumentTraining } from './document-training.ts';
import { documentTrainingSetup } from '../compile/training-setup.ts';
import type { Dataset } from './datasets/dataset.ts';
import { subset, trainValSplit } from './datasets/dataset.ts';
import { fitClasses, fitFeatures, toyByName } from './datasets/catalogue.ts';
import { imageAugmenter } from './datasets/images.ts';
import { parseCsv } from './datasets/csv.ts';
import { loadMnist } from './datasets/mnist.ts';
import { TrainingControl, train } from './train-loop.ts';
import { unpackMnist } from './datasets/mnist.ts';
import { trainingPictures } from './training-pictures.ts';
import type {
  DatasetSource,
  ProbeRequest,
  StartRequest,
  WorkerEvent,
  WorkerRequest,
} from './worker-protocol.ts';
import { probeTraining } from './probe.ts';
import { defaultBackend, loadOrtRuntime } from './ort-runtime.ts';
import { NetloomError } from '../util/errors.ts';

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

/** What a start or probe message asks for, prepared: the objectives, the data split, the input name. */
async function prepareRun(m: StartRequest | ProbeRequest) {
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
  const inputName = model.graph.inputs.find((i) => i.value === model.features)?.name ?? model.features;
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
  const augment = imageAugmenter(m.augment === undefined ? setup.augment : (m.augment ?? undefined), data);
  const { train: tr, val } = trainValSplit(data, setup.validationSplit || 0.2, seed);
  return { setup, seed, batchSize, prepared, inputName, augment, train: tr, val };
}

/** A NetloomError keeps its code: the panel tells a wrong model or data from a backend's failure. */
function errorEvent(e: unknown): WorkerEvent {
  if (e instanceof NetloomError) return { type: 'error', message: e.message, code: e.code };
  return { type: 'error', message: e instanceof Error ? e.message : String(e) };
}

/** Returns the message handler; `post` sends events back (postMessage in a worker). */
export function trainingWorker(
  post: (e: WorkerEvent) => void,
): (m: { data: WorkerRequest } | WorkerRequest) => void {
  let control: TrainingControl | undefined;
  /** A new run's control, or undefined (and the user told) while another run still holds it. */
  const claim = (): TrainingControl | undefined => {
    if (control && !control.stopped) {
      post({ type: 'error', message: 'Training is already running; stop it first' });
      return undefined;
    }
    control = new TrainingControl();
    return control;
  };
  return (raw) => {
    const m = 'data' in raw ? raw.data : raw;
    switch (m.type) {
      case 'pause':
        control?.pause();
        return;
      case 'resume':
        control?.resume();
        return;
      case 'step-once':
        control?.stepOnce();
        return;
      case 'stop':
        control?.stop();
        return;
      case 'probe': {
        const ctl = claim();
        if (!ctl) return;
        void (async () => {
          try {
            const run = await prepareRun(m);
            const backend = m.backend ?? defaultBackend(await loadOrtRuntime());
            const threads = m.threads ?? 1;
            const r = await probeTraining({
              ...run.prepared,
              train: run.train,
              batchSize: run.batchSize,
              seed: run.seed,
              candidate: { backend, threads },
              ...(m.warmupMs !== undefined ? { warmupMs: m.warmupMs } : {}),
              ...(m.measureMs !== undefined ? { measureMs: m.measureMs } : {}),
            });
            post({ type: 'probed', ...r });
          } catch (e) {
            post(errorEvent(e));
          } finally {
            ctl.stopped = true;
          }
        })();
        return;
      }
      case 'start': {
        const ctl = claim();
        if (!ctl) return;
        void (async () => {
          try {
            const {
              setup,
              seed,
              batchSize,
              prepared,
              inputName,
              augment,
              train: tr,
              val,
            } = await prepareRun(m);
            const every = Math.max(1, m.stepEvery ?? 1);
            // After each epoch, and after each batch Step takes: the picture shows the weights now.
            const drawPictures = async (readWeights: () => Promise<Map<string, Float32Array>>) => {
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
            };
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
                // The first steps always, so speed shows from the first seconds; then every n-th.
                // A step asked for by Step is always reported.
                if (s.step <= 3 || s.step % every === 0 || ctl.stepping) post({ type: 'step', report: s });
              },
              onEpoch: (e) => post({ type: 'epoch', report: e }),
              afterEpoch: (_e, readWeights) => drawPictures(readWeights),
              afterStepOnce: drawPictures,
            });
            post({
              type: 'done',
              steps: r.steps,
              stopped: r.stopped,
              weights: Object.fromEntries(r.weights),
            });
          } catch (e) {
            post(errorEvent(e));
          } finally {
            ctl.stopped = true;
          }
        })();
        return;
      }
    }
  };
}

// The app's run history: one RunStore over IndexedDB, the recording of a Train-panel run from the
// worker's messages (useTrainingRun forwards them), and a change signal the Runs panel listens to.
// Recording never stops training: a failed write is shown once as a message, the run goes on.
import { lowerDocument } from '../../src/compile/lower.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { memoryRunFiles } from '../../src/experiments/run-files.ts';
import type { RunRecorder } from '../../src/experiments/run-store.ts';
import { RunStore } from '../../src/experiments/run-store.ts';
import { weightsFileBytes } from '../../src/ir/weights-file.ts';
import { documentTrainingSetup } from '../../src/compile/training-setup.ts';
import type { StartMessage, TrainingPicture, WorkerEvent } from '../../src/runtime/worker-protocol.ts';
import { drawFilters, drawPicture } from '../train/pictures.ts';
import { useEditor } from '../store/document-store.ts';
import { hostRunFiles } from './host-run-files.ts';
import { idbRunFiles } from './idb-run-files.ts';

export const appRuns = new RunStore(typeof indexedDB === 'undefined' ? memoryRunFiles() : idbRunFiles());

const folderStores = new Map<string, RunStore>();

/**
 * Where the current document's runs are kept: in the desktop app, a project opened from or saved
 * to disk keeps them in `<project>.runs/` beside it (the CLI's folder); otherwise IndexedDB.
 */
export function currentRuns(): RunStore {
  const host = typeof window === 'undefined' ? undefined : window.netloomHost;
  const project = useEditor.getState().filePath;
  if (!host?.runFiles || project === undefined || !/\.json$/i.test(project)) return appRuns;
  const runFiles = host.runFiles.bind(host);
  let store = folderStores.get(project);
  if (!store) folderStores.set(project, (store = new RunStore(hostRunFiles({ runFiles }, project))));
  return store;
}

const listeners = new Set<() => void>();
export function onRunsChanged(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}
export function runsChanged(): void {
  for (const f of listeners) f();
}

function datasetName(m: StartMessage): string {
  const d = m.dataset;
  if (d.kind === 'builtin') return d.name;
  if (d.kind === 'csv') return d.name ?? 'CSV';
  if (d.kind === 'mnist') return 'mnist';
  return 'images';
}

/**
 * The document as this run trained it: the Train panel's settings (learning rate, batch, epochs,
 * seed) written into its training section, so restoring the run's document restores them too.
 */
function withRunSettings(m: StartMessage & { readonly document: NetloomDocument }): NetloomDocument {
  const doc = m.document;
  if (!doc.training) return doc;
  const t: Record<string, unknown> = { ...doc.training };
  if (m.batchSize !== undefined) t['batchSize'] = m.batchSize;
  if (m.epochs !== undefined) t['epochs'] = m.epochs;
  if (m.seed !== undefined) t['seed'] = m.seed;
  const opt = m.optimizer;
  if (opt && Array.isArray(t['objectives'])) {
    t['objectives'] = (t['objectives'] as Record<string, unknown>[]).map((o, k) =>
      k === 0
        ? { ...o, optimizer: { ...(o['optimizer'] as object | undefined), name: opt.name, lr: opt.lr } }
        : o,
    );
  }
  return { ...doc, training: t };
}

export interface AppRunRecording {
  event(m: WorkerEvent): void;
}

/** A search's candidate: recorded under its own id, with the values it tried. */
export interface AppRunOrigin {
  readonly source: 'app' | 'search';
  readonly id?: string;
  readonly searchValues?: Readonly<Record<string, number | string>>;
}

/** The pictures of the last epoch as the Train panel draws them, as PNG files of the run. */
export const pictureFiles = ['picture.png', 'filters.png'] as const;

async function picturePng(p: TrainingPicture): Promise<Uint8Array | undefined> {
  if (typeof document === 'undefined') return undefined;
  const canvas = document.createElement('canvas');
  canvas.width = 288;
  canvas.height = p.kind === 'filters' ? 36 * Math.ceil(p.count / 8) : 288;
  if (p.kind === 'filters') drawFilters(canvas, p);
  else drawPicture(canvas, p);
  const blob = await new Promise<Blob | null>((done) => canvas.toBlob(done, 'image/png'));
  return blob ? new Uint8Array(await blob.arrayBuffer()) : undefined;
}

async function pictureExtras(
  latest: ReadonlyMap<string, TrainingPicture>,
): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const [name, p] of latest) {
    const png = await picturePng(p).catch(() => undefined);
    if (png) out[name] = png;
  }
  return out;
}

/** Starts recording a run the Train panel starts; feed it the worker's events. */
export function recordAppRun(
  message: StartMessage & { readonly document: NetloomDocument },
  backend: string,
  origin: AppRunOrigin = { source: 'app' },
): AppRunRecording {
  const doc = withRunSettings(message);
  // The store of the project the run started in (a later Save As does not move it).
  const runs = currentRuns();
  // The latest picture of each kind: drawn to PNG once the run ends, not per epoch.
  const pictures = new Map<string, TrainingPicture>();
  let recorder: RunRecorder | undefined;
  let failed = false;
  const lost = (e: unknown) => {
    if (failed) return;
    failed = true;
    recorder = undefined;
    console.warn(
      `Netloom: this run is not kept in the history (${e instanceof Error ? e.message : String(e)})`,
    );
  };
  let chain: Promise<unknown> = Promise.resolve();
  const then = (f: () => Promise<unknown>) => {
    chain = chain.then(f).catch(lost);
  };
  then(async () => {
    const setup = documentTrainingSetup(doc);
    const lowered = lowerDocument(doc);
    recorder = await runs.start({
      document: doc,
      source: origin.source,
      ...(origin.id !== undefined ? { id: origin.id } : {}),
      ...(origin.searchValues ? { searchValues: { ...origin.searchValues } } : {}),
      dataset: datasetName(message),
      backend,
      settings: {
        optimizer: message.optimizer?.name ?? setup.objectives[0]?.optimizer?.name ?? 'adam',
        lr: message.optimizer?.lr ?? setup.objectives[0]?.optimizer?.lr ?? 1e-3,
        batchSize: message.batchSize ?? setup.batchSize,
        ...(message.steps !== undefined
          ? { steps: message.steps }
          : { epochs: message.epochs ?? setup.epochs }),
        seed: message.seed ?? setup.seed,
        validationSplit: setup.validationSplit > 0 ? setup.validationSplit : 0.2,
      },
      params: lowered.totals.params,
      flops: lowered.totals.flops,
    });
    runsChanged();
  });
  return {
    event(m) {
      if (m.type === 'step') {
        const r = m.report;
        then(() => Promise.resolve(recorder?.step({ step: r.step, loss: r.loss })));
      } else if (m.type === 'epoch') {
        const e = m.report;
        then(async () => {
          await recorder?.epoch({
            epoch: e.epoch,
            loss: e.loss,
            ...(e.accuracy !== undefined ? { accuracy: e.accuracy } : {}),
            ...(e.valLoss !== undefined ? { valLoss: e.valLoss } : {}),
            ...(e.valAccuracy !== undefined ? { valAccuracy: e.valAccuracy } : {}),
          });
          runsChanged();
        });
      } else if (m.type === 'picture') {
        pictures.set(m.picture.kind === 'filters' ? 'filters.png' : 'picture.png', m.picture);
      } else if (m.type === 'done') {
        then(async () => {
          const weights = weightsFileBytes(
            lowerDocument(doc).graph.weights,
            new Map(Object.entries(m.weights)),
            doc.name,
          );
          const extra = await pictureExtras(pictures);
          await recorder?.finish({ weights, stopped: m.stopped, extra });
          runsChanged();
        });
      } else if (m.type === 'error') {
        then(async () => {
          await recorder?.fail(m.message);
          runsChanged();
        });
      }
    },
  };
}

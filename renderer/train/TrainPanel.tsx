// The Train panel: dataset and optimizer settings, Start/Pause/Resume/Stop/Reset, the backend and
// steps/s, live charts (uPlot), and the picture that explains the model best: a decision boundary
// for 2-D sets, the fitted curve for 1-D regression, held-out images with predictions and a
// confusion matrix for image classifiers, predicted masks for segmentation, and the first
// convolution's filters.
// The run itself (its worker and messages) is useTrainingRun's; this file lays out the views.
import { useEffect, useRef, useState, memo } from 'react';
import { useIdleCopy } from '../lib/idle-copy.ts';
import type { ChosenFolder } from '../../src/host/host.ts';
import type { StartMessage } from '../../src/runtime/worker-protocol.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { isImageSetName, isToyName } from '../../src/runtime/datasets/catalogue.ts';
import { isTextSetName } from '../../src/runtime/datasets/text.ts';
import type { ImageFolder } from '../../src/runtime/datasets/image-folder.ts';
import { useEditor } from '../store/document-store.ts';
import { useWeights, weightsFit } from '../store/weights-store.ts';
import { whenLowered } from '../store/lowering-store.ts';
import { EpochChart, StepChart } from './charts.tsx';
import { drawConfusion, drawFilters, drawPicture } from './pictures.ts';
import { LatentPictures } from './LatentPictures.tsx';
import { loadFolder } from './image-folder.ts';
import { ImageFolderPicker } from './ImageFolderPicker.tsx';
import type { Settings } from './settings.ts';
import { cannotTrainWell, dataMismatch, resizeNote, settingsFrom } from './settings.ts';
import type { Bindings } from './TrainSettings.tsx';
import { TrainSettings } from './TrainSettings.tsx';
import { TrainProgress } from './TrainProgress.tsx';
import { DrawDigit } from './DrawDigit.tsx';
import { TryIt, TryText, isTextModel } from './TryIt.tsx';
import { useTrainingRun } from './useTrainingRun.ts';
import { exportTrainedOnnx, loadWeightsFile, saveWeightsFile } from './weights-files.ts';

const noBindings: Bindings = { features: '', targets: '' };

// Memoised: it reads the stores itself, so the window's re-renders need not reach it.
// Keyed by the documents opened: another template or file starts the Train tab over (its run stops;
// the last run's charts, pictures and status belonged to the other model).
// `shown`: whether its tab is open. Hidden and not training, it keeps the document it last showed:
// an edit then re-renders none of it (its checks of the data's Inputs, its model key, at 5,000
// layers a few passes over every node per keystroke). It catches up when its tab opens.
// Hidden, it takes a newly opened document when the page is next idle rather than in the
// opening's first render (its mount's model key and checks of the data: 30–80 ms at 5,000 layers).
export const TrainPanel = memo(function TrainPanel({ shown = true }: { shown?: boolean }) {
  const opened = useEditor((s) => s.opened);
  const key = useIdleCopy(opened, shown);
  return <DocumentTrainPanel key={key} shown={shown} stale={key !== opened} />;
});

/** Why the picture area is empty, where it is. */
function pictureNote(
  doc: { nodes: readonly { kind: string }[] },
  status: string,
  hasPicture: boolean,
): string | undefined {
  if (hasPicture) return undefined;
  if (!doc.nodes.some((n) => n.kind === 'Output'))
    return 'No picture: the graph has no Output node, so there is no prediction to draw — add an Output after the last layer.';
  if (status === 'done')
    return 'No picture for this model: pictures are drawn for 2-D and 1-D sets, image classifiers, segmentation and generators.';
  return 'The picture (decision boundary, held-out images with predictions, or generated samples) is drawn after each epoch and after each Step.';
}

/** `stale`: another document has been opened since; this panel is about to give way to its own. */
function DocumentTrainPanel({ shown, stale }: { shown: boolean; stale: boolean }) {
  const live = useRef(shown);
  const wasRunning = useRef(false);
  const kept = useRef<NetloomDocument>(undefined);
  // Read at this render and whenever the store changes until the next one.
  live.current = !stale && (shown || wasRunning.current);
  const doc = useEditor((st) => (live.current || !kept.current ? st.doc : kept.current));
  kept.current = doc;
  const [s, setS] = useState<Settings>(() => settingsFrom(doc));
  const [csv, setCsv] = useState<string>();
  const [folder, setFolder] = useState<ImageFolder>();
  const [folderNote, setFolderNote] = useState<string>();
  const [log, setLog] = useState(false);
  const [bindings, setBindings] = useState<Bindings>(noBindings);
  const weights = useWeights((st) => st.weights);
  const setWeights = useWeights((st) => st.setWeights);
  const run = useTrainingRun(doc, s.batch, s.optimizer);
  const { status, running, digits, picture, filters } = run;
  wasRunning.current = running;
  live.current = !stale && (shown || running);
  const inputNames = doc.nodes.filter((n) => n.kind === 'Input').map((n) => n.name ?? n.id);
  const canvas = useRef<HTMLCanvasElement>(null);
  const confusion = useRef<HTMLCanvasElement>(null);
  const filtersCanvas = useRef<HTMLCanvasElement>(null);

  // A new document (a template, an opened file) brings its own training setup and no weights.
  const training = doc.training;
  useEffect(() => {
    if (running) return;
    setS(settingsFrom(doc));
    setBindings(noBindings);
    // Weights that came with the document (an opened ONNX file) stay; others belong to another model.
    void whenLowered(doc).then((facts) => {
      if (facts && !weightsFit(facts.weights, useWeights.getState().weights)) setWeights(undefined);
    });
    run.forgetDigits();
  }, [training]);

  useEffect(() => {
    if (picture && canvas.current) drawPicture(canvas.current, picture);
  }, [picture]);

  useEffect(() => {
    if (digits && confusion.current) drawConfusion(confusion.current, digits);
  }, [digits]);

  useEffect(() => {
    if (filters && filtersCanvas.current) drawFilters(filtersCanvas.current, filters);
  }, [filters]);

  /** Reads the chosen folder's images at the shape of the Input that takes the data. */
  async function chooseFolder(chosen: Promise<ChosenFolder | undefined>): Promise<void> {
    const input = doc.nodes.find(
      (n) =>
        n.kind === 'Input' &&
        (bindings.features
          ? (n.name ?? n.id) === bindings.features
          : (n.params as { dtype?: string }).dtype !== 'int64' &&
            ((n.params as { shape?: number[] }).shape ?? []).length === 3),
    );
    const shape = (input?.params as { shape?: number[] } | undefined)?.shape ?? [];
    try {
      const picked = await chosen;
      if (!picked) return;
      setFolder(undefined);
      setFolderNote(`reading the images of "${picked.name}"…`);
      const normalize =
        (doc.training as { normalizeInputs?: boolean } | undefined)?.normalizeInputs !== false;
      setFolder(await loadFolder(picked, shape, normalize));
      run.setError(undefined);
    } catch (e) {
      run.setError(e instanceof Error ? e.message : String(e));
    } finally {
      setFolderNote(undefined);
    }
  }

  function set<K extends keyof Settings>(k: K, v: Settings[K]): void {
    setS((old) => ({ ...old, [k]: v }));
  }

  /** The run's start message, or undefined (and the reason shown) when it cannot start. */
  function startMessage(): (StartMessage & { readonly document: typeof doc }) | undefined {
    if (s.dataset === 'image folder' && folder === undefined) {
      run.setError('Choose a folder first: one sub-folder of PNG or JPEG images per class.');
      return;
    }
    if (s.dataset === 'csv' && csv === undefined) {
      run.setError('Choose a CSV file first (numeric columns, the label in the last column).');
      return;
    }
    const dataset: StartMessage['dataset'] =
      s.dataset === 'image folder' && folder
        ? { kind: 'tensors', dataset: folder.dataset }
        : s.dataset === 'csv'
          ? { kind: 'csv', text: csv ?? '', name: 'data.csv' }
          : s.dataset === 'mnist'
            ? { kind: 'mnist', packedUrl: new URL('mnist-digits.bin', document.baseURI).href }
            : {
                kind: 'builtin',
                name:
                  isToyName(s.dataset) || isImageSetName(s.dataset) || isTextSetName(s.dataset)
                    ? s.dataset
                    : 'spirals',
              };
    return {
      type: 'start',
      document: doc,
      dataset,
      epochs: s.epochs,
      batchSize: s.batch,
      seed: s.seed,
      optimizer: { name: s.optimizer, lr: s.lr },
      stepEvery: 5,
      ...(s.limit > 0 ? { limit: Math.max(2, Math.floor(s.limit)) } : {}),
      ...(bindings.features || bindings.targets
        ? {
            inputs: {
              ...(bindings.features ? { features: bindings.features } : {}),
              ...(bindings.targets ? { targets: bindings.targets } : {}),
            },
          }
        : {}),
      ...(weights ? { weights } : {}),
    };
  }

  function start(): void {
    const m = startMessage();
    if (m) run.start(m);
  }

  function step(): void {
    const m = startMessage();
    if (m) run.stepOnce(m);
  }

  /** Runs a file action; its error (a full disk, a file that does not fit) shows in the panel. */
  function fileAction(action: () => Promise<void>): () => void {
    return () =>
      void action().catch((e: unknown) => run.setError(e instanceof Error ? e.message : String(e)));
  }

  const saveWeights = fileAction(async () => {
    if (weights) await saveWeightsFile(doc, weights);
  });

  const loadWeights = fileAction(async () => {
    const loaded = await loadWeightsFile(doc);
    if (!loaded) return;
    setWeights(loaded.values);
    run.setError(loaded.warning);
    run.markDone();
  });

  const mismatch = dataMismatch(doc, s.dataset, bindings.features);
  const resized = resizeNote(doc, s.dataset, bindings.features);
  const unfit = cannotTrainWell(doc, s.dataset, bindings.features);
  const noPicture = pictureNote(doc, status, picture !== undefined);
  const caption =
    picture?.kind === 'samples'
      ? (picture.caption ?? 'generated from the same fixed noise each time')
      : picture?.kind === 'masks'
        ? `image · true mask · predicted mask — ${(picture.pixelAccuracy * 100).toFixed(1)}% of pixels right, mean IoU ${picture.meanIoU.toFixed(2)}`
        : undefined;
  return (
    <div className="train-panel" data-testid="train-panel">
      <TrainSettings
        settings={s}
        onChange={set}
        onCsv={setCsv}
        inputNames={inputNames}
        bindings={bindings}
        onBindings={setBindings}
        disabled={running}
      />
      {s.dataset === 'image folder' && (
        <ImageFolderPicker
          folder={folder}
          note={folderNote}
          disabled={running}
          onFolder={(f) => void chooseFolder(f)}
        />
      )}
      <div className="train-buttons">
        {!running && (
          <button onClick={start} data-testid="train-start" className="primary">
            {weights ? 'Continue' : 'Start'}
          </button>
        )}
        {status === 'running' && (
          <button onClick={run.pause} data-testid="train-pause">
            Pause
          </button>
        )}
        {status === 'paused' && (
          <button onClick={run.resume} data-testid="train-resume">
            Resume
          </button>
        )}
        <button
          onClick={step}
          disabled={status === 'running' || (running && run.measuring !== undefined)}
          data-testid="train-step-once"
          title="Train on one batch, then pause"
        >
          Step
        </button>
        {running && (
          <button onClick={run.stop} data-testid="train-stop">
            Stop
          </button>
        )}
        <button
          onClick={() => setWeights(undefined)}
          disabled={running || !weights}
          data-testid="train-reset"
        >
          Reset weights
        </button>
        <button
          onClick={fileAction(() => exportTrainedOnnx(doc, weights))}
          disabled={running || !weights}
          data-testid="train-export"
        >
          Export trained ONNX
        </button>
        <button onClick={saveWeights} disabled={running || !weights} data-testid="train-save-weights">
          Save weights
        </button>
        <button onClick={loadWeights} disabled={running} data-testid="train-load-weights">
          Load weights…
        </button>
      </div>
      {mismatch && !running && (
        <p className="diag warning" data-testid="train-data-fit">
          {mismatch}
        </p>
      )}
      {!mismatch && resized && !running && (
        <p className="train-note" data-testid="train-data-note">
          {resized}
        </p>
      )}
      {!mismatch && unfit && !running && (
        <p className="diag warning" data-testid="train-data-unfit">
          {unfit}
        </p>
      )}
      {run.error && (
        <p className="diag error" data-testid="train-error">
          {run.error}
        </p>
      )}
      <TrainProgress run={run} epochs={s.epochs} />
      <canvas
        ref={canvas}
        width={288}
        height={288}
        className="picture"
        data-testid="train-picture"
        hidden={!picture}
      />
      {noPicture && (
        <p className="train-note" data-testid="train-picture-note">
          {noPicture}
        </p>
      )}
      {caption && <p className="caption">{caption}</p>}
      <label className="check">
        <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale
      </label>
      <StepChart steps={run.steps} names={run.stepNames} log={log} />
      <EpochChart rows={run.rows} log={log} />
      {digits && (
        <>
          <h4>Confusion matrix (validation, {(digits.accuracy * 100).toFixed(1)}% right)</h4>
          <canvas
            ref={confusion}
            width={288}
            height={288}
            className="picture"
            data-testid="train-confusion"
          />
        </>
      )}
      {filters && (
        <>
          <h4>
            First convolution&apos;s filters ({filters.layer}, {filters.kernel.join('×')})
          </h4>
          <canvas
            ref={filtersCanvas}
            width={288}
            height={36 * Math.ceil(filters.count / 8)}
            className="picture strip"
            data-testid="train-filters"
          />
        </>
      )}
      <LatentPictures latent={run.latent} />
      {/* "Try it" draws a digit: for the MNIST digits only. */}
      {weights && digits && !running && digits.side === 28 && (digits.channels ?? 1) === 1 && (
        <TryIt doc={doc} weights={weights} />
      )}
      {weights && picture?.kind === 'samples' && picture.labels && !running && (
        <DrawDigit doc={doc} weights={weights} />
      )}
      {weights && !running && isTextModel(doc) && <TryText doc={doc} weights={weights} />}
    </div>
  );
}

// The Train panel: dataset and optimizer settings, Start/Pause/Resume/Stop/Reset, the backend and
// steps/s, live charts (uPlot), and the picture that explains the model best: a decision boundary
// for 2-D sets, the fitted curve for 1-D regression, held-out images with predictions and a
// confusion matrix for image classifiers, predicted masks for segmentation, and the first
// convolution's filters.
import { useEffect, useRef, useState } from 'react';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { decodeSafetensors, weightsFileBytes, weightsForModel } from '../../src/document/weights-file.ts';
import { optimizerNames } from '../../src/autodiff/optimizers.ts';
import type { OptimizerName } from '../../src/autodiff/optimizers.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { isImageSetName, isToyName } from '../../src/runtime/datasets/catalogue.ts';
import { currentHost } from '../host/browser-host.ts';
import { useEditor } from '../store/document-store.ts';
import { useWeights, weightsFit } from '../store/weights-store.ts';
import { lowerCached } from '../store/useLowered.ts';
import { EpochChart, StepChart } from './charts.tsx';
import type { EpochRow } from './charts.tsx';
import { drawConfusion, drawFilters, drawPicture, drawPreview } from './pictures.ts';
import { loadFolder } from './image-folder.ts';
import type { ImageFolder } from '../../src/runtime/datasets/image-folder.ts';
import { describeBadImages } from '../../src/runtime/datasets/image-folder.ts';
import { displayImages } from '../../src/runtime/training-pictures.ts';
import { subset } from '../../src/runtime/datasets/dataset.ts';
import { fromWorkerSchema, trainDatasets } from './protocol.ts';
import type { Picture, StartMessage, ToWorker } from './protocol.ts';
import { TryIt } from './TryIt.tsx';

type DatasetChoice = (typeof trainDatasets)[number];

interface Settings {
  dataset: DatasetChoice;
  optimizer: OptimizerName;
  lr: number;
  batch: number;
  epochs: number;
  seed: number;
  /** Train on the first N examples only (0: all), for a quick look at a large set. */
  limit: number;
}

/** The document's own training setup where it has one (templates do), else sensible defaults. */
function settingsFrom(doc: NetloomDocument): Settings {
  const t = (doc.training ?? {}) as {
    dataset?: string;
    batchSize?: number;
    epochs?: number;
    seed?: number;
    objectives?: { optimizer?: { name?: string; lr?: number } }[];
  };
  const opt = t.objectives?.[0]?.optimizer;
  const ds = t.dataset;
  return {
    dataset: ds && (trainDatasets as readonly string[]).includes(ds) ? (ds as DatasetChoice) : 'spirals',
    optimizer: (optimizerNames as readonly string[]).includes(opt?.name ?? '')
      ? (opt!.name as OptimizerName)
      : 'adam',
    lr: opt?.lr ?? 0.01,
    batch: t.batchSize ?? 32,
    epochs: t.epochs ?? 30,
    seed: t.seed ?? 0,
    limit: 0,
  };
}

type Status = 'idle' | 'running' | 'paused' | 'done';

function SelectField<T extends string>(props: {
  label: string;
  field: string;
  value: T;
  options: readonly T[];
  disabled: boolean;
  onChange: (v: T) => void;
}) {
  return (
    <label className="field">
      <span className="field-label">{props.label}</span>
      <select
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as T)}
        disabled={props.disabled}
        data-field={props.field}
      >
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o === '' ? '(as wired)' : o}
          </option>
        ))}
      </select>
    </label>
  );
}

export function TrainPanel() {
  const doc = useEditor((s) => s.doc);
  const [s, setS] = useState<Settings>(() => settingsFrom(doc));
  const [csv, setCsv] = useState<string>();
  const [folder, setFolder] = useState<ImageFolder>();
  const [folderNote, setFolderNote] = useState<string>();
  const preview = useRef<HTMLCanvasElement>(null);
  const [status, setStatus] = useState<Status>('idle');
  const [backend, setBackend] = useState<string>();
  const [rows, setRows] = useState<EpochRow[]>([]);
  const [speed, setSpeed] = useState<number>();
  const [steps, setSteps] = useState<[number[], number[]]>([[], []]);
  const [log, setLog] = useState(false);
  const [error, setError] = useState<string>();
  const weights = useWeights((st) => st.weights);
  const setWeights = useWeights((st) => st.setWeights);
  const [digits, setDigits] = useState<Extract<Picture, { kind: 'digits' }>>();
  const [filters, setFilters] = useState<Extract<Picture, { kind: 'filters' }>>();
  const filtersCanvas = useRef<HTMLCanvasElement>(null);
  const [caption, setCaption] = useState<string>();
  // Which Input node takes the data and which the labels ('' = as wired / none).
  const [bindFeatures, setBindFeatures] = useState('');
  const [bindTargets, setBindTargets] = useState('');
  const inputNames = doc.nodes.filter((n) => n.kind === 'Input').map((n) => n.name ?? n.id);
  const worker = useRef<Worker>(undefined);
  const canvas = useRef<HTMLCanvasElement>(null);
  const confusion = useRef<HTMLCanvasElement>(null);
  const startedAt = useRef(0);
  const pendingSteps = useRef<[number, number][]>([]);
  const flushTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  function flushSteps(): void {
    flushTimer.current = undefined;
    const add = pendingSteps.current;
    pendingSteps.current = [];
    if (add.length) setSteps(([x, y]) => [x.concat(add.map((a) => a[0])), y.concat(add.map((a) => a[1]))]);
  }
  const trainedDoc = useRef(doc);
  const running = status === 'running' || status === 'paused';

  // A new document (a template, an opened file) brings its own training setup and no weights.
  const training = doc.training;
  useEffect(() => {
    if (running) return;
    setS(settingsFrom(doc));
    setBindFeatures('');
    setBindTargets('');
    // Weights that came with the document (an opened ONNX file) stay; others belong to another model.
    if (!weightsFit(doc, useWeights.getState().weights)) setWeights(undefined);
    setDigits(undefined);
  }, [training]);

  // Editing the graph while training stops the run first (asks).
  useEffect(() => {
    if (running && doc !== trainedDoc.current) {
      if (window.confirm('The graph changed while training. Stop training?')) send({ type: 'stop' });
      trainedDoc.current = doc;
    }
  }, [doc, running]);

  useEffect(() => () => worker.current?.terminate(), []);

  useEffect(() => {
    if (digits && confusion.current) drawConfusion(confusion.current, digits);
  }, [digits]);

  useEffect(() => {
    if (filters && filtersCanvas.current) drawFilters(filtersCanvas.current, filters);
  }, [filters]);

  useEffect(() => {
    if (!folder || !preview.current) return;
    // Spread over the set (it is in class order), so every class shows.
    const count = Math.min(16, folder.dataset.size);
    const d = subset(
      folder.dataset,
      Array.from({ length: count }, (_, i) => Math.floor((i * folder.dataset.size) / count)),
    );
    const shown = displayImages(d, count);
    const names = Array.from(d.y, (c) => d.classNames?.[c] ?? String(c));
    drawPreview(
      preview.current,
      shown.pixels,
      count,
      d.featureShape[1]!,
      d.featureShape[2]!,
      shown.channels,
      names,
    );
  }, [folder]);

  /** Decodes the chosen folder at the Input's shape (the one that takes the data). */
  async function chooseFolder(files: readonly File[]): Promise<void> {
    const input = doc.nodes.find(
      (n) =>
        n.kind === 'Input' &&
        (bindFeatures
          ? (n.name ?? n.id) === bindFeatures
          : (n.params as { dtype?: string }).dtype !== 'int64' &&
            ((n.params as { shape?: number[] }).shape ?? []).length === 3),
    );
    const shape = (input?.params as { shape?: number[] } | undefined)?.shape ?? [];
    setFolder(undefined);
    setFolderNote('reading the images…');
    try {
      const normalize =
        (doc.training as { normalizeInputs?: boolean } | undefined)?.normalizeInputs !== false;
      const f = await loadFolder(files, shape, normalize);
      setFolder(f);
      setFolderNote(undefined);
      setError(undefined);
    } catch (e) {
      setFolderNote(undefined);
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  function send(m: ToWorker): void {
    worker.current?.postMessage(m);
  }

  function set<K extends keyof Settings>(k: K, v: Settings[K]): void {
    setS((old) => ({ ...old, [k]: v }));
  }

  function start(): void {
    if (s.dataset === 'image folder' && folder === undefined) {
      setError('Choose a folder first: one sub-folder of PNG or JPEG images per class.');
      return;
    }
    if (s.dataset === 'csv' && csv === undefined) {
      setError('Choose a CSV file first (numeric columns, the label in the last column).');
      return;
    }
    worker.current?.terminate();
    const w = new Worker(new URL('../workers/train.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    trainedDoc.current = doc;
    setSteps([[], []]);
    setRows([]);
    setSpeed(undefined);
    setDigits(undefined);
    setFilters(undefined);
    setError(undefined);
    setStatus('running');
    startedAt.current = performance.now();
    w.onmessage = (e: MessageEvent) => {
      const parsed = fromWorkerSchema.safeParse(e.data);
      if (!parsed.success) return setError('The training worker sent a malformed message.');
      const m = parsed.data;
      if (m.type === 'ready')
        setBackend(
          `${m.backend}${m.backend === 'wasm' ? ` · ${m.threads} thread${m.threads > 1 ? 's' : ''}` : ''}${m.note ? ` (${m.note})` : ''}`,
        );
      else if (m.type === 'step') {
        // Steps are drawn a few times a second, not per message: on a small machine the chart's
        // redraws would take the cores the worker trains on.
        pendingSteps.current.push([m.report.step, m.report.loss]);
        if (!flushTimer.current) flushTimer.current = setTimeout(flushSteps, 300);
      } else if (m.type === 'epoch') {
        setRows((r) => [...r, m.report]);
        setSpeed(m.report.stepsPerSecond);
      } else if (m.type === 'picture') {
        // The first convolution's filters have a canvas of their own, under the main picture.
        if (m.picture.kind === 'filters') return setFilters(m.picture);
        if (canvas.current) drawPicture(canvas.current, m.picture);
        if (m.picture.kind === 'digits') setDigits(m.picture);
        setCaption(
          m.picture.kind === 'samples'
            ? (m.picture.caption ?? 'generated from the same fixed noise each time')
            : m.picture.kind === 'masks'
              ? `image · true mask · predicted mask — ${(m.picture.pixelAccuracy * 100).toFixed(1)}% of pixels right, mean IoU ${m.picture.meanIoU.toFixed(2)}`
              : undefined,
        );
      } else if (m.type === 'done') {
        flushSteps();
        setWeights(m.weights);
        setStatus('done');
      } else {
        setError(`Training stopped: ${m.message}`);
        setStatus('done');
      }
    };
    w.onerror = (e) => {
      setError(`Training stopped: ${e.message || 'the worker failed'}`);
      setStatus('done');
    };
    const fd = folder?.dataset;
    const dataset: StartMessage['dataset'] =
      s.dataset === 'image folder' && fd
        ? {
            kind: 'tensors',
            dataset: {
              name: fd.name,
              task: 'classification',
              featureShape: [...fd.featureShape],
              targetShape: [],
              size: fd.size,
              x: fd.x,
              y: fd.y,
              classes: fd.classes ?? 2,
              classNames: [...(fd.classNames ?? [])],
              ...(fd.pixelStats
                ? { pixelStats: { mean: [...fd.pixelStats.mean], std: [...fd.pixelStats.std] } }
                : {}),
            },
          }
        : s.dataset === 'csv'
          ? { kind: 'csv', text: csv ?? '', name: 'data.csv' }
          : s.dataset === 'mnist'
            ? { kind: 'mnist', packedUrl: new URL('mnist-digits.bin', document.baseURI).href }
            : {
                kind: 'builtin',
                name: isToyName(s.dataset) || isImageSetName(s.dataset) ? s.dataset : 'spirals',
              };
    const msg: StartMessage = {
      type: 'start',
      document: doc,
      dataset,
      epochs: s.epochs,
      batchSize: s.batch,
      seed: s.seed,
      optimizer: { name: s.optimizer, lr: s.lr },
      stepEvery: 5,
      ...(s.limit > 0 ? { limit: Math.floor(s.limit) } : {}),
      ...(bindFeatures || bindTargets
        ? {
            inputs: {
              ...(bindFeatures ? { features: bindFeatures } : {}),
              ...(bindTargets ? { targets: bindTargets } : {}),
            },
          }
        : {}),
      ...(weights ? { weights } : {}),
    };
    w.postMessage(msg);
  }

  async function exportTrained(): Promise<void> {
    try {
      const { bytes } = exportDocument(doc, { weights: new Map(Object.entries(weights ?? {})) });
      await currentHost().saveFile(bytes, {
        suggestedName: `${doc.name.replace(/[^\w.-]+/g, '-')}-trained.onnx`,
        filters: [{ name: 'ONNX model', extensions: ['onnx'] }],
      });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  /** The weights as a safetensors sidecar (torch's state_dict names) beside the project file. */
  async function saveWeights(): Promise<void> {
    if (!weights) return;
    try {
      await currentHost().saveFile(
        weightsFileBytes(lowerCached(doc).graph.weights, new Map(Object.entries(weights)), doc.name),
        {
          suggestedName: `${doc.name.replace(/[^\w.-]+/g, '-')}.safetensors`,
          filters: [{ name: 'Weights (safetensors)', extensions: ['safetensors'] }],
        },
      );
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  async function loadWeights(): Promise<void> {
    try {
      const file = await currentHost().openFile([
        { name: 'Weights (safetensors)', extensions: ['safetensors'] },
      ]);
      if (!file) return;
      const values = weightsForModel(
        decodeSafetensors(file.bytes, file.name),
        lowerCached(doc).graph.weights,
        file.name,
      );
      setWeights(Object.fromEntries(values));
      setError(undefined);
      setStatus('done');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  const last = rows.at(-1);
  const elapsed = (performance.now() - startedAt.current) / 1000;
  const eta = last && last.epoch < s.epochs ? (elapsed / last.epoch) * (s.epochs - last.epoch) : 0;
  const numbers = [
    ['Learning rate', 'lr'],
    ['Batch size', 'batch'],
    ['Epochs', 'epochs'],
    ['Seed', 'seed'],
    ['Examples (0 = all)', 'limit'],
  ] as const;
  return (
    <div className="train-panel" data-testid="train-panel">
      <SelectField
        label="Dataset"
        field="dataset"
        value={s.dataset}
        options={trainDatasets}
        disabled={running}
        onChange={(v) => set('dataset', v)}
      />
      {s.dataset === 'image folder' && (
        <>
          <label className="field">
            <span className="field-label">Folder</span>
            <input
              type="file"
              multiple
              data-testid="train-folder"
              disabled={running}
              ref={(el) => el?.setAttribute('webkitdirectory', '')}
              onChange={(e) => void chooseFolder([...(e.target.files ?? [])])}
            />
          </label>
          {folderNote && <p className="caption">{folderNote}</p>}
          {folder && (
            <>
              <p className="caption" data-testid="train-folder-summary">
                {folder.dataset.size} images in {folder.counts.length} classes:{' '}
                {(folder.dataset.classNames ?? []).map((n, k) => `${n} ${folder.counts[k]}`).join(', ')}
              </p>
              {folder.bad.length > 0 && (
                <p className="caption" data-testid="train-folder-bad">
                  {describeBadImages(folder.bad)}
                </p>
              )}
              <canvas
                ref={preview}
                width={288}
                height={36 * Math.ceil(Math.min(16, folder.dataset.size) / 8)}
                className="picture"
                data-testid="train-folder-preview"
              />
            </>
          )}
        </>
      )}
      {s.dataset === 'csv' && (
        <label className="field">
          <span className="field-label">CSV file</span>
          <input
            type="file"
            accept=".csv"
            onChange={async (e) => setCsv(await e.target.files?.[0]?.text())}
          />
        </label>
      )}
      <SelectField
        label="Optimizer"
        field="optimizer"
        value={s.optimizer}
        options={optimizerNames}
        disabled={running}
        onChange={(v) => set('optimizer', v)}
      />
      {inputNames.length > 1 && (
        <>
          <SelectField
            label="Data goes to"
            field="bind-features"
            value={bindFeatures}
            options={['', ...inputNames]}
            disabled={running}
            onChange={setBindFeatures}
          />
          <SelectField
            label="Labels go to"
            field="bind-targets"
            value={bindTargets}
            options={['', ...inputNames]}
            disabled={running}
            onChange={setBindTargets}
          />
        </>
      )}
      {numbers.map(([label, f]) => (
        <label className="field" key={`${f}-${String(s[f])}`}>
          <span className="field-label">{label}</span>
          <input
            type="text"
            defaultValue={String(s[f])}
            disabled={running}
            data-field={f}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (e.target.value.trim() !== '' && Number.isFinite(v)) set(f, v);
            }}
          />
        </label>
      ))}
      <div className="train-buttons">
        {!running && (
          <button onClick={start} data-testid="train-start" className="primary">
            {weights ? 'Continue' : 'Start'}
          </button>
        )}
        {status === 'running' && (
          <button onClick={() => (send({ type: 'pause' }), setStatus('paused'))} data-testid="train-pause">
            Pause
          </button>
        )}
        {status === 'paused' && (
          <button onClick={() => (send({ type: 'resume' }), setStatus('running'))} data-testid="train-resume">
            Resume
          </button>
        )}
        {running && (
          <button onClick={() => send({ type: 'stop' })} data-testid="train-stop">
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
        <button onClick={exportTrained} disabled={running || !weights} data-testid="train-export">
          Export trained ONNX
        </button>
        <button onClick={saveWeights} disabled={running || !weights} data-testid="train-save-weights">
          Save weights
        </button>
        <button onClick={loadWeights} disabled={running} data-testid="train-load-weights">
          Load weights…
        </button>
      </div>
      {error && (
        <p className="diag error" data-testid="train-error">
          {error}
        </p>
      )}
      <div className="train-status" data-testid="train-status">
        <span data-testid="train-backend">{backend ?? '–'}</span>
        <span data-testid="train-speed">{speed !== undefined ? `${speed.toFixed(0)} steps/s` : ''}</span>
      </div>
      <progress max={s.epochs} value={last?.epoch ?? 0} />
      <div className="train-status">
        <span data-testid="train-epoch">{last ? `epoch ${last.epoch}/${s.epochs}` : status}</span>
        <span>{running && eta > 0 ? `ETA ${eta.toFixed(0)} s` : status === 'done' ? 'done' : ''}</span>
      </div>
      <dl className="facts">
        <div>
          <dt>Loss</dt>
          <dd data-testid="train-loss">{last ? last.loss.toFixed(4) : '–'}</dd>
        </div>
        <div>
          <dt>Validation loss</dt>
          <dd>{last?.valLoss !== undefined ? last.valLoss.toFixed(4) : '–'}</dd>
        </div>
        <div>
          <dt>Validation accuracy</dt>
          <dd data-testid="train-accuracy">
            {last?.valAccuracy !== undefined ? `${(last.valAccuracy * 100).toFixed(1)}%` : '–'}
          </dd>
        </div>
      </dl>
      <canvas ref={canvas} width={288} height={288} className="picture" data-testid="train-picture" />
      {caption && <p className="caption">{caption}</p>}
      <label className="check">
        <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale
      </label>
      <StepChart steps={steps} log={log} />
      <EpochChart rows={rows} log={log} />
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
            className="picture"
            data-testid="train-filters"
          />
        </>
      )}
      {weights && digits && !running && digits.side === 28 && <TryIt doc={doc} weights={weights} />}
    </div>
  );
}

// One training run in a Web Worker: starting it (a fresh worker per run), pause, resume and stop,
// and what its messages say — checked with the protocol's schema, then kept as React state for
// the Train panel's views. Editing the graph while it runs asks to stop it.
import { useEffect, useRef, useState } from 'react';
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { StartMessage, TrainingPicture, WorkerMessage } from '../../src/runtime/worker-protocol.ts';
import { workerEventSchema } from '../../src/runtime/worker-protocol.ts';
import { useWeights } from '../store/weights-store.ts';
import type { EpochRow } from './charts.tsx';

export type RunStatus = 'idle' | 'running' | 'paused' | 'done';

export type DigitsPicture = Extract<TrainingPicture, { kind: 'digits' }>;
export type FiltersPicture = Extract<TrainingPicture, { kind: 'filters' }>;

export interface TrainingRun {
  readonly status: RunStatus;
  /** Running or paused: the settings are locked. */
  readonly running: boolean;
  /** Where it trains, e.g. "wasm · 2 threads". */
  readonly backend: string | undefined;
  readonly rows: readonly EpochRow[];
  readonly speed: number | undefined;
  /** Step numbers and losses, for the step chart. */
  readonly steps: [number[], number[]];
  /** The latest picture the worker drew (kept until the next one); filters come apart. */
  readonly picture: Exclude<TrainingPicture, FiltersPicture> | undefined;
  /** The first convolution's filters after the latest epoch (an image net's second picture). */
  readonly filters: FiltersPicture | undefined;
  /** The latest held-out images of this run (an image classifier), for the confusion matrix and "Try it". */
  readonly digits: DigitsPicture | undefined;
  readonly error: string | undefined;
  /** performance.now() when the run started, for the ETA. */
  readonly startedAt: number;
  start(message: StartMessage & { readonly document: NetloomDocument }): void;
  pause(): void;
  resume(): void;
  stop(): void;
  setError(message: string | undefined): void;
  /** Weights arrived from elsewhere (a loaded file): the run state says there is a result. */
  markDone(): void;
  forgetDigits(): void;
}

export function useTrainingRun(doc: NetloomDocument): TrainingRun {
  const [status, setStatus] = useState<RunStatus>('idle');
  const [backend, setBackend] = useState<string>();
  const [rows, setRows] = useState<EpochRow[]>([]);
  const [speed, setSpeed] = useState<number>();
  const [steps, setSteps] = useState<[number[], number[]]>([[], []]);
  const [picture, setPicture] = useState<Exclude<TrainingPicture, FiltersPicture>>();
  const [filters, setFilters] = useState<FiltersPicture>();
  const [digits, setDigits] = useState<DigitsPicture>();
  const [error, setError] = useState<string>();
  const worker = useRef<Worker>(undefined);
  const startedAt = useRef(0);
  const trainedDoc = useRef(doc);
  const pendingSteps = useRef<[number, number][]>([]);
  const flushTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const running = status === 'running' || status === 'paused';

  function flushSteps(): void {
    flushTimer.current = undefined;
    const add = pendingSteps.current;
    pendingSteps.current = [];
    if (add.length) setSteps(([x, y]) => [x.concat(add.map((a) => a[0])), y.concat(add.map((a) => a[1]))]);
  }

  function send(m: WorkerMessage): void {
    worker.current?.postMessage(m);
  }

  // Editing the graph while training stops the run first (asks).
  useEffect(() => {
    if (running && doc !== trainedDoc.current) {
      if (window.confirm('The graph changed while training. Stop training?')) send({ type: 'stop' });
      trainedDoc.current = doc;
    }
  }, [doc, running]);

  useEffect(() => () => worker.current?.terminate(), []);

  function start(message: StartMessage & { readonly document: NetloomDocument }): void {
    worker.current?.terminate();
    const w = new Worker(new URL('../workers/train.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    trainedDoc.current = message.document;
    setSteps([[], []]);
    setRows([]);
    setSpeed(undefined);
    setDigits(undefined);
    setFilters(undefined);
    setError(undefined);
    setStatus('running');
    startedAt.current = performance.now();
    w.onmessage = (e: MessageEvent) => {
      const parsed = workerEventSchema.safeParse(e.data);
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
        if (m.picture.kind === 'filters') return setFilters(m.picture);
        setPicture(m.picture);
        if (m.picture.kind === 'digits') setDigits(m.picture);
      } else if (m.type === 'done') {
        flushSteps();
        useWeights.getState().setWeights(m.weights);
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
    w.postMessage(message);
  }

  return {
    status,
    running,
    backend,
    rows,
    speed,
    steps,
    picture,
    filters,
    digits,
    error,
    startedAt: startedAt.current,
    start,
    pause: () => (send({ type: 'pause' }), setStatus('paused')),
    resume: () => (send({ type: 'resume' }), setStatus('running')),
    stop: () => send({ type: 'stop' }),
    setError,
    markDone: () => setStatus('done'),
    forgetDigits: () => setDigits(undefined),
  };
}

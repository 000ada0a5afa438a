// One training run in a Web Worker: where it trains (the backend chosen by a short measured probe,
// remembered per model and machine, or the user's pick), starting it, pause, resume and stop, and
// what its messages say — checked with the protocol's schema, then kept as React state for the
// Train panel's views. Editing the graph while it runs asks to stop it.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { NetloomDocument } from '../../src/document/schema.ts';
import type {
  ProbeMessage,
  StartMessage,
  TrainingPicture,
  WorkerEvent,
  WorkerMessage,
} from '../../src/runtime/worker-protocol.ts';
import { workerEventSchema } from '../../src/runtime/worker-protocol.ts';
import { useWeights } from '../store/weights-store.ts';
import { useIdleCopy } from '../lib/idle-copy.ts';
import type { Candidate, Measured, Offer } from './backend-choice.ts';
import {
  candidateId,
  candidateLabel,
  combineProbes,
  fastestMeasured,
  gpuAdapter,
  machineKey,
  mergeMeasured,
  modelKey,
  choiceReason,
  offerFor,
  probeOrder,
  recall,
  remember,
  sameCandidate,
} from './backend-choice.ts';
import type { EpochRow } from './chart-series.ts';
import { recordAppRun } from '../runs/app-runs.ts';

export type RunStatus = 'idle' | 'running' | 'paused' | 'done';

export type DigitsPicture = Extract<TrainingPicture, { kind: 'digits' }>;
export type FiltersPicture = Extract<TrainingPicture, { kind: 'filters' }>;
export type LatentGrid = Extract<TrainingPicture, { kind: 'latent-grid' }>;
export type LatentScatter = Extract<TrainingPicture, { kind: 'latent-scatter' }>;
export type LatentPicture = LatentGrid | LatentScatter;
export interface LatentPictures {
  readonly grid?: LatentGrid;
  readonly scatter?: LatentScatter;
}

/** 'auto': the measured choice; otherwise the candidate the user picked. */
export type BackendPick = 'auto' | Candidate;

/** Step numbers, then one loss column per objective (null where an objective did not report). */
export type StepSeries = [number[], ...(number | null)[][]];

export interface LiveSpeed {
  /** The epoch the latest step was in (from the first step on, not after the epoch ends). */
  readonly epoch: number;
  /** Steps per second over the last second or so of steps. */
  readonly stepsPerSecond: number;
  /** Seconds left at that rate. */
  readonly eta: number;
  readonly step: number;
  readonly totalSteps: number;
}

export interface TrainingRun {
  readonly status: RunStatus;
  /** Running or paused: the settings are locked. */
  readonly running: boolean;
  /** Where it trains, e.g. "wasm · 2 threads", with a note when there is one. */
  readonly backend: string | undefined;
  /** Why it trains there: the probe's numbers, the user's pick, or why there was no choice. */
  readonly why: string | undefined;
  /** While the probe runs: what it is measuring. */
  readonly measuring: string | undefined;
  /** What this machine offers, once known. */
  readonly offer: Offer | undefined;
  /** Measured step times of this model here (from the probe, or remembered). */
  readonly measured: readonly Measured[];
  readonly pick: BackendPick;
  /** The candidate this model trains on here when picking is 'auto' (remembered or measured). */
  readonly chosen: Candidate | undefined;
  setPick(p: BackendPick): void;
  readonly rows: readonly EpochRow[];
  /** Steps/s and ETA from the step messages, so speed shows from the first seconds. */
  readonly live: LiveSpeed | undefined;
  /** Step numbers and each objective's losses, for the step chart (a GAN: D and G apart). */
  readonly steps: StepSeries;
  /** The objectives' names, in the order of `steps`' loss columns. */
  readonly stepNames: readonly string[];
  /** The latest picture the worker drew (kept until the next one); filters and latent pictures come apart. */
  readonly picture: Exclude<TrainingPicture, FiltersPicture | LatentPicture> | undefined;
  /** A VAE's latent grid and an autoencoder's latent scatter after the latest epoch. */
  readonly latent: LatentPictures;
  /** The first convolution's filters after the latest epoch (an image net's second picture). */
  readonly filters: FiltersPicture | undefined;
  /** The latest held-out images of this run (an image classifier), for the confusion matrix and "Try it". */
  readonly digits: DigitsPicture | undefined;
  readonly error: string | undefined;
  start(message: StartMessage & { readonly document: NetloomDocument }): void;
  pause(): void;
  resume(): void;
  /**
   * One batch: while paused, the next step; before a run (or after one), starts it with `message`
   * and stops after its first step, paused.
   */
  stepOnce(message: StartMessage & { readonly document: NetloomDocument }): void;
  stop(): void;
  setError(message: string | undefined): void;
  /** Weights arrived from elsewhere (a loaded file): the run state says there is a result. */
  markDone(): void;
  forgetDigits(): void;
}

function spawn(c: Candidate): Worker {
  // Two bundles: the WebGPU-capable onnxruntime build is only fetched when WebGPU trains.
  return c.backend === 'webgpu'
    ? new Worker(new URL('../workers/train-webgpu.worker.ts', import.meta.url), { type: 'module' })
    : new Worker(new URL('../workers/train-wasm.worker.ts', import.meta.url), { type: 'module' });
}

function parseEvent(data: unknown): WorkerEvent | undefined {
  const parsed = workerEventSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

/** Times a few steps of the run on one candidate's worker; rejects with the worker's error. */
function probeOn(w: Worker, m: StartMessage, c: Candidate): Promise<Measured> {
  return new Promise((resolve, reject) => {
    w.onmessage = (e: MessageEvent) => {
      const ev = parseEvent(e.data);
      if (ev?.type === 'probed') resolve({ backend: c.backend, threads: c.threads, msPerStep: ev.msPerStep });
      else if (ev?.type === 'error') reject(new Error(ev.message));
    };
    w.onerror = (e) => reject(new Error(e.message || 'the worker failed'));
    const probe: ProbeMessage = {
      type: 'probe',
      document: m.document,
      dataset: m.dataset,
      ...(m.batchSize !== undefined ? { batchSize: m.batchSize } : {}),
      ...(m.seed !== undefined ? { seed: m.seed } : {}),
      ...(m.optimizer ? { optimizer: m.optimizer } : {}),
      ...(m.inputs ? { inputs: m.inputs } : {}),
      backend: c.backend,
      threads: c.threads,
      // Twice per candidate (probeOrder): 2.4 s each in all, as 1.6 s was in one pass.
      warmupMs: 600,
      measureMs: 600,
    };
    w.postMessage(probe);
  });
}

const storage = (): Storage | undefined => {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
};

async function machineOffer(): Promise<Offer> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  return offerFor(navigator.hardwareConcurrency || 1, self.crossOriginIsolated, await gpuAdapter(gpu));
}

export function useTrainingRun(doc: NetloomDocument, batchSize: number, optimizer: string): TrainingRun {
  const [status, setStatus] = useState<RunStatus>('idle');
  const [backend, setBackend] = useState<string>();
  const [why, setWhy] = useState<string>();
  const [measuring, setMeasuring] = useState<string>();
  const [offer, setOffer] = useState<Offer>();
  const [measured, setMeasured] = useState<Measured[]>([]);
  const [pick, setPick] = useState<BackendPick>('auto');
  const [chosen, setChosen] = useState<Candidate>();
  const [rows, setRows] = useState<EpochRow[]>([]);
  const [live, setLive] = useState<LiveSpeed>();
  const [steps, setSteps] = useState<StepSeries>([[]]);
  const [stepNames, setStepNames] = useState<string[]>([]);
  const [picture, setPicture] = useState<Exclude<TrainingPicture, FiltersPicture | LatentPicture>>();
  const [latent, setLatent] = useState<LatentPictures>({});
  const [filters, setFilters] = useState<FiltersPicture>();
  const [digits, setDigits] = useState<DigitsPicture>();
  const [error, setError] = useState<string>();
  const worker = useRef<Worker>(undefined);
  const probing = useRef<Worker[]>([]);
  const runToken = useRef(0);
  const trainedDoc = useRef(doc);
  const pendingSteps = useRef<{ step: number; objective: string; loss: number }[]>([]);
  const names = useRef<string[]>([]);
  const recent = useRef<{ step: number; seconds: number; total: number; epoch: number }[]>([]);
  /** A run started by Step: paused after its first step. */
  const startPaused = useRef(false);
  const flushTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const offerPromise = useRef<Promise<Offer>>(undefined);
  const running = status === 'running' || status === 'paused';

  offerPromise.current ??= machineOffer();
  useEffect(() => {
    void offerPromise.current!.then(setOffer);
  }, []);

  // What this model was measured at here, and its remembered choice. The model's key hashes the
  // whole document's text (kept in parts: a join and a hash per edit, a few ms at 5,000 layers),
  // of a copy taken when the page is idle: a deferred render still runs before the edit's frame
  // is painted, and typing a number is a burst of edits.
  const keyDoc = useIdleCopy(doc);
  const modelHash = useMemo(() => modelKey(keyDoc, batchSize, optimizer), [keyDoc, batchSize, optimizer]);
  const keys = offer && {
    machine: machineKey(navigator.hardwareConcurrency || 1, self.crossOriginIsolated, offer.adapter),
    model: modelHash,
  };
  const machineId = keys?.machine;
  const modelId = keys?.model;
  useEffect(() => {
    const s = storage();
    if (!machineId || !modelId || !s) return;
    const r = recall(s, machineId, modelId);
    setMeasured(r?.measured ?? []);
    setChosen(r?.choice);
    setPick(r?.picked ? r.choice : 'auto');
  }, [machineId, modelId]);

  function flushSteps(): void {
    flushTimer.current = undefined;
    const add = pendingSteps.current;
    pendingSteps.current = [];
    if (add.length) {
      for (const a of add) if (!names.current.includes(a.objective)) names.current.push(a.objective);
      const width = names.current.length;
      setSteps((old) => {
        const x = [...old[0]];
        const cols = names.current.map((_, k) => [...(old[k + 1] ?? old[0].map(() => null))]);
        for (const a of add) {
          // Each objective of a step reports the same step number: one x, a column each.
          if (x.at(-1) !== a.step) {
            x.push(a.step);
            for (const c of cols) c.push(null);
          }
          cols[names.current.indexOf(a.objective)]![x.length - 1] = a.loss;
        }
        return [x, ...cols.slice(0, width)];
      });
      setStepNames([...names.current]);
    }
    const r = recent.current;
    const last = r.at(-1);
    if (!last) return;
    // The rate over about the last two seconds of steps (from the first step at the start).
    let first = r[0]!;
    for (const p of r) if (last.seconds - p.seconds >= 2) first = p;
    const dt = last.seconds - first.seconds;
    const ds = last.step - first.step;
    const rate = dt > 0 && ds > 0 ? ds / dt : last.seconds > 0 ? last.step / last.seconds : 0;
    if (rate > 0) {
      setLive({
        stepsPerSecond: rate,
        eta: (last.total - last.step) / rate,
        step: last.step,
        totalSteps: last.total,
        epoch: last.epoch,
      });
    }
    recent.current = r.filter((p) => last.seconds - p.seconds < 5);
  }

  function send(m: WorkerMessage): void {
    worker.current?.postMessage(m);
  }

  function stopAll(): void {
    runToken.current++;
    worker.current?.terminate();
    worker.current = undefined;
    for (const w of probing.current) w.terminate();
    probing.current = [];
  }

  // Editing the graph while training stops the run first (asks).
  useEffect(() => {
    if (running && doc !== trainedDoc.current) {
      if (window.confirm('The graph changed while training. Stop training?')) stop();
      trainedDoc.current = doc;
    }
  }, [doc, running]);

  useEffect(() => () => stopAll(), []);

  function stop(): void {
    if (measuring !== undefined || probing.current.length) {
      stopAll();
      setMeasuring(undefined);
      setStatus('done');
      return;
    }
    send({ type: 'stop' });
  }

  /** The candidate to train on: the user's pick, the remembered choice, or the probe's answer. */
  async function choose(
    m: StartMessage,
    token: number,
  ): Promise<{ candidate: Candidate; worker?: Worker; why: string } | undefined> {
    const off = await offerPromise.current!;
    const s = storage();
    const machine = machineKey(navigator.hardwareConcurrency || 1, self.crossOriginIsolated, off.adapter);
    const model = modelKey(
      m.document as NetloomDocument,
      m.batchSize ?? batchSize,
      m.optimizer?.name ?? optimizer,
    );
    const old = s ? recall(s, machine, model) : undefined;
    const offered = (c: Candidate): boolean => off.all.some((o) => sameCandidate(o, c));
    if (pick !== 'auto' && offered(pick)) {
      if (s)
        remember(s, machine, model, {
          choice: pick,
          picked: true,
          measured: old?.measured ?? [],
          at: Date.now(),
        });
      return { candidate: pick, why: choiceReason('picked', pick, off, old?.measured ?? []) };
    }
    const probeable = (c: Candidate): boolean => off.probe.some((o) => sameCandidate(o, c));
    if (old && !old.picked && probeable(old.choice))
      return { candidate: old.choice, why: choiceReason('remembered', old.choice, off, old.measured) };
    // Back to automatic after a pick: the measurements stand if they cover every candidate.
    const known = old?.measured ?? [];
    if (off.probe.every((c) => known.some((k) => sameCandidate(k, c)))) {
      const best = fastestMeasured(known, off.probe)!;
      if (s) remember(s, machine, model, { choice: best, picked: false, measured: known, at: Date.now() });
      setChosen(best);
      return { candidate: best, why: choiceReason('remembered', best, off, known) };
    }
    if (off.probe.length === 1)
      return { candidate: off.probe[0]!, why: choiceReason('only', off.probe[0]!, off, known) };
    const times: Measured[] = [];
    const alive = new Map<string, Worker>();
    const failed = new Set<string>();
    for (const c of probeOrder(off.probe)) {
      if (token !== runToken.current) return undefined;
      const id = candidateId(c);
      if (failed.has(id)) continue;
      setMeasuring(candidateLabel(c, off.adapter));
      const w = alive.get(id) ?? spawn(c);
      if (!alive.has(id)) probing.current.push(w);
      try {
        times.push(await probeOn(w, m, c));
        alive.set(id, w);
        setMeasured((old) => mergeMeasured(old, combineProbes(times)));
      } catch {
        // A candidate that cannot run this model is simply not chosen.
        w.terminate();
        alive.delete(id);
        failed.add(id);
      }
    }
    if (token !== runToken.current) return undefined;
    setMeasuring(undefined);
    const fresh = combineProbes(times.filter((t) => !failed.has(candidateId(t))));
    const best = fastestMeasured(fresh, off.probe) ?? off.probe[0]!;
    const keepWorker = alive.get(candidateId(best));
    for (const w of alive.values()) if (w !== keepWorker) w.terminate();
    probing.current = [];
    if (s) {
      remember(s, machine, model, {
        choice: best,
        picked: false,
        measured: mergeMeasured(old?.measured ?? [], fresh),
        at: Date.now(),
      });
    }
    setChosen(best);
    return {
      candidate: best,
      why: choiceReason('measured', best, off, fresh),
      ...(keepWorker ? { worker: keepWorker } : {}),
    };
  }

  function run(
    w: Worker,
    c: Candidate,
    message: StartMessage & { readonly document: NetloomDocument },
    note?: string,
  ): void {
    const off = offer;
    let epochs = 0;
    worker.current = w;
    // The run history (renderer/runs) keeps every run: it sees the same checked messages.
    const recording = recordAppRun(message, candidateLabel(c, off?.adapter));
    w.onmessage = (e: MessageEvent) => {
      const m = parseEvent(e.data);
      if (!m) return setError('The training worker sent a malformed message.');
      recording.event(m);
      if (m.type === 'ready') {
        setBackend(
          `${candidateLabel({ backend: c.backend, threads: m.threads }, off?.adapter)}${note ? ` (${note})` : ''}`,
        );
      } else if (m.type === 'step') {
        // Steps are drawn a few times a second, not per message: on a small machine the chart's
        // redraws would take the cores the worker trains on.
        pendingSteps.current.push({
          step: m.report.step,
          objective: m.report.objective,
          loss: m.report.loss,
        });
        recent.current.push({
          step: m.report.step,
          seconds: m.report.seconds,
          total: m.report.totalSteps,
          epoch: m.report.epoch,
        });
        if (!flushTimer.current) flushTimer.current = setTimeout(flushSteps, 300);
      } else if (m.type === 'epoch') {
        epochs++;
        setRows((r) => [...r, m.report]);
      } else if (m.type === 'picture') {
        if (m.picture.kind === 'filters') return setFilters(m.picture);
        if (m.picture.kind === 'latent-grid')
          return setLatent((l) => ({ ...l, grid: m.picture as LatentGrid }));
        if (m.picture.kind === 'latent-scatter')
          return setLatent((l) => ({ ...l, scatter: m.picture as LatentScatter }));
        setPicture(m.picture);
        if (m.picture.kind === 'digits') setDigits(m.picture);
      } else if (m.type === 'done') {
        flushSteps();
        useWeights.getState().setWeights(m.weights);
        setStatus('done');
      } else if (m.type === 'error') {
        // A wrong model or wrong data (a NetloomError's code) fails on every backend: say so as it is.
        if (c.backend === 'webgpu' && epochs === 0 && m.code === undefined) {
          // WebGPU could not run this model: train on WASM instead, and say why.
          w.terminate();
          const wasm: Candidate = { backend: 'wasm', threads: 1 };
          const why = `WebGPU could not run this model (${m.message.split('\n')[0]}); training on WASM`;
          run(spawn(wasm), wasm, message, why);
          return;
        }
        setError(`Training stopped: ${m.message}`);
        setStatus('done');
      }
    };
    w.onerror = (e) => {
      setError(`Training stopped: ${e.message || 'the worker failed'}`);
      setStatus('done');
    };
    w.postMessage({ ...message, backend: c.backend, threads: c.threads } satisfies StartMessage);
    if (startPaused.current) {
      // The worker reads messages in order: it pauses before its first step, then takes one.
      startPaused.current = false;
      w.postMessage({ type: 'pause' } satisfies WorkerMessage);
      w.postMessage({ type: 'step-once' } satisfies WorkerMessage);
    }
  }

  function start(message: StartMessage & { readonly document: NetloomDocument }, paused = false): void {
    stopAll();
    startPaused.current = paused;
    const token = runToken.current;
    trainedDoc.current = message.document;
    setSteps([[]]);
    setStepNames([]);
    names.current = [];
    pendingSteps.current = [];
    setRows([]);
    setLive(undefined);
    recent.current = [];
    // A fresh run's pictures would show the old weights' predictions; a continued run keeps them until its next.
    if (!message.weights) setPicture(undefined);
    setDigits(undefined);
    setFilters(undefined);
    setLatent({});
    setError(undefined);
    setBackend(undefined);
    setWhy(undefined);
    setStatus(startPaused.current ? 'paused' : 'running');
    void choose(message, token)
      .then((r) => {
        if (!r || token !== runToken.current) return;
        setChosen((old) => old ?? r.candidate);
        setWhy(r.why);
        run(r.worker ?? spawn(r.candidate), r.candidate, message);
      })
      .catch((e: unknown) => {
        setMeasuring(undefined);
        setError(`Training stopped: ${e instanceof Error ? e.message : String(e)}`);
        setStatus('done');
      });
  }

  /** The user's pick, kept for this model here (automatic again: the measurements decide). */
  function choosePick(p: BackendPick): void {
    setPick(p);
    const s = storage();
    if (!s || !machineId || !modelId) return;
    const old = recall(s, machineId, modelId);
    if (p !== 'auto')
      remember(s, machineId, modelId, {
        choice: p,
        picked: true,
        measured: old?.measured ?? [],
        at: Date.now(),
      });
    else if (old?.picked) {
      // Without measurements of every candidate the next Start measures them (the pick stays stored).
      const known = old.measured;
      if (!(offer?.probe ?? []).every((c) => known.some((k) => sameCandidate(k, c)))) return;
      const best = fastestMeasured(known, offer!.probe);
      if (best) remember(s, machineId, modelId, { ...old, choice: best, picked: false, at: Date.now() });
      setChosen(best);
    }
  }

  return {
    status,
    running,
    backend,
    why,
    measuring,
    offer,
    measured,
    pick,
    chosen,
    setPick: choosePick,
    rows,
    live,
    steps,
    stepNames,
    picture,
    latent,
    filters,
    digits,
    error,
    start: (message) => start(message),
    pause: () => (send({ type: 'pause' }), setStatus('paused')),
    resume: () => (send({ type: 'resume' }), setStatus('running')),
    stepOnce: (message) => {
      if (status === 'paused' && worker.current) return send({ type: 'step-once' });
      if (running) return;
      start(message, true);
    },
    stop,
    setError,
    markDone: () => setStatus('done'),
    forgetDigits: () => setDigits(undefined),
  };
}

// The Runs tab's search: searchable parameters picked from the document (a layer's field, a
// training setting) with a list or range in netloom search's syntax, a strategy and a budget; the
// candidates train in parallel Web Workers (one WASM thread each), each recorded as a run, and show
// live as validation error against FLOPs and parameters with the Pareto front and the start marked.
// Clicking a point opens that candidate as the document, as one undo step (Undo returns).
import { useMemo, useRef, useState } from 'react';
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { Evaluation, SearchResult, SearchStrategy } from '../../src/experiments/search.ts';
import { paretoFront, pickBest, searchStrategies } from '../../src/experiments/search.ts';
import type { SearchParam } from '../../src/experiments/search-space.ts';
import { parseSearchParam, trainingKeys } from '../../src/experiments/search-space.ts';
import { useEditor } from '../store/document-store.ts';
import { settingsFrom } from '../train/settings.ts';
import { runAppSearch, searchDataset } from './app-search.ts';
import { runsChanged } from './app-runs.ts';
import type { ScatterPoint } from './SearchScatter.tsx';
import { SearchScatter } from './SearchScatter.tsx';

interface ParamRow {
  readonly target: string;
  readonly values: string;
}

interface Found {
  readonly evaluation: Evaluation;
  readonly doc: NetloomDocument;
}

const layerKinds = new Set(['Input', 'Output']);

/** What can be searched in this document: training settings, then each layer's numeric fields. */
export function searchTargets(doc: NetloomDocument): { value: string; label: string }[] {
  const out: { value: string; label: string }[] = trainingKeys.map((k) => ({ value: k, label: k }));
  for (const n of doc.nodes) {
    if (layerKinds.has(n.kind)) continue;
    for (const [field, v] of Object.entries(n.params ?? {})) {
      const numeric =
        (typeof v === 'number' && Number.isInteger(v)) ||
        (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && x === v[0]));
      if (numeric) out.push({ value: `${n.id}.${field}`, label: `${n.name ?? n.id} (${n.kind}) ${field}` });
    }
  }
  for (const g of doc.groups) out.push({ value: `${g.id}.repeat`, label: `${g.name} (block) repeat count` });
  return out;
}

const defaultValues = (target: string) =>
  target === 'lr'
    ? '1e-3..1e-1:log'
    : target === 'batchSize'
      ? '16,32,64'
      : target === 'epochs'
        ? '5,10'
        : target.endsWith('.repeat')
          ? '1,2,3'
          : '4,8,16';

export function SearchPanel() {
  const doc = useEditor((s) => s.doc);
  const say = useEditor((s) => s.say);
  const targets = useMemo(() => searchTargets(doc), [doc]);
  const [rows, setRows] = useState<readonly ParamRow[]>([]);
  const [strategy, setStrategy] = useState<SearchStrategy>('grid');
  const [budget, setBudget] = useState(6);
  const [epochs, setEpochs] = useState(() => settingsFrom(doc).epochs);
  const [found, setFound] = useState<readonly Found[]>([]);
  const [result, setResult] = useState<SearchResult>();
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);
  const stopper = useRef<AbortController>(undefined);
  const startDoc = useRef<NetloomDocument>(doc);
  const workers = Math.max(1, navigator.hardwareConcurrency || 1);

  const parsed = useMemo(() => {
    const params: SearchParam[] = [];
    const problems: string[] = [];
    for (const r of rows) {
      try {
        params.push(parseSearchParam(`${r.target}=${r.values}`, doc));
      } catch (e) {
        problems.push(e instanceof Error ? e.message : String(e));
      }
    }
    return { params, problems };
  }, [rows, doc]);

  const setRow = (k: number, row: ParamRow) => setRows((old) => old.map((r, i) => (i === k ? row : r)));
  const addRow = () => {
    const target = targets.find((t) => !rows.some((r) => r.target === t.value))?.value ?? 'lr';
    setRows((old) => [...old, { target, values: defaultValues(target) }]);
  };

  function start(): void {
    if (parsed.params.length === 0 || parsed.problems.length) return;
    try {
      searchDataset(doc);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return;
    }
    if (parsed.params.some((p) => p.name === 'epochs') && strategy === 'halving') {
      setError('epochs is searched: successive halving decides the epochs itself; choose grid or random');
      return;
    }
    const controller = new AbortController();
    stopper.current = controller;
    startDoc.current = doc;
    setFound([]);
    setResult(undefined);
    setError(undefined);
    setRunning(true);
    void runAppSearch({
      document: doc,
      params: parsed.params,
      plan: { strategy, budget, epochs, seed: settingsFrom(doc).seed },
      workers,
      signal: controller.signal,
      onResult: (evaluation, d) => {
        setFound((old) => [...old, { evaluation, doc: d }]);
        runsChanged();
      },
    })
      .then(setResult, (e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => {
        setRunning(false);
        runsChanged();
      });
  }

  const open = (e: Evaluation) => {
    const f = found.find((x) => x.evaluation.runId === e.runId);
    if (!f) return;
    // One undo step: Undo brings back the document the search started from.
    useEditor.getState().edit(() => f.doc);
    say(
      'info',
      `Opened the search's candidate ${e.runId} (${describe(e)}); Undo returns to the previous document`,
    );
  };

  const evals = found.map((f) => f.evaluation);
  const full = evals.filter((e) => e.epochs === epochs || e.candidate['epochs'] !== undefined);
  const front = new Set((result?.front ?? paretoFront(full)).map((e) => e.runId));
  const startRun = result?.start ?? evals[0];
  const best = result?.best ?? pickBest(full, undefined);
  const points: ScatterPoint[] = evals.map((e) => ({
    evaluation: e,
    start: e.runId === startRun?.runId,
    best: e.runId === best?.runId,
    front: front.has(e.runId),
    partial: !full.includes(e),
  }));
  const failed = evals.filter((e) => !Number.isFinite(e.score));

  return (
    <section className="search-panel" data-testid="search-panel">
      <h4>Search</h4>
      <p className="hint">
        Mark what may change; each candidate trains in its own worker ({workers} at a time, WASM, one thread
        each) on the document&apos;s data set and is kept in the runs above.
      </p>
      {rows.map((r, k) => (
        <div className="search-row" key={k}>
          <select
            value={r.target}
            aria-label="searchable parameter"
            data-testid="search-target"
            disabled={running}
            onChange={(e) => setRow(k, { target: e.target.value, values: defaultValues(e.target.value) })}
          >
            {targets.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
          <input
            value={r.values}
            aria-label="values"
            data-testid="search-values"
            disabled={running}
            title="a list (4,8,16) or a range (2..16, 1e-4..1e-1:log)"
            onChange={(e) => setRow(k, { ...r, values: e.target.value })}
            style={{ width: '9em' }}
          />
          <button disabled={running} onClick={() => setRows((old) => old.filter((_, i) => i !== k))}>
            ✕
          </button>
        </div>
      ))}
      <div className="search-row">
        <button disabled={running} onClick={addRow} data-testid="search-add">
          Add parameter
        </button>
        <label>
          strategy{' '}
          <select
            value={strategy}
            disabled={running}
            data-testid="search-strategy"
            onChange={(e) => setStrategy(e.target.value as SearchStrategy)}
          >
            {searchStrategies.map((s) => (
              <option key={s} value={s}>
                {s === 'halving' ? 'successive halving' : s}
              </option>
            ))}
          </select>
        </label>
        <CountField
          label="budget"
          value={budget}
          disabled={running}
          testId="search-budget"
          onChange={setBudget}
        />
        <CountField
          label="epochs"
          value={epochs}
          disabled={running}
          testId="search-epochs"
          onChange={setEpochs}
        />
        {running ? (
          <button onClick={() => stopper.current?.abort()} data-testid="search-stop">
            Stop
          </button>
        ) : (
          <button
            className="primary"
            disabled={parsed.params.length === 0 || parsed.problems.length > 0}
            onClick={start}
            data-testid="search-start"
          >
            Search
          </button>
        )}
      </div>
      {parsed.problems.map((p) => (
        <p key={p} className="diag error">
          {p}
        </p>
      ))}
      {error && <p className="diag error">{error}</p>}
      {evals.length > 0 && (
        <>
          <p data-testid="search-summary">
            {summary(evals.length, budget, running, startRun, best)}
            {failed.length > 0 && ` ${failed.length} failed: ${failed[0]!.error ?? ''}`}
          </p>
          <SearchScatter points={points} axis="flops" onOpen={open} />
          <SearchScatter points={points} axis="params" onOpen={open} />
        </>
      )}
    </section>
  );
}

function describe(e: Evaluation): string {
  return Object.entries(e.candidate)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function summary(
  used: number,
  budget: number,
  running: boolean,
  start: Evaluation | undefined,
  best: Evaluation | undefined,
): string {
  const head = `${used} run${used === 1 ? '' : 's'} used of a budget of ${budget}${running ? ' (running…)' : '.'}`;
  if (!start || !best || !Number.isFinite(start.score)) return head;
  const at = (e: Evaluation) =>
    `${describe(e)}: val error ${e.score.toFixed(4)}, ${e.params.toLocaleString('en-US')} params`;
  return `${head} Best ${at(best)} — start ${at(start)}.`;
}

/** A whole number ≥ 1 (the budget, the epochs of a full run). */
function CountField(p: {
  label: string;
  value: number;
  disabled: boolean;
  testId: string;
  onChange: (n: number) => void;
}) {
  return (
    <label>
      {p.label}{' '}
      <input
        type="number"
        min={1}
        value={p.value}
        disabled={p.disabled}
        data-testid={p.testId}
        onChange={(e) => p.onChange(Math.max(1, Math.floor(Number(e.target.value)) || 1))}
        style={{ width: '3.5em' }}
      />
    </label>
  );
}

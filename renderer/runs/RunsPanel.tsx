// The Runs tab: every training run kept (date, dataset, final numbers, duration, backend, size),
// chosen runs' curves overlaid on shared axes, what differs between two of them (settings and
// layers; "not comparable" when their data split or seed differ), and a run's document or
// weights restored with one click. Runs live in the origin's IndexedDB; one run moves as one file.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { RunComparison } from '../../src/experiments/compare.ts';
import { compareRuns } from '../../src/experiments/compare.ts';
import type { RunRecord } from '../../src/experiments/run-record.ts';
import { finalEpoch } from '../../src/experiments/run-record.ts';
import { decodeSafetensors } from '../../src/ir/weights-file.ts';
import { currentHost } from '../host/browser-host.ts';
import { useEditor } from '../store/document-store.ts';
import { useWeights } from '../store/weights-store.ts';
import { currentRuns, onRunsChanged, runsChanged } from './app-runs.ts';
import { RunCurves } from './RunCurves.tsx';
import { useDiffHighlight } from './diff-highlight.ts';
import { RunPictures } from './RunPictures.tsx';
import { SearchPanel } from './SearchPanel.tsx';

interface Row {
  readonly record: RunRecord;
  readonly size: number;
}

const pct = (v: number | undefined) => (v === undefined ? '–' : `${(100 * v).toFixed(1)}%`);
const num = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(4));
const kb = (n: number) => (n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} kB`);
const status = (r: RunRecord) =>
  r.finished ? (r.stopped ? 'stopped' : 'finished') : r.error ? 'failed' : 'unfinished';
const show = (v: unknown) => (v === undefined ? '–' : String(v));

export function RunsPanel() {
  const [rows, setRows] = useState<readonly Row[]>([]);
  const [problems, setProblems] = useState<readonly string[]>([]);
  const [chosen, setChosen] = useState<readonly string[]>([]);
  const [comparison, setComparison] = useState<RunComparison>();
  const [keep, setKeep] = useState(5);
  const say = useEditor((s) => s.say);

  const reload = useCallback(async () => {
    const listed = await currentRuns().list();
    const ok = listed.flatMap((l) => (l.record ? [l.record] : []));
    setProblems(listed.flatMap((l) => (l.problem ? [l.problem] : [])));
    setRows(
      await Promise.all(ok.map(async (record) => ({ record, size: await currentRuns().size(record.id) }))),
    );
  }, []);

  // Another project (desktop: another runs folder) lists its own runs.
  const project = useEditor((s) => s.filePath);
  useEffect(() => {
    void reload();
    return onRunsChanged(() => void reload());
  }, [reload, project]);

  const selected = useMemo(
    () => rows.filter((r) => chosen.includes(r.record.id)).map((r) => r.record),
    [rows, chosen],
  );

  useEffect(() => {
    let live = true;
    const pair = selected.slice(0, 2);
    if (pair.length !== 2) {
      setComparison(undefined);
      return;
    }
    void Promise.all(
      pair.map(async (record) => ({ record, document: await currentRuns().document(record) })),
    ).then(
      ([a, b]) => live && setComparison(compareRuns(a!, b!)),
      (e: unknown) => say('error', e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [selected, say]);

  const act = (f: () => Promise<unknown>) => () =>
    void f().then(runsChanged, (e: unknown) => say('error', e instanceof Error ? e.message : String(e)));

  const one = selected.length === 1 ? selected[0] : undefined;
  const restoreDocument = act(async () => {
    const doc: NetloomDocument = await currentRuns().document(one!);
    // One undo step, so the document it replaces is not lost.
    useEditor.getState().edit(() => doc);
    say('info', `Restored the document of run ${one!.id} (Undo returns to the previous one)`);
  });
  const restoreWeights = act(async () => {
    const bytes = await currentRuns().weights(one!);
    if (!bytes) throw new Error(`Run ${one!.id} has no saved weights (it did not finish)`);
    const tensors = decodeSafetensors(bytes, `${one!.id}/weights.safetensors`);
    useWeights.getState().setWeights(Object.fromEntries([...tensors].map(([k, t]) => [k, t.data])));
    say('info', `Restored the trained weights of run ${one!.id}`);
  });
  const remove = act(async () => {
    await currentRuns().delete(selected.map((r) => r.id));
    setChosen([]);
  });
  const keepBest = act(async () => {
    const gone = await currentRuns().keepBest(keep);
    say('info', `Kept the best ${keep} finished runs; deleted ${gone.length}`);
  });
  const exportRun = act(async () => {
    await currentHost().saveFile(await currentRuns().exportRun(one!.id), {
      suggestedName: `${one!.id}.netloom-run.json`,
      filters: [{ name: 'Netloom run', extensions: ['json'] }],
    });
  });
  const importRun = act(async () => {
    const f = await currentHost().openFile([{ name: 'Netloom run', extensions: ['json'] }]);
    if (f) await currentRuns().importRun(f.bytes, f.name);
  });
  /** Opens the second run's document (one undo step) with the layers it added or changed marked. */
  const showChanged = act(async () => {
    if (!comparison || selected.length < 2) return;
    const g = comparison.graph;
    const doc = await currentRuns().document(selected[1]!);
    const editor = useEditor.getState();
    if (JSON.stringify(editor.doc) !== JSON.stringify(doc)) editor.edit(() => doc);
    useDiffHighlight.getState().mark(
      useEditor.getState().doc,
      g.added.map((n) => n.id),
      g.changed.map((n) => n.id),
    );
  });
  const marked = useDiffHighlight((h) => h.marks.size);

  return (
    <div className="runs-panel" data-testid="runs-panel">
      <div className="runs-actions">
        <button disabled={!one} onClick={restoreDocument} data-testid="runs-restore-document">
          Restore document
        </button>
        <button disabled={!one?.finished} onClick={restoreWeights} data-testid="runs-restore-weights">
          Restore weights
        </button>
        <button disabled={selected.length === 0} onClick={remove}>
          Delete
        </button>
        <button disabled={!one} onClick={exportRun}>
          Export…
        </button>
        <button onClick={importRun}>Import…</button>
        <label>
          keep best{' '}
          <input
            type="number"
            min={0}
            value={keep}
            onChange={(e) => setKeep(Math.max(0, Number(e.target.value) || 0))}
            style={{ width: '3em' }}
          />
        </label>
        <button onClick={keepBest}>Apply</button>
      </div>
      {rows.length === 0 ? (
        <p className="hint">No runs yet: every run you train is kept here.</p>
      ) : (
        <table className="runs-table" data-testid="runs-table">
          <thead>
            <tr>
              <th />
              <th>date</th>
              <th>model</th>
              <th>dataset</th>
              <th>lr</th>
              <th>loss</th>
              <th>val acc</th>
              <th>time</th>
              <th>backend</th>
              <th>status</th>
              <th>size</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ record: r, size }) => {
              const e = finalEpoch(r);
              return (
                <tr key={r.id} data-run={r.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`choose run ${r.id}`}
                      checked={chosen.includes(r.id)}
                      onChange={(ev) =>
                        setChosen((c) => (ev.target.checked ? [...c, r.id] : c.filter((x) => x !== r.id)))
                      }
                    />
                  </td>
                  <td title={r.startedAt}>{new Date(r.startedAt).toLocaleString()}</td>
                  <td>{r.name}</td>
                  <td>{r.dataset}</td>
                  <td>{r.settings.lr}</td>
                  <td>{num(e?.valLoss ?? e?.loss)}</td>
                  <td>{pct(e?.valAccuracy)}</td>
                  <td>{r.durationSeconds.toFixed(1)} s</td>
                  <td>{r.backend}</td>
                  <td>{status(r)}</td>
                  <td>{kb(size)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {problems.map((p) => (
        <p key={p} className="error">
          {p}
        </p>
      ))}
      {selected.length > 0 && <RunCurves runs={selected} />}
      {one && <RunPictures record={one} />}
      {comparison && selected.length >= 2 && (
        <div className="runs-compare" data-testid="runs-compare">
          <p className={comparison.comparable ? 'hint' : 'error'} data-testid="runs-comparable">
            {comparison.comparable ? 'Same dataset, split and seed.' : comparison.reasons.join('; ')}
          </p>
          <table className="runs-table">
            <thead>
              <tr>
                <th>setting</th>
                <th>{selected[0]!.id}</th>
                <th>{selected[1]!.id}</th>
              </tr>
            </thead>
            <tbody>
              {comparison.settings.map((s) => (
                <tr key={s.field}>
                  <td>{s.field}</td>
                  <td>{show(s.a)}</td>
                  <td>{show(s.b)}</td>
                </tr>
              ))}
              {comparison.graph.changed.flatMap((n) =>
                n.fields.map((f) => (
                  <tr key={`${n.id}.${f.field}`}>
                    <td>
                      {n.name} ({n.kind}) {f.field}
                    </td>
                    <td>{f.a}</td>
                    <td>{f.b}</td>
                  </tr>
                )),
              )}
              {comparison.graph.added.map((n) => (
                <tr key={`+${n.id}`}>
                  <td>layer added</td>
                  <td>–</td>
                  <td>
                    {n.name} ({n.kind})
                  </td>
                </tr>
              ))}
              {comparison.graph.removed.map((n) => (
                <tr key={`-${n.id}`}>
                  <td>layer removed</td>
                  <td>
                    {n.name} ({n.kind})
                  </td>
                  <td>–</td>
                </tr>
              ))}
            </tbody>
          </table>
          {comparison.settings.length === 0 && comparison.graph.changed.length === 0 && (
            <p className="hint">No differences.</p>
          )}
          <button
            onClick={showChanged}
            disabled={comparison.graph.added.length + comparison.graph.changed.length === 0}
            data-testid="runs-show-diff"
          >
            Show changes on the canvas
          </button>
          <button
            onClick={() => useDiffHighlight.getState().clear()}
            disabled={marked === 0}
            data-testid="runs-clear-diff"
          >
            Clear marks
          </button>
        </div>
      )}
      <SearchPanel />
    </div>
  );
}

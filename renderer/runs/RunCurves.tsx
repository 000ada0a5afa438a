// Chosen runs' curves on shared axes: validation loss (training loss where there is none) and
// validation accuracy per epoch, one colour per run, so two learning rates can be told apart.
import type { RunRecord } from '../../src/experiments/run-record.ts';

const colours = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2'];
const W = 300;
const H = 120;
const pad = 28;

function Chart(props: {
  title: string;
  runs: readonly RunRecord[];
  value: (e: RunRecord['epochs'][number]) => number | undefined;
  testId: string;
}) {
  const series = props.runs.map((r) =>
    r.epochs.flatMap((e) => {
      const v = props.value(e);
      return v !== undefined && Number.isFinite(v) ? [[e.epoch, v] as const] : [];
    }),
  );
  const all = series.flat();
  if (all.length === 0) return null;
  const maxX = Math.max(1, ...all.map((p) => p[0]));
  const lo = Math.min(...all.map((p) => p[1]));
  const hi = Math.max(...all.map((p) => p[1]));
  const span = hi - lo || 1;
  const x = (v: number) => pad + ((v - (maxX > 1 ? 1 : 0)) / Math.max(1, maxX - 1)) * (W - pad - 6);
  const y = (v: number) => H - 16 - ((v - lo) / span) * (H - 26);
  return (
    <figure className="run-curves" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%">
        <line x1={pad} y1={H - 16} x2={W - 4} y2={H - 16} stroke="currentColor" strokeOpacity={0.3} />
        <line x1={pad} y1={6} x2={pad} y2={H - 16} stroke="currentColor" strokeOpacity={0.3} />
        <text x={2} y={12} fontSize={9} fill="currentColor">
          {hi.toPrecision(3)}
        </text>
        <text x={2} y={H - 16} fontSize={9} fill="currentColor">
          {lo.toPrecision(3)}
        </text>
        <text x={W - 40} y={H - 3} fontSize={9} fill="currentColor">
          epoch {maxX}
        </text>
        {series.map((pts, k) =>
          pts.length === 1 ? (
            <circle
              key={k}
              cx={x(pts[0]![0])}
              cy={y(pts[0]![1])}
              r={2.5}
              fill={colours[k % colours.length]}
            />
          ) : (
            <polyline
              key={k}
              fill="none"
              strokeWidth={1.5}
              stroke={colours[k % colours.length]}
              points={pts.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ')}
            />
          ),
        )}
      </svg>
    </figure>
  );
}

export function RunCurves(props: { runs: readonly RunRecord[] }) {
  return (
    <div className="run-curves-box">
      <div className="run-legend">
        {props.runs.map((r, k) => (
          <span key={r.id} style={{ color: colours[k % colours.length] }}>
            ■ {r.id} (lr {r.settings.lr})
          </span>
        ))}
      </div>
      <Chart
        title="loss (validation)"
        runs={props.runs}
        value={(e) => e.valLoss ?? e.loss}
        testId="runs-loss-chart"
      />
      <Chart
        title="accuracy (validation)"
        runs={props.runs}
        value={(e) => e.valAccuracy}
        testId="runs-acc-chart"
      />
    </div>
  );
}

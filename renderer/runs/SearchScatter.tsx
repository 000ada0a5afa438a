// A search's results as a scatter: validation error against FLOPs or parameters (log scale when
// they span more than 10×), the Pareto front filled and joined, the starting point a square, the
// best a ring; a click on a point opens that candidate.
import type { Evaluation } from '../../src/experiments/search.ts';

const W = 300;
const H = 150;
const left = 40;
const bottom = 22;

export interface ScatterPoint {
  readonly evaluation: Evaluation;
  readonly start: boolean;
  readonly best: boolean;
  readonly front: boolean;
  /** Trained for fewer epochs than a full run (a rung of successive halving). */
  readonly partial: boolean;
}

const short = (n: number) =>
  n >= 1e9
    ? `${(n / 1e9).toPrecision(3)}G`
    : n >= 1e6
      ? `${(n / 1e6).toPrecision(3)}M`
      : n >= 1e3
        ? `${(n / 1e3).toPrecision(3)}k`
        : String(Math.round(n));

export function SearchScatter(props: {
  readonly points: readonly ScatterPoint[];
  readonly axis: 'flops' | 'params';
  readonly onOpen: (e: Evaluation) => void;
}) {
  const pts = props.points.filter((p) => Number.isFinite(p.evaluation.score));
  if (pts.length === 0) return null;
  const xs = pts.map((p) => Math.max(1, props.axis === 'flops' ? p.evaluation.flops : p.evaluation.params));
  const ys = pts.map((p) => p.evaluation.score);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const log = x1 / x0 > 10;
  const fx = (v: number) => (log ? Math.log(v) : v);
  const xspan = fx(x1) - fx(x0) || 1;
  const y0 = Math.min(0, ...ys);
  const y1 = Math.max(...ys, y0 + 1e-6);
  const X = (v: number) => left + 8 + ((fx(Math.max(1, v)) - fx(x0)) / xspan) * (W - left - 20);
  const Y = (v: number) => H - bottom - 4 - ((v - y0) / (y1 - y0)) * (H - bottom - 14);
  const xOf = (p: ScatterPoint) => X(props.axis === 'flops' ? p.evaluation.flops : p.evaluation.params);
  const front = pts
    .filter((p) => p.front)
    .sort((a, b) => xOf(a) - xOf(b) || a.evaluation.score - b.evaluation.score);
  const label = props.axis === 'flops' ? 'FLOPs' : 'parameters';
  return (
    <figure className="run-curves" data-testid={`search-scatter-${props.axis}`}>
      <figcaption>
        validation error against {label}
        {log ? ' (log)' : ''}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%">
        <line
          x1={left}
          y1={H - bottom}
          x2={W - 4}
          y2={H - bottom}
          stroke="currentColor"
          strokeOpacity={0.3}
        />
        <line x1={left} y1={6} x2={left} y2={H - bottom} stroke="currentColor" strokeOpacity={0.3} />
        <text x={2} y={14} fontSize={9} fill="currentColor">
          {y1.toPrecision(3)}
        </text>
        <text x={2} y={H - bottom} fontSize={9} fill="currentColor">
          {y0.toPrecision(3)}
        </text>
        <text x={left} y={H - 6} fontSize={9} fill="currentColor">
          {short(x0)}
        </text>
        <text x={W - 60} y={H - 6} fontSize={9} fill="currentColor">
          {short(x1)} {label}
        </text>
        {front.length > 1 && (
          <polyline
            fill="none"
            stroke="#d97706"
            strokeWidth={1.2}
            strokeDasharray="3 2"
            points={front.map((p) => `${xOf(p).toFixed(1)},${Y(p.evaluation.score).toFixed(1)}`).join(' ')}
          />
        )}
        {pts.map((p) => {
          const cx = xOf(p);
          const cy = Y(p.evaluation.score);
          const e = p.evaluation;
          const title = `${e.runId}: ${Object.entries(e.candidate)
            .map(([k, v]) => `${k} ${v}`)
            .join(
              ', ',
            )} · ${e.epochs} epochs · val error ${e.score.toFixed(4)} · ${e.params.toLocaleString('en-US')} params · ${short(e.flops)} FLOPs${p.start ? ' (start)' : ''}${p.front ? ' (Pareto front)' : ''} — click to open`;
          const colour = p.front ? '#d97706' : '#64748b';
          return (
            <g
              key={e.runId}
              data-testid="search-point"
              data-run={e.runId}
              data-front={p.front ? 'yes' : 'no'}
              data-start={p.start ? 'yes' : 'no'}
              onClick={() => props.onOpen(e)}
              style={{ cursor: 'pointer' }}
            >
              <title>{title}</title>
              {/* A hollow point is hit only on its stroke: this keeps its middle (and a few pixels
                  round it) clickable. */}
              <circle cx={cx} cy={cy} r={9} fill="transparent" />
              {p.start ? (
                <rect
                  x={cx - 5}
                  y={cy - 5}
                  width={10}
                  height={10}
                  fill="none"
                  stroke="#2563eb"
                  strokeWidth={2}
                />
              ) : (
                <circle
                  cx={cx}
                  cy={cy}
                  r={p.partial ? 2.5 : 4}
                  fill={p.front ? colour : 'none'}
                  stroke={colour}
                  strokeWidth={1.5}
                  opacity={p.partial ? 0.5 : 1}
                />
              )}
              {p.best && <circle cx={cx} cy={cy} r={8} fill="none" stroke="#16a34a" strokeWidth={1.5} />}
            </g>
          );
        })}
      </svg>
      <p className="hint">
        <span style={{ color: '#2563eb' }}>□</span> start · <span style={{ color: '#d97706' }}>●</span> Pareto
        front · <span style={{ color: '#16a34a' }}>◯</span> best · click a point to open it
      </p>
    </figure>
  );
}

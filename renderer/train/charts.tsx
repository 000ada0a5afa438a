// Live charts with uPlot: loss per step (one series per objective: a GAN's D and G apart), and per
// epoch each objective's training loss, with validation loss and accuracy (second axis) where the
// run has them.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { EpochRow } from './chart-series.ts';
import { colours, epochSeries, objectiveLabel } from './chart-series.ts';

export type { EpochRow } from './chart-series.ts';

const axis = { stroke: '#94a3b8', grid: { stroke: '#33415555' } };

function Chart(props: {
  data: uPlot.AlignedData;
  series: uPlot.Series[];
  log: boolean;
  percentAxis?: boolean;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>(undefined);
  const { series, log, percentAxis } = props;
  // The chart is rebuilt when its series change (a GAN's second objective arrives).
  const kinds = series.map((x) => x.label).join('|');
  useEffect(() => {
    if (!box.current) return;
    plot.current = new uPlot(
      {
        width: box.current.clientWidth || 300,
        height: 150,
        scales: {
          x: { time: false },
          y: { distr: log ? 3 : 1 },
          ...(percentAxis ? { pct: { range: [0, 100] } } : {}),
        },
        axes: [
          axis,
          axis,
          ...(percentAxis ? [{ ...axis, scale: 'pct', side: 1, grid: { show: false } }] : []),
        ],
        series: [{ label: 'x' }, ...series],
        legend: { show: true, live: false },
      },
      props.data,
      box.current,
    );
    return () => plot.current?.destroy();
    // Rebuilt only when its kind changes; data flows in through setData below.
  }, [log, percentAxis, kinds]);
  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data]);
  return <div ref={box} className="chart" data-testid={props.testId} />;
}

export function StepChart(props: {
  steps: [number[], ...(number | null)[][]];
  names: readonly string[];
  log: boolean;
}) {
  const names = props.names.length ? props.names : ['main'];
  return (
    <Chart
      data={props.steps.length > 1 ? props.steps : [props.steps[0], []]}
      log={props.log}
      testId="loss-chart"
      series={names.map((n, k) => ({
        label: `${objectiveLabel(n, names.length)} per step`,
        stroke: colours[k % colours.length]!,
        width: 1.2,
        spanGaps: true,
      }))}
    />
  );
}

export function EpochChart(props: { rows: readonly EpochRow[]; log: boolean }) {
  const { data, series, percent } = epochSeries(props.rows);
  return <Chart data={data} log={props.log} percentAxis={percent} testId="epoch-chart" series={series} />;
}

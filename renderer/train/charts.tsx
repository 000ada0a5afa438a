// Live charts with uPlot: loss per step, and per epoch train vs validation loss with validation
// accuracy on a second axis.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

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
  }, [log, percentAxis]);
  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data]);
  return <div ref={box} className="chart" data-testid={props.testId} />;
}

export function StepChart(props: { steps: [number[], number[]]; log: boolean }) {
  return (
    <Chart
      data={props.steps}
      log={props.log}
      testId="loss-chart"
      series={[{ label: 'loss per step', stroke: '#60a5fa', width: 1.2 }]}
    />
  );
}

export interface EpochRow {
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  readonly stepsPerSecond?: number;
}

export function EpochChart(props: { rows: readonly EpochRow[]; log: boolean }) {
  const rows = props.rows;
  const data: uPlot.AlignedData = [
    rows.map((r) => r.epoch),
    rows.map((r) => r.loss),
    rows.map((r) => r.valLoss ?? null),
    rows.map((r) => (r.valAccuracy !== undefined ? r.valAccuracy * 100 : null)),
  ];
  return (
    <Chart
      data={data}
      log={props.log}
      percentAxis
      testId="epoch-chart"
      series={[
        { label: 'train loss', stroke: '#60a5fa', width: 1.5 },
        { label: 'val loss', stroke: '#f59e0b', width: 1.5 },
        { label: 'val acc %', stroke: '#22c55e', width: 1.5, scale: 'pct' },
      ]}
    />
  );
}

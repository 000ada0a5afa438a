// What the Train panel's charts draw, apart from uPlot (which needs a page): the series a run has —
// one per objective (a GAN's D and G apart), validation loss and accuracy only where they exist.
import type uPlot from 'uplot';

export interface EpochRow {
  readonly epoch: number;
  readonly loss: number;
  /** Each objective's mean loss (a GAN: discriminator and generator). */
  readonly losses?: Readonly<Record<string, number>>;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  readonly stepsPerSecond?: number;
}

export const colours = ['#60a5fa', '#f472b6', '#a78bfa', '#2dd4bf'];

/** "D loss" for a GAN's discriminator, "G loss" for its generator; one objective: "loss". */
export function objectiveLabel(name: string, count: number): string {
  if (count <= 1) return 'loss';
  if (name === 'discriminator') return 'D loss';
  if (name === 'generator') return 'G loss';
  return `${name} loss`;
}

/** The series a run's epochs have: each objective's loss, then validation loss and accuracy if any. */
export function epochSeries(rows: readonly EpochRow[]): {
  readonly data: uPlot.AlignedData;
  readonly series: uPlot.Series[];
  readonly percent: boolean;
} {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.losses ?? {})))];
  const trainCols = names.length > 1 ? names : [undefined];
  const series: uPlot.Series[] = trainCols.map((n, k) => ({
    label: n === undefined ? 'train loss' : `${objectiveLabel(n, names.length)} (train)`,
    stroke: colours[k % colours.length]!,
    width: 1.5,
  }));
  const data: (number | null)[][] = trainCols.map((n) =>
    rows.map((r) => (n === undefined ? r.loss : (r.losses?.[n] ?? null))),
  );
  if (rows.some((r) => r.valLoss !== undefined)) {
    series.push({ label: 'val loss', stroke: '#f59e0b', width: 1.5 });
    data.push(rows.map((r) => r.valLoss ?? null));
  }
  const percent = rows.some((r) => r.valAccuracy !== undefined);
  if (percent) {
    series.push({ label: 'val acc %', stroke: '#22c55e', width: 1.5, scale: 'pct' });
    data.push(rows.map((r) => (r.valAccuracy !== undefined ? r.valAccuracy * 100 : null)));
  }
  return { data: [rows.map((r) => r.epoch), ...data], series, percent };
}

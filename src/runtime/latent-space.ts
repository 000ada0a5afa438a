// Pictures of a VAE's or an autoencoder's latent space: a grid of z values decoded into images
// (Kingma & Welling's figure 4), and held-out examples encoded and scattered by class. A latent
// of more than two values is shown through two directions, named in the caption: for the grid
// the two dimensions whose encoded means vary most (the others held at 0), for the scatter the
// first two principal components.
import { NetloomError } from '../util/errors.ts';
import type { ImageEncoder, ImageGenerator } from './generate-images.ts';

/** The two directions a picture spans and what the caption calls them. */
export interface LatentAxes {
  readonly dims: readonly [number, number];
  readonly caption: string;
}

/** Latents [count, d] of the first `count` examples of `x` (each `per` values), in batches. */
export async function encodeExamples(
  enc: ImageEncoder,
  x: Float32Array,
  count: number,
  per: number,
): Promise<Float32Array> {
  const out = new Float32Array(count * enc.latentSize);
  for (let s = 0; s < count; s += 256) {
    const n = Math.min(256, count - s);
    out.set(await enc.encode(x.subarray(s * per, (s + n) * per), n), s * enc.latentSize);
  }
  return out;
}

/** Each dimension's variance over `n` rows of `d` values. */
export function varianceByDimension(codes: Float32Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  const v = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += codes[i * d + j]! / n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const c = codes[i * d + j]! - mean[j]!;
      v[j]! += (c * c) / Math.max(1, n - 1);
    }
  return v;
}

/** The grid's two dimensions: 0 and 1 for a 2-D latent, else the two of largest variance. */
export function gridAxes(latentSize: number, variances?: Float64Array): LatentAxes {
  if (latentSize < 2)
    throw new NetloomError(
      'bad-argument',
      `a latent grid needs 2 or more latent values; this has ${latentSize}`,
    );
  if (latentSize === 2) return { dims: [0, 1], caption: 'z₀ left → right, z₁ bottom → top' };
  if (!variances)
    return { dims: [0, 1], caption: `z₀ left → right, z₁ bottom → top; the other ${latentSize - 2} at 0` };
  const order = Array.from(variances.keys()).sort((a, b) => variances[b]! - variances[a]!);
  const [i, j] = [order[0]!, order[1]!];
  return {
    dims: [i, j],
    caption: `z${sub(i)} left → right, z${sub(j)} bottom → top (the two of ${latentSize} whose held-out means vary most); the other ${latentSize - 2} at 0`,
  };
}

function sub(n: number): string {
  return String(n).replace(/\d/g, (c) => '₀₁₂₃₄₅₆₇₈₉'[Number(c)]!);
}

/**
 * z for a steps×steps grid over [−extent, extent]² in `dims` (others 0), row by row from the top:
 * the second dimension falls down the rows, the first rises along each row.
 */
export function latentGridZ(
  latentSize: number,
  steps: number,
  extent: number,
  dims: readonly [number, number],
): Float32Array {
  const z = new Float32Array(steps * steps * latentSize);
  const at = (k: number) => (steps === 1 ? 0 : -extent + (2 * extent * k) / (steps - 1));
  for (let r = 0; r < steps; r++)
    for (let c = 0; c < steps; c++) {
      const row = (r * steps + c) * latentSize;
      z[row + dims[0]] = at(c);
      z[row + dims[1]] = at(steps - 1 - r);
    }
  return z;
}

/** The decoded grid: images [steps², C, H, W] and what its axes are. */
export async function decodeLatentGrid(
  gen: ImageGenerator,
  o: { steps?: number; extent?: number; variances?: Float64Array } = {},
): Promise<{
  images: Float32Array;
  shape: [number, number, number, number];
  axes: LatentAxes;
  steps: number;
}> {
  const steps = o.steps ?? 15;
  const extent = o.extent ?? 3;
  if (!(Number.isInteger(steps) && steps >= 2 && steps <= 32))
    throw new NetloomError('bad-argument', `a latent grid is 2 to 32 steps a side; got ${steps}`);
  const axes = gridAxes(gen.latentSize, o.variances);
  const z = latentGridZ(gen.latentSize, steps, extent, axes.dims);
  const images = await gen.decode(z, steps * steps);
  return { images, shape: [steps * steps, ...gen.imageShape], axes, steps };
}

/**
 * Rows of `codes` [n, d] as 2-D points: as they are for d = 2, else projected on the first two
 * principal components (power iteration on the centred data, the second after deflating the first).
 */
export function twoDimensional(
  codes: Float32Array,
  n: number,
  d: number,
): { points: Float32Array; caption: string } {
  if (d === 2) return { points: codes.slice(0, n * 2), caption: 'z₀ across, z₁ up' };
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += codes[i * d + j]! / n;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = codes[i * d + j]! - mean[j]!;
  const total = Array.from(x).reduce((s, v) => s + v * v, 0) || 1;
  const components: Float64Array[] = [];
  const explained: number[] = [];
  for (let k = 0; k < Math.min(2, d); k++) {
    let v = Float64Array.from({ length: d }, (_, j) => 1 + ((j * 7919) % 13) / 13);
    let lambda = 0;
    for (let it = 0; it < 100; it++) {
      // w = Xᵀ X v without forming the d×d covariance; earlier components projected out.
      const xv = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += x[i * d + j]! * v[j]!;
        xv[i] = s;
      }
      const w = new Float64Array(d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) w[j]! += x[i * d + j]! * xv[i]!;
      for (const c of components) {
        const dot = c.reduce((s, cj, j) => s + cj * w[j]!, 0);
        for (let j = 0; j < d; j++) w[j]! -= dot * c[j]!;
      }
      const norm = Math.sqrt(w.reduce((s, wj) => s + wj * wj, 0)) || 1;
      lambda = norm;
      v = w.map((wj) => wj / norm);
    }
    components.push(v);
    explained.push(lambda / total);
  }
  const points = new Float32Array(n * 2);
  for (let i = 0; i < n; i++)
    components.forEach((c, k) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += x[i * d + j]! * c[j]!;
      points[i * 2 + k] = s;
    });
  const pct = explained.map((e) => `${Math.round(e * 100)}%`);
  return {
    points,
    caption: `the first two principal components of the ${d}-value latent (${pct[0]} and ${pct[1] ?? '0%'} of its variance)`,
  };
}

// The pictures of a run's last epoch as PNG files, drawn without a canvas (the CLI has none): the
// same files the app keeps with a run (picture.png for the main picture, filters.png for the first
// convolution's filters). Plain rasters through util/png.ts: a boundary as its probability field
// with the data points on it, a curve as a plot, images and masks as grids, latents as dots.
import type { RasterImage } from '../util/png.ts';
import { encodePng, imageGrid } from '../util/png.ts';
import type { TrainingPicture } from './worker-protocol.ts';

/** Class colours (RGB), as the Train panel's two-class orange / blue, then a few more. */
const palette: readonly (readonly [number, number, number])[] = [
  [245, 147, 34],
  [8, 119, 189],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];
const colour = (k: number) => palette[((k % palette.length) + palette.length) % palette.length]!;

const side = 288;

function blank(width: number, height: number, grey = 255): RasterImage & { pixels: Uint8Array } {
  return { width, height, channels: 3, pixels: new Uint8Array(width * height * 3).fill(grey) };
}

function dot(img: RasterImage, x: number, y: number, rgb: readonly number[], r = 2): void {
  for (let dy = -r; dy <= r; dy++)
    for (let dx = -r; dx <= r; dx++) {
      const px = Math.round(x) + dx;
      const py = Math.round(y) + dy;
      if (px < 0 || py < 0 || px >= img.width || py >= img.height || dx * dx + dy * dy > r * r) continue;
      const o = (py * img.width + px) * 3;
      // A dark rim makes a point readable on a field of its own colour.
      const rim = dx * dx + dy * dy > (r - 1) * (r - 1);
      for (let c = 0; c < 3; c++) img.pixels[o + c] = rim ? 40 : rgb[c]!;
    }
}

/** Data coordinates in [-extent, extent] to pixels (y up). */
const toPixel = (v: number, extent: number, up = false) => ((up ? -v : v) / (2 * extent) + 0.5) * (side - 1);

function boundary(p: Extract<TrainingPicture, { kind: 'boundary' | 'curve' }>): RasterImage {
  const img = blank(side, side);
  const [a, b] = [colour(0), colour(1)];
  if (p.kind === 'boundary') {
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++) {
        const gy = Math.min(p.grid - 1, Math.floor((y / side) * p.grid));
        const gx = Math.min(p.grid - 1, Math.floor((x / side) * p.grid));
        const q = p.values[gy * p.grid + gx]!;
        const o = (y * side + x) * 3;
        // Pale field: the colour of the likelier class, stronger the surer the model is.
        const t = 0.25 + 0.35 * Math.abs(q - 0.5) * 2;
        const c = q >= 0.5 ? b : a;
        for (let k = 0; k < 3; k++) img.pixels[o + k] = Math.round(255 * (1 - t) + c[k]! * t);
      }
    for (let i = 0; i * 2 + 1 < p.points.length; i++)
      dot(
        img,
        toPixel(p.points[2 * i]!, p.extent),
        toPixel(p.points[2 * i + 1]!, p.extent, true),
        colour(p.labels[i]! >= 0.5 ? 1 : 0),
      );
    return img;
  }
  // A curve: the targets as dots, the model's output as a line, over the same y range.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of [...p.values, ...p.labels])
    if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (!(hi > lo)) [lo, hi] = [lo - 1, lo + 1];
  const py = (v: number) => (1 - (v - lo) / (hi - lo)) * (side - 11) + 5;
  for (let i = 0; i < p.points.length && i < p.labels.length; i++)
    dot(img, toPixel(p.points[i]!, p.extent), py(p.labels[i]!), a, 2);
  for (let x = 0; x < side; x++) {
    const g = Math.min(p.grid - 1, Math.floor((x / side) * p.grid));
    dot(img, x, py(p.values[g]!), b, 1);
  }
  return img;
}

/** `count` images of h×w×channels interleaved bytes as a grid (channels other than 3 shown grey). */
function tiles(bytes: Uint8Array, count: number, h: number, w: number, channels: number, columns?: number) {
  const c = channels === 3 ? 3 : 1;
  const values = new Float32Array(count * c * h * w);
  for (let i = 0; i < count; i++)
    for (let k = 0; k < c; k++)
      for (let j = 0; j < h * w; j++)
        values[(i * c + k) * h * w + j] = bytes[(i * h * w + j) * channels + k]! / 255;
  return imageGrid(values, [count, c, h, w], columns !== undefined ? { columns } : {});
}

/** Nearest-neighbour enlargement so tiny images (5×5 filters, 28×28 digits) are visible. */
function enlarge(img: RasterImage, target = side): RasterImage {
  const f = Math.max(1, Math.floor(target / Math.max(img.width, img.height)));
  if (f === 1) return img;
  const out = new Uint8Array(img.pixels.length * f * f);
  const w = img.width * f;
  for (let y = 0; y < img.height * f; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < img.channels; c++)
        out[(y * w + x) * img.channels + c] =
          img.pixels[(Math.floor(y / f) * img.width + Math.floor(x / f)) * img.channels + c]!;
  return { width: w, height: img.height * f, channels: img.channels, pixels: out };
}

function raster(p: TrainingPicture): RasterImage | undefined {
  switch (p.kind) {
    case 'boundary':
    case 'curve':
      return boundary(p);
    case 'digits': {
      const w = p.width ?? p.side;
      return enlarge(tiles(p.images, p.labels.length, p.side, w, p.channels ?? 1));
    }
    case 'samples':
      return enlarge(tiles(p.images, p.count, p.side, p.side, 1));
    case 'latent-grid':
      return enlarge(tiles(p.images, p.steps * p.steps, p.side, p.side, 1, p.steps));
    case 'filters':
      return enlarge(tiles(p.images, p.count, p.kernel[0], p.kernel[1], p.channels, 8));
    case 'masks': {
      // Each held-out image, its true mask and the predicted one, side by side, one row each.
      const area = p.side * p.width;
      const bytes = new Uint8Array(p.count * 3 * area * 3);
      const scale = 255 / Math.max(1, p.classes - 1);
      for (let i = 0; i < p.count; i++)
        for (let j = 0; j < area; j++) {
          for (let c = 0; c < 3; c++)
            bytes[(i * 3 * area + j) * 3 + c] =
              p.images[(i * area + j) * p.channels + (p.channels === 3 ? c : 0)]!;
          const t = Math.round(p.truth[i * area + j]! * scale);
          const q = Math.round(p.predicted[i * area + j]! * scale);
          bytes.fill(t, ((i * 3 + 1) * area + j) * 3, ((i * 3 + 1) * area + j) * 3 + 3);
          bytes.fill(q, ((i * 3 + 2) * area + j) * 3, ((i * 3 + 2) * area + j) * 3 + 3);
        }
      return enlarge(tiles(bytes, p.count * 3, p.side, p.width, 3, 3));
    }
    case 'latent-scatter': {
      const img = blank(side, side);
      let m = 0;
      for (const v of p.points) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
      const extent = m * 1.1 || 1;
      for (let i = 0; i < p.labels.length; i++)
        dot(
          img,
          toPixel(p.points[2 * i]!, extent),
          toPixel(p.points[2 * i + 1]!, extent, true),
          colour(p.labels[i]!),
          2,
        );
      return img;
    }
  }
}

/**
 * The run files for a set of pictures of one epoch: the first main picture as picture.png and the
 * filters as filters.png (the names the app's runs use); a picture that cannot be drawn is left out.
 */
export function picturePngFiles(pictures: readonly TrainingPicture[]): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const p of pictures) {
    const name = p.kind === 'filters' ? 'filters.png' : 'picture.png';
    if (name in out) continue;
    const img = raster(p);
    if (img) out[name] = encodePng(img);
  }
  return out;
}

// "Shapes": a procedurally generated RGB image set that ships with the app as code, not bytes.
// Each 32×32 image holds one of ten shapes (disc, ring, triangle, …) in a random colour, size,
// rotation and place on a random textured background (stripes, checks, gradients, blotches) with
// pixel noise; the per-pixel mask says which pixels are the shape (its class + 1) and which are
// background (0). Colour never tells the class, and a shape may sit anywhere, so a network has to
// see shapes: a convolutional net beats a multilayer perceptron on it (the templates say by how
// much).
//
// The same everywhere: only the seeded integer generator, + − × ÷, Math.sqrt and Math.floor are
// used (IEEE 754 makes them exact), never Math.sin/cos/exp (which engines may round differently),
// and the pixels are bytes.
import { Rng } from '../../util/random.ts';
import type { Dataset } from './dataset.ts';
import { imageStats, standardize } from './images.ts';

export const shapeClasses = [
  'disc',
  'ring',
  'triangle',
  'square',
  'plus',
  'star',
  'crescent',
  'heart',
  'arrow',
  'bar',
] as const;

export const shapesSide = 32;
/** Images in the shipped set: 600 of each class. */
export const shapesSize = 6000;
export const shapesSeed = 2025;

export interface ShapesImages {
  readonly count: number;
  /** count × 3 × 32 × 32 bytes, channels first (as the networks take them). */
  readonly pixels: Uint8Array;
  /** Class index of each image. */
  readonly labels: Uint8Array;
  /** count × 32 × 32: 0 for background, class + 1 for the shape's pixels. */
  readonly masks: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Deterministic sine and cosine: Taylor series after reduction to [−π, π] (error < 1e-9) for
// geometry, and a table of it for the per-pixel stripes.

const TAU = 6.283185307179586;

function sin(a: number): number {
  const x = a - TAU * Math.floor(a / TAU + 0.5);
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let k = 1; k < 14; k++) {
    term *= -x2 / (2 * k * (2 * k + 1));
    sum += term;
  }
  return sum;
}

const sinTable = Float64Array.from({ length: 1025 }, (_, i) => sin((TAU * i) / 1024));

/** sin(2π·t), from the table with linear interpolation. */
function sinTurns(t: number): number {
  const f = (t - Math.floor(t)) * 1024;
  const i = Math.floor(f);
  return sinTable[i]! + (sinTable[i + 1]! - sinTable[i]!) * (f - i);
}

const cos = (a: number): number => sin(a + TAU / 4);

// ---------------------------------------------------------------------------------------------
// Shapes in their own frame: about the unit disc, centred at the origin, y up.

type Point = readonly [number, number];

function regular(n: number, r: number, phase = 0): Point[] {
  return Array.from({ length: n }, (_, i) => {
    const a = phase + (TAU * i) / n;
    return [r * cos(a), r * sin(a)] as const;
  });
}

/** Even–odd rule: works for the star's and arrow's concave outlines too. */
function inPolygon(poly: Float64Array, x: number, y: number): boolean {
  let inside = false;
  const n = poly.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = poly[2 * i]!;
    const yi = poly[2 * i + 1]!;
    const xj = poly[2 * j]!;
    const yj = poly[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const flat = (points: readonly Point[]): Float64Array => Float64Array.from(points.flat());

const triangle = flat(regular(3, 1.05, TAU / 4));
const star = flat(
  Array.from({ length: 10 }, (_, i): Point => {
    const r = i % 2 === 0 ? 1.05 : 0.45;
    const a = TAU / 4 + (TAU * i) / 10;
    return [r * cos(a), r * sin(a)];
  }),
);
const arrow = flat([
  [-1, -0.25],
  [0.1, -0.25],
  [0.1, -0.65],
  [1, 0],
  [0.1, 0.65],
  [0.1, 0.25],
  [-1, 0.25],
]);
const heartTip = flat([
  [-0.92, 0.12],
  [0.92, 0.12],
  [0, -0.95],
]);

const inside: readonly ((x: number, y: number) => boolean)[] = [
  (x, y) => x * x + y * y <= 0.85,
  (x, y) => {
    const r = x * x + y * y;
    return r <= 1 && r >= 0.36;
  },
  (x, y) => inPolygon(triangle, x, y),
  (x, y) => Math.abs(x) <= 0.72 && Math.abs(y) <= 0.72,
  (x, y) => (Math.abs(x) <= 0.3 && Math.abs(y) <= 0.95) || (Math.abs(y) <= 0.3 && Math.abs(x) <= 0.95),
  (x, y) => inPolygon(star, x, y),
  (x, y) => x * x + y * y <= 1 && (x - 0.45) * (x - 0.45) + y * y > 0.6,
  (x, y) =>
    (x + 0.43) * (x + 0.43) + (y - 0.3) * (y - 0.3) <= 0.22 ||
    (x - 0.43) * (x - 0.43) + (y - 0.3) * (y - 0.3) <= 0.22 ||
    inPolygon(heartTip, x, y),
  (x, y) => inPolygon(arrow, x, y),
  (x, y) => Math.abs(x) <= 1 && Math.abs(y) <= 0.28,
];

// ---------------------------------------------------------------------------------------------
// Backgrounds

type Rgb = readonly [number, number, number];

const randomColour = (rng: Rng): Rgb => [rng.next(), rng.next(), rng.next()];

function distance(a: Rgb, b: Rgb): number {
  return Math.sqrt(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2) / 3);
}

/** A background colour at least `min` away from the shape's, so the shape stays visible. */
function contrasting(rng: Rng, shape: Rgb, min: number): Rgb {
  let c = randomColour(rng);
  for (let tries = 0; tries < 20 && distance(c, shape) < min; tries++) c = randomColour(rng);
  if (distance(c, shape) >= min) return c;
  // The complement is far from any colour that is not mid-grey.
  return [1 - shape[0], 1 - shape[1], 1 - shape[2]];
}

/** Mix weight of the second background colour at each pixel, in [0, 1]. */
function texture(rng: Rng): (x: number, y: number) => number {
  const kind = rng.int(4);
  if (kind === 0) {
    // Stripes, soft-edged, at any angle.
    const a = rng.uniform(0, TAU);
    const period = rng.uniform(3, 9);
    const [dx, dy] = [cos(a) / period, sin(a) / period];
    return (x, y) => 0.5 + 0.5 * sinTurns(x * dx + y * dy);
  }
  if (kind === 1) {
    const cell = 2 + rng.int(5);
    const ox = rng.int(cell);
    const oy = rng.int(cell);
    return (x, y) => (Math.floor((x + ox) / cell) + Math.floor((y + oy) / cell)) % 2;
  }
  if (kind === 2) {
    const a = rng.uniform(0, TAU);
    const [dx, dy] = [cos(a), sin(a)];
    return (x, y) => Math.min(1, Math.max(0, 0.5 + ((x - 16) * dx + (y - 16) * dy) / 32));
  }
  // Blotches: a few soft bumps.
  const bumps = Array.from({ length: 3 + rng.int(4) }, () => ({
    x: rng.uniform(0, 32),
    y: rng.uniform(0, 32),
    s: rng.uniform(9, 40),
  }));
  return (x, y) => {
    let v = 0;
    for (const b of bumps) v += 1 / (1 + ((x - b.x) ** 2 + (y - b.y) ** 2) / b.s);
    return Math.min(1, v);
  };
}

// ---------------------------------------------------------------------------------------------

const byte = (v: number): number => Math.max(0, Math.min(255, Math.floor(v * 255 + 0.5)));

/** Draws `count` images; image i is class i mod 10, so every prefix is balanced. */
export function generateShapes(count = shapesSize, seed = shapesSeed): ShapesImages {
  const side = shapesSide;
  const px = side * side;
  const pixels = new Uint8Array(count * 3 * px);
  const labels = new Uint8Array(count);
  const masks = new Uint8Array(count * px);
  const rng = new Rng(seed);
  const sub = [0.25, 0.75];
  const rgb = new Float32Array(3 * px);
  for (let n = 0; n < count; n++) {
    const cls = n % shapeClasses.length;
    labels[n] = cls;
    const shape = randomColour(rng);
    const c1 = contrasting(rng, shape, 0.35);
    // The texture's second colour lies part way from the first to another: softer than the shape's edge.
    const far = contrasting(rng, shape, 0.35);
    const k = rng.uniform(0.15, 0.35);
    const c2: Rgb = [
      c1[0] + (far[0] - c1[0]) * k,
      c1[1] + (far[1] - c1[1]) * k,
      c1[2] + (far[2] - c1[2]) * k,
    ];
    const mix = texture(rng);
    const radius = rng.uniform(9, 14);
    const cx = rng.uniform(radius - 1, side - radius + 1);
    const cy = rng.uniform(radius - 1, side - radius + 1);
    // Upright give or take 15°: rotation is learnable, but not from a few thousand images in minutes.
    const angle = rng.uniform(-0.26, 0.26);
    const [ca, sa] = [cos(angle), sin(angle)];
    const noise = rng.uniform(0.01, 0.04);
    const test = inside[cls]!;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        // 2×2 samples per pixel near the shape: the edge is anti-aliased, the mask is the majority.
        let cover = 0;
        if (Math.abs(x + 0.5 - cx) <= radius + 1 && Math.abs(y + 0.5 - cy) <= radius + 1) {
          for (const sy of sub) {
            for (const sx of sub) {
              const dx = (x + sx - cx) / radius;
              const dy = (cy - (y + sy)) / radius;
              // Every shape lies within 1.06 of its centre.
              if (dx * dx + dy * dy > 1.13) continue;
              if (test(ca * dx + sa * dy, -sa * dx + ca * dy)) cover += 0.25;
            }
          }
        }
        const t = mix(x + 0.5, y + 0.5);
        const i = y * side + x;
        for (let c = 0; c < 3; c++) {
          const bg = c1[c]! * (1 - t) + c2[c]! * t;
          rgb[c * px + i] = bg * (1 - cover) + shape[c]! * cover + noise * (2 * rng.next() - 1);
        }
        masks[n * px + i] = cover >= 0.5 ? cls + 1 : 0;
      }
    }
    for (let k = 0; k < 3 * px; k++) pixels[n * 3 * px + k] = byte(rgb[k]!);
  }
  return { count, pixels, labels, masks };
}

let cached: { key: string; images: ShapesImages } | undefined;

/** The shipped set (generated once per process and kept). */
export function shapesImages(count = shapesSize, seed = shapesSeed): ShapesImages {
  const key = `${count}:${seed}`;
  if (cached?.key !== key) cached = { key, images: generateShapes(count, seed) };
  return cached.images;
}

export type ShapesTask = 'classes' | 'masks';

/**
 * The set as a dataset: images [3, 32, 32] with pixels in [0, 1] (or standardised per channel with
 * the set's mean and std) and either the class of each image or its mask [32, 32].
 */
export function shapesDataset(task: ShapesTask, normalize = true, count = shapesSize): Dataset {
  const img = shapesImages(count);
  const px = shapesSide * shapesSide;
  const x = new Float32Array(img.pixels.length);
  for (let i = 0; i < x.length; i++) x[i] = img.pixels[i]! / 255;
  const stats = imageStats(x, 3, px);
  if (normalize) standardize(x, 3, px, stats);
  return {
    name: task === 'classes' ? 'shapes' : 'shapes-masks',
    task: 'classification',
    featureShape: [3, shapesSide, shapesSide],
    targetShape: task === 'classes' ? [] : [shapesSide, shapesSide],
    size: img.count,
    x,
    y: task === 'classes' ? Float32Array.from(img.labels) : Float32Array.from(img.masks),
    classes: task === 'classes' ? shapeClasses.length : shapeClasses.length + 1,
    classNames: task === 'classes' ? [...shapeClasses] : ['background', ...shapeClasses],
    ...(normalize ? { pixelStats: stats } : {}),
  };
}

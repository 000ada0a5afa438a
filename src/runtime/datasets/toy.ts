// Small synthetic datasets (TensorFlow Playground's and scikit-learn's classics), generated from a
// seed so every run sees the same points. Nothing is downloaded.
import { Rng } from '../../util/random.ts';
import type { Dataset } from './dataset.ts';

export const toyNames = ['spirals', 'moons', 'circles', 'xor', 'blobs', 'sine'] as const;
export type ToyName = (typeof toyNames)[number];

export interface ToyOptions {
  readonly n?: number;
  readonly noise?: number;
  readonly seed?: number;
  /** Classes (spirals arms, blob centres). */
  readonly classes?: number;
}

function classification(name: string, pts: number[], labels: number[], classes: number): Dataset {
  return {
    name,
    task: 'classification',
    featureShape: [2],
    targetShape: [],
    size: labels.length,
    x: Float32Array.from(pts),
    y: Float32Array.from(labels),
    classes,
  };
}

/**
 * Two (or more) interleaved spiral arms, TensorFlow Playground's geometry: radius up to 5,
 * 1.75 turns, uniform noise of ±noise.
 */
export function spirals(o: ToyOptions = {}): Dataset {
  const n = o.n ?? 600;
  const k = o.classes ?? 2;
  const rng = new Rng(o.seed ?? 1);
  const noise = o.noise ?? 0.1;
  const perArm = Math.ceil(n / k);
  const pts: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % k;
    const j = Math.floor(i / k);
    const r = (j / perArm) * 5;
    const angle = ((1.75 * j) / perArm) * 2 * Math.PI + (2 * Math.PI * c) / k;
    pts.push(
      r * Math.sin(angle) + rng.uniform(-1, 1) * noise,
      r * Math.cos(angle) + rng.uniform(-1, 1) * noise,
    );
    labels.push(c);
  }
  return classification('spirals', pts, labels, k);
}

/** Two interleaving half circles (scikit-learn make_moons). */
export function moons(o: ToyOptions = {}): Dataset {
  const n = o.n ?? 600;
  const rng = new Rng(o.seed ?? 1);
  const noise = o.noise ?? 0.1;
  const pts: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const t = Math.PI * rng.next();
    const x = c === 0 ? Math.cos(t) : 1 - Math.cos(t);
    const y = c === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    pts.push(x + noise * rng.normal(), y + noise * rng.normal());
    labels.push(c);
  }
  return classification('moons', pts, labels, 2);
}

/** A disc inside a ring (scikit-learn make_circles, factor 0.5). */
export function circles(o: ToyOptions = {}): Dataset {
  const n = o.n ?? 600;
  const rng = new Rng(o.seed ?? 1);
  const noise = o.noise ?? 0.05;
  const pts: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const t = 2 * Math.PI * rng.next();
    const r = c === 0 ? 1 : 0.5;
    pts.push(r * Math.cos(t) + noise * rng.normal(), r * Math.sin(t) + noise * rng.normal());
    labels.push(c);
  }
  return classification('circles', pts, labels, 2);
}

/** Points in [−1, 1]², labelled by the sign of x·y (TensorFlow Playground's XOR). */
export function xor(o: ToyOptions = {}): Dataset {
  const n = o.n ?? 600;
  const rng = new Rng(o.seed ?? 1);
  const noise = o.noise ?? 0;
  const pts: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    // Keep a small margin from the axes, as the Playground does.
    const pick = (): number => {
      const v = rng.uniform(0.05, 1);
      return rng.next() < 0.5 ? -v : v;
    };
    const x = pick();
    const y = pick();
    pts.push(x + noise * rng.normal(), y + noise * rng.normal());
    labels.push(x * y > 0 ? 1 : 0);
  }
  return classification('xor', pts, labels, 2);
}

/** Gaussian blobs around centres on a circle of radius 1. */
export function blobs(o: ToyOptions = {}): Dataset {
  const n = o.n ?? 600;
  const k = o.classes ?? 3;
  const rng = new Rng(o.seed ?? 1);
  const noise = o.noise ?? 0.25;
  const pts: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % k;
    const a = (2 * Math.PI * c) / k;
    pts.push(Math.cos(a) + noise * rng.normal(), Math.sin(a) + noise * rng.normal());
    labels.push(c);
  }
  return classification('blobs', pts, labels, k);
}

/** y = sin(x) + noise for x in [−π, π]: one input, one regression target. */
export function sine(o: ToyOptions = {}): Dataset {
  const n = o.n ?? 400;
  const rng = new Rng(o.seed ?? 1);
  const noise = o.noise ?? 0.05;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.uniform(-Math.PI, Math.PI);
    y[i] = Math.sin(x[i]!) + noise * rng.normal();
  }
  return { name: 'sine', task: 'regression', featureShape: [1], targetShape: [1], size: n, x, y };
}

export function toyDataset(name: ToyName, o: ToyOptions = {}): Dataset {
  switch (name) {
    case 'spirals':
      return spirals(o);
    case 'moons':
      return moons(o);
    case 'circles':
      return circles(o);
    case 'xor':
      return xor(o);
    case 'blobs':
      return blobs(o);
    case 'sine':
      return sine(o);
  }
}

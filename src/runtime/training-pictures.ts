// What a person would rather look at than a loss number, computed from the model as trained so
// far: a decision boundary over a 2-D set (TensorFlow Playground style), the fitted curve of a 1-D
// regression, test digits with predictions and a confusion matrix for MNIST. Pure data out; the
// renderer draws it.
import type { NetloomDocument } from '../document/schema.ts';
import { exportDocument } from '../onnx/from-document.ts';
import type { Dataset } from './datasets/dataset.ts';
import { featureSize } from './datasets/dataset.ts';
import type { Backend } from './ort-session.ts';
import { createSession, runSession } from './ort-session.ts';
import type { HostTensor } from './tensors.ts';
import { floatTensor, int64Tensor } from './tensors.ts';
import { numel } from '../ir/types.ts';
import { Rng } from '../util/random.ts';
import type { TrainingPicture } from './worker-protocol.ts';

export interface PictureInput {
  readonly doc: NetloomDocument;
  readonly weights: ReadonlyMap<string, Float32Array>;
  /** Training data (for the points drawn under a boundary or curve). */
  readonly data: Dataset;
  /** Held-out data (for digits and the confusion matrix). */
  readonly val: Dataset;
  /** The graph input that takes the features. */
  readonly inputName: string;
  readonly backend?: Backend;
}

/** The class of each row of an [N, k] output (k = 1: a logit read as class 1 when positive). */
export function argmaxRows(out: HostTensor, rows: number): number[] {
  const k = out.data.length / rows;
  const d = out.data as Float32Array;
  return Array.from({ length: rows }, (_, i) => {
    if (k === 1) return d[i]! > 0 ? 1 : 0;
    let best = 0;
    for (let j = 1; j < k; j++) if (d[i * k + j]! > d[i * k + best]!) best = j;
    return best;
  });
}

/** Probability of class 1 for each row (softmax over k > 1 columns, sigmoid for one). */
export function classOneProbability(out: HostTensor, rows: number): Float32Array {
  const k = out.data.length / rows;
  const d = out.data as Float32Array;
  const p = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    if (k === 1) {
      p[i] = 1 / (1 + Math.exp(-d[i]!));
      continue;
    }
    let mx = -Infinity;
    for (let j = 0; j < k; j++) mx = Math.max(mx, d[i * k + j]!);
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(d[i * k + j]! - mx);
    p[i] = Math.exp(d[i * k + 1]! - mx) / s;
  }
  return p;
}

function extentOf(x: Float32Array): number {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return Math.ceil(m * 1.1 * 10) / 10 || 1;
}

/** Grey levels for display: each image stretched to its own min..max (undoes any normalisation). */
function toGrey(x: Float32Array, count: number, px: number): Uint8Array {
  const out = new Uint8Array(count * px);
  for (let i = 0; i < count; i++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < px; j++) {
      const v = x[i * px + j]!;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    for (let j = 0; j < px; j++) out[i * px + j] = Math.round(((x[i * px + j]! - lo) / (hi - lo || 1)) * 255);
  }
  return out;
}

/** The picture that suits the dataset, or undefined when none does (e.g. a CSV with 5 columns). */
export async function trainingPicture(p: PictureInput): Promise<TrainingPicture | undefined> {
  const fs = featureSize(p.data);
  const side = Math.round(Math.sqrt(fs));
  const isImage = side * side === fs && fs > 1;
  const isDigits = p.data.task === 'classification' && (fs === 784 || p.data.name === 'mnist');
  if (!(fs === 2 && p.data.task === 'classification') && fs !== 1 && !isDigits && !isImage) return undefined;
  // One export per picture: the generator/autoencoder check and the classifier pictures share it.
  const exported = exportDocument(p.doc, { weights: p.weights });
  if (isImage) {
    const samples = await generatedSamples(p, fs, side, exported);
    if (samples || !isDigits) return samples;
  }
  const { bytes, lowered } = exported;
  const out = lowered.graph.outputs.find((o) => o.role === 'output');
  if (!out) return undefined;
  const session = await createSession(bytes, { backends: [p.backend ?? 'wasm', 'wasm'] });
  const run = async (x: Float32Array, n: number): Promise<HostTensor> => {
    const shape = [n, ...p.data.featureShape];
    const r = await runSession(session, { [p.inputName]: floatTensor(x, shape) });
    return r[out.name]!;
  };
  try {
    if (isDigits) return await digits(p, run);
    const extent = extentOf(p.data.x);
    if (fs === 2) {
      const grid = 48;
      const xs = new Float32Array(grid * grid * 2);
      for (let r = 0; r < grid; r++)
        for (let c = 0; c < grid; c++) {
          xs[(r * grid + c) * 2] = -extent + ((c + 0.5) / grid) * 2 * extent;
          xs[(r * grid + c) * 2 + 1] = extent - ((r + 0.5) / grid) * 2 * extent;
        }
      const values = classOneProbability(await run(xs, grid * grid), grid * grid);
      return { kind: 'boundary', grid, extent, values, points: p.data.x.slice(), labels: p.data.y.slice() };
    }
    const grid = 128;
    const xs = Float32Array.from({ length: grid }, (_, i) => -extent + (i / (grid - 1)) * 2 * extent);
    const values = Float32Array.from((await run(xs, grid)).data as Float32Array);
    return { kind: 'curve', grid, extent, values, points: p.data.x.slice(), labels: p.data.y.slice() };
  } finally {
    await session.release();
  }
}

async function digits(
  p: PictureInput,
  run: (x: Float32Array, n: number) => Promise<HostTensor>,
): Promise<TrainingPicture> {
  const px = featureSize(p.val);
  const classes = p.val.classes ?? 10;
  const confusion = new Array<number>(classes * classes).fill(0);
  const predictions: number[] = [];
  const batch = 256;
  for (let s = 0; s < p.val.size; s += batch) {
    const n = Math.min(batch, p.val.size - s);
    const pred = argmaxRows(await run(p.val.x.subarray(s * px, (s + n) * px), n), n);
    pred.forEach((c, i) => {
      const t = p.val.y[s + i]!;
      const cell = t * classes + c;
      if (c < classes) confusion[cell] = (confusion[cell] ?? 0) + 1;
      predictions.push(c);
    });
  }
  const correct = predictions.filter((c, i) => c === p.val.y[i]).length;
  const shown = Math.min(40, p.val.size);
  return {
    kind: 'digits',
    side: Math.round(Math.sqrt(px)),
    images: toGrey(p.val.x, shown, px),
    labels: Array.from(p.val.y.subarray(0, shown)),
    predictions: predictions.slice(0, shown),
    confusion,
    classes,
    accuracy: p.val.size ? correct / p.val.size : 0,
  };
}

/**
 * A generator's output from fixed noise (TensorFlow-Playground-like "watch it learn" for GANs and
 * VAEs): when the model has a RandomNormal input and an output the size of one data example.
 */
async function generatedSamples(
  p: PictureInput,
  fs: number,
  side: number,
  { bytes, lowered }: ReturnType<typeof exportDocument>,
): Promise<TrainingPicture | undefined> {
  const kinds = new Map(p.doc.nodes.map((n) => [n.id, n.kind]));
  const g = lowered.graph;
  const noise = g.inputs.filter((i) => kinds.get(i.node) === 'RandomNormal');
  const out = g.outputs.find(
    (o) => o.role === 'output' && numel(g.values.get(o.value)!.shape.slice(1)) === fs,
  );
  if (!out) return undefined;
  // Without noise inputs the model maps an example to an example of the same size: an
  // autoencoder; show each held-out example beside its reconstruction.
  const reconstruct = noise.length === 0;
  if (reconstruct && (p.data.task !== 'classification' || !g.inputs.some((i) => i.name === p.inputName))) {
    return undefined;
  }
  const count = reconstruct ? Math.min(16, p.val.size) : 32;
  // A class-index input (a conditional generator) gets class 0..9 in turn: the digit each asks for.
  const conditional = !reconstruct && g.inputs.some((i) => g.values.get(i.value)!.dtype === 'int64');
  const asked = Array.from({ length: count }, (_, k) => k % 10);
  const rng = new Rng(1234);
  const feeds: Record<string, HostTensor> = {};
  for (const i of g.inputs) {
    const shape = [count, ...g.values.get(i.value)!.shape.slice(1)];
    const data = new Float32Array(numel(shape));
    if (noise.includes(i)) for (let k = 0; k < data.length; k++) data[k] = rng.normal();
    else if (i.name === p.inputName) data.set(p.val.x.subarray(0, Math.min(data.length, p.val.x.length)));
    feeds[i.name] =
      g.values.get(i.value)!.dtype === 'int64'
        ? int64Tensor(
            Array.from({ length: numel(shape) }, (_, k) => asked[k % count]!),
            shape,
          )
        : floatTensor(data, shape);
  }
  const session = await createSession(bytes, { backends: [p.backend ?? 'wasm', 'wasm'] });
  try {
    // The export keeps only inputs its outputs need (a GAN's real images feed no output).
    const used = new Set(session.inputNames);
    const r = await runSession(
      session,
      Object.fromEntries(Object.entries(feeds).filter(([k]) => used.has(k))),
    );
    const made = toGrey(r[out.name]!.data as Float32Array, count, fs);
    if (conditional) {
      return {
        kind: 'samples',
        side,
        images: made,
        count,
        labels: asked,
        caption: 'generated from the same fixed noise each time, each asked for the digit in its corner',
      };
    }
    if (!reconstruct) return { kind: 'samples', side, images: made, count };
    const originals = toGrey(p.val.x, count, fs);
    const pairs = new Uint8Array(2 * count * fs);
    for (let i = 0; i < count; i++) {
      pairs.set(originals.subarray(i * fs, (i + 1) * fs), 2 * i * fs);
      pairs.set(made.subarray(i * fs, (i + 1) * fs), (2 * i + 1) * fs);
    }
    return {
      kind: 'samples',
      side,
      images: pairs,
      count: 2 * count,
      caption: 'held-out digits (left) and their reconstructions (right)',
    };
  } finally {
    await session.release();
  }
}

// What a person would rather look at than a loss number, computed from the model as trained so
// far: a decision boundary over a 2-D set (TensorFlow Playground style), the fitted curve of a 1-D
// regression, held-out images with predictions and a confusion matrix for an image classifier
// (MNIST digits, the shapes, an image folder), predicted masks beside the true ones for a
// segmentation net, and the first convolution's filters as little images. Pure data out; the
// renderer draws it.
import type { NetloomDocument } from '../document/schema.ts';
import { exportDocument } from '../onnx/from-document.ts';
import type { Dataset } from './datasets/dataset.ts';
import { featureSize } from './datasets/dataset.ts';
import type { Backend } from './ort-runtime.ts';
import { createSession, runSession } from './ort-session.ts';
import type { HostTensor } from './tensors.ts';
import { floatTensor, int64Tensor } from './tensors.ts';
import { numel } from '../ir/types.ts';
import { nodeName } from '../compile/lower.ts';
import { Rng } from '../util/random.ts';
import type { TrainingPicture } from './worker-protocol.ts';
import { openImageEncoder, openImageGenerator } from './generate-images.ts';
import { decodeLatentGrid, encodeExamples, twoDimensional, varianceByDimension } from './latent-space.ts';
import { isDiffusionDocument, sampleDiffusion } from './diffusion.ts';

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

/** Images for display, bytes per pixel (RGB interleaved): standardised sets in their own colours. */
export function displayImages(d: Dataset, count: number): { pixels: Uint8Array; channels: number } {
  const shape = d.featureShape;
  const channels = shape.length === 3 ? shape[0]! : 1;
  const px = featureSize(d) / channels;
  // Grey images without statistics (MNIST as given) are stretched one by one; colour ones without
  // statistics hold pixels in [0, 1].
  if (channels === 1 && !d.pixelStats) return { pixels: toGrey(d.x, count, px), channels };
  const stats =
    d.pixelStats && d.pixelStats.mean.length === channels
      ? d.pixelStats
      : { mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
  const out = new Uint8Array(count * px * channels);
  for (let i = 0; i < count; i++)
    for (let c = 0; c < channels; c++)
      for (let j = 0; j < px; j++) {
        const v = d.x[(i * channels + c) * px + j]! * stats.std[c]! + stats.mean[c]!;
        out[(i * px + j) * channels + c] = Math.max(0, Math.min(255, Math.round(v * 255)));
      }
  return { pixels: out, channels };
}

/** Whether examples are pictures [1 or 3, H, W]. */
function isPictureShape(s: readonly number[]): boolean {
  return s.length === 3 && (s[0] === 1 || s[0] === 3);
}

/** Every picture that suits the model and data: the main one, then the first convolution's filters. */
export async function trainingPictures(p: PictureInput): Promise<TrainingPicture[]> {
  const main = isDiffusionDocument(p.doc) ? await denoisingStrip(p) : await trainingPicture(p);
  const filters = firstConvFilters(p.doc, p.weights);
  // A VAE or an autoencoder (reconstructions are its main picture): its latent space too.
  const encodes =
    !isDiffusionDocument(p.doc) &&
    main?.kind === 'samples' &&
    main.labels === undefined &&
    (p.doc.nodes.some((n) => n.kind === 'Reparameterize') ||
      !p.doc.nodes.some((n) => n.kind === 'RandomNormal'));
  const latent = encodes ? await latentPictures(p) : [];
  return [...(main ? [main] : []), ...(filters ? [filters] : []), ...latent];
}

/** Bytes 0..255 of values in [0, 1] (a decoder's sigmoid), clipped. */
function unitBytes(x: Float32Array): Uint8Array {
  return Uint8Array.from(x, (v) => Math.max(0, Math.min(255, Math.round(v * 255))));
}

/**
 * A VAE's latent grid (decoded z over [−3, 3]² in two dimensions) and, with class labels, the
 * held-out examples' latents scattered by class.
 */
export async function latentPictures(
  p: PictureInput,
  o: { steps?: number; examples?: number } = {},
): Promise<TrainingPicture[]> {
  const opts = { weights: p.weights, ...(p.backend ? { backend: p.backend } : {}) };
  const enc = await openImageEncoder(p.doc, opts);
  if (!enc) return [];
  const gen = await openImageGenerator(p.doc, opts);
  try {
    const n = Math.min(o.examples ?? 500, p.val.size);
    const codes = await encodeExamples(enc, p.val.x, n, featureSize(p.val));
    const out: TrainingPicture[] = [];
    if (gen.kind === 'vae' && gen.latentSize >= 2 && gen.imageShape[0] === 1) {
      const variances = gen.latentSize > 2 ? varianceByDimension(codes, n, enc.latentSize) : undefined;
      const grid = await decodeLatentGrid(gen, { steps: o.steps ?? 12, ...(variances ? { variances } : {}) });
      out.push({
        kind: 'latent-grid',
        side: gen.imageShape[1],
        steps: grid.steps,
        images: unitBytes(grid.images),
        caption: `decoded from a ${grid.steps}×${grid.steps} grid of z over [−3, 3]²: ${grid.axes.caption}`,
      });
    }
    if (p.val.task === 'classification' && n > 0) {
      const { points, caption } = twoDimensional(codes, n, enc.latentSize);
      out.push({
        kind: 'latent-scatter',
        points,
        labels: Array.from(p.val.y.subarray(0, n)),
        classes: p.val.classes ?? 10,
        ...(p.val.classNames ? { classNames: [...p.val.classNames] } : {}),
        caption: `${n} held-out examples encoded (${enc.layer}): ${caption}`,
      });
    }
    return out;
  } finally {
    await enc.release();
    await gen.release();
  }
}

/** The picture that suits the dataset, or undefined when none does (e.g. a CSV with 5 columns). */
export async function trainingPicture(p: PictureInput): Promise<TrainingPicture | undefined> {
  const fs = featureSize(p.data);
  const side = Math.round(Math.sqrt(fs));
  const isImage = side * side === fs && fs > 1;
  const classify = p.data.task === 'classification';
  const isDigits = classify && (fs === 784 || p.data.name === 'mnist');
  const picture = isPictureShape(p.data.featureShape);
  const target = p.data.targetShape;
  const isMasks =
    picture &&
    classify &&
    target.length === 2 &&
    target[0] === p.data.featureShape[1] &&
    target[1] === p.data.featureShape[2];
  const isLabelled = picture && classify && target.length === 0;
  if (!(fs === 2 && classify) && fs !== 1 && !isDigits && !isImage && !isMasks && !isLabelled)
    return undefined;
  // One export per picture: the generator/autoencoder check and the classifier pictures share it.
  const exported = exportDocument(p.doc, { weights: p.weights });
  if (isImage || picture) {
    const samples = await generatedSamples(p, fs, side, exported);
    if (samples || (!isDigits && !isMasks && !isLabelled)) return samples;
  }
  const { bytes, lowered } = exported;
  const out = lowered.graph.outputs.find((o) => o.role === 'output');
  if (!out) return undefined;
  const session = await createSession(bytes, p.backend ? { backend: p.backend } : {});
  const run = async (x: Float32Array, n: number): Promise<HostTensor> => {
    const shape = [n, ...p.data.featureShape];
    const r = await runSession(session, { [p.inputName]: floatTensor(x, shape) });
    return r[out.name]!;
  };
  try {
    if (isMasks) return await masks(p, run);
    if (isDigits || isLabelled) return await digits(p, run);
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

/**
 * Segmentation: the first held-out images with their true and predicted masks; pixel accuracy and
 * mean IoU over up to 256 held-out images.
 */
async function masks(
  p: PictureInput,
  run: (x: Float32Array, n: number) => Promise<HostTensor>,
): Promise<TrainingPicture> {
  const [, h, w] = p.data.featureShape as [number, number, number];
  const px = h * w;
  const per = featureSize(p.val);
  const classes = p.val.classes ?? 2;
  const n = Math.min(256, p.val.size);
  const predicted = new Uint8Array(n * px);
  for (let s = 0; s < n; s += 32) {
    const b = Math.min(32, n - s);
    const out = await run(p.val.x.subarray(s * per, (s + b) * per), b);
    const k = out.shape[1] ?? 1;
    const d = out.data as Float32Array;
    for (let i = 0; i < b; i++)
      for (let j = 0; j < px; j++) {
        let best = 0;
        for (let c = 1; c < k; c++) if (d[(i * k + c) * px + j]! > d[(i * k + best) * px + j]!) best = c;
        predicted[(s + i) * px + j] = best;
      }
  }
  const truth = Uint8Array.from(p.val.y.subarray(0, n * px));
  let right = 0;
  const inter = new Array<number>(classes).fill(0);
  const union = new Array<number>(classes).fill(0);
  for (let j = 0; j < n * px; j++) {
    const t = truth[j]!;
    const q = predicted[j]!;
    if (t === q) {
      right++;
      inter[t] = inter[t]! + 1;
      union[t] = union[t]! + 1;
    } else {
      if (t < classes) union[t] = union[t]! + 1;
      if (q < classes) union[q] = union[q]! + 1;
    }
  }
  const present = union.map((u, c) => (u > 0 ? inter[c]! / u : -1)).filter((v) => v >= 0);
  const count = Math.min(8, n);
  const shown = displayImages(p.val, count);
  return {
    kind: 'masks',
    side: h,
    width: w,
    count,
    channels: shown.channels,
    images: shown.pixels,
    truth: truth.slice(0, count * px),
    predicted: predicted.slice(0, count * px),
    classes,
    ...(p.val.classNames ? { classNames: [...p.val.classNames] } : {}),
    pixelAccuracy: n ? right / (n * px) : 0,
    meanIoU: present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0,
  };
}

/**
 * The first Conv2d fed straight from an image Input, its filters as little images: what the
 * network has learned to look for first (edges, colour blobs).
 */
export function firstConvFilters(
  doc: NetloomDocument,
  weights: ReadonlyMap<string, Float32Array>,
): TrainingPicture | undefined {
  const inputs = new Set(doc.nodes.filter((n) => n.kind === 'Input').map((n) => n.id));
  const edge = doc.edges.find(
    (e) => inputs.has(e.source.node) && doc.nodes.find((n) => n.id === e.target.node)?.kind === 'Conv2d',
  );
  if (!edge) return undefined;
  const node = doc.nodes.find((n) => n.id === edge.target.node)!;
  const w = weights.get(`${node.id}.weight`);
  const params = node.params as { outChannels?: number; kernelSize?: number[]; groups?: number };
  const [kh, kw] = (params.kernelSize ?? [3, 3]) as [number, number];
  const out = params.outChannels ?? 16;
  if (!w || w.length % (out * kh * kw) !== 0) return undefined;
  const inC = w.length / (out * kh * kw);
  const channels = inC === 3 ? 3 : 1;
  const count = Math.min(out, 64);
  const area = kh * kw;
  const images = new Uint8Array(count * area * channels);
  for (let f = 0; f < count; f++) {
    const base = f * inC * area;
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < inC * area; k++) {
      lo = Math.min(lo, w[base + k]!);
      hi = Math.max(hi, w[base + k]!);
    }
    for (let j = 0; j < area; j++)
      for (let c = 0; c < channels; c++) {
        // Grey filters over several input channels show their mean.
        let v = 0;
        if (channels === 3) v = w[base + c * area + j]!;
        else for (let ic = 0; ic < inC; ic++) v += w[base + ic * area + j]! / inC;
        images[(f * area + j) * channels + c] = Math.round(((v - lo) / (hi - lo || 1)) * 255);
      }
  }
  return { kind: 'filters', layer: nodeName(node), count, kernel: [kh, kw], channels, images };
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
  const s = p.val.featureShape;
  const picture = isPictureShape(s);
  const display = displayImages(p.val, shown);
  return {
    kind: 'digits',
    side: picture ? s[1]! : Math.round(Math.sqrt(px)),
    ...(picture && s[2] !== s[1] ? { width: s[2]! } : {}),
    ...(display.channels !== 1 ? { channels: display.channels } : {}),
    images: display.pixels,
    ...(p.val.classNames ? { classNames: [...p.val.classNames] } : {}),
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
  const session = await createSession(bytes, p.backend ? { backend: p.backend } : {});
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

/** Frames per chain in the Train panel's strip (the panel draws 8 images a row). */
const stripFrames = 8;

/**
 * A diffusion model's reverse process from the same fixed noise each epoch: two chains, each a row
 * of frames from pure noise x_T (left) to the sample x_0 (right).
 */
export async function denoisingStrip(p: PictureInput): Promise<TrainingPicture | undefined> {
  const r = await sampleDiffusion(p.doc, {
    count: 2,
    seed: 1234,
    frames: stripFrames,
    weights: p.weights,
    ...(p.backend ? { backend: p.backend } : {}),
  });
  const px = numel(r.shape);
  const side = r.shape[1]!;
  if (r.shape[0] !== 1 || r.shape[2] !== side || r.frames.length !== stripFrames) return undefined;
  const images = new Uint8Array(2 * stripFrames * px);
  for (let chain = 0; chain < 2; chain++)
    r.frames.forEach((f, k) => {
      for (let j = 0; j < px; j++)
        images[(chain * stripFrames + k) * px + j] = Math.round(f[chain * px + j]! * 255);
    });
  return {
    kind: 'samples',
    side,
    images,
    count: 2 * stripFrames,
    caption: `denoising from pure noise x_T (left) to a sample x_0 (right), ${r.frames.length} of the reverse process's steps, the same noise each epoch`,
  };
}

// Denoising diffusion (Ho et al. 2020, DDPM): the linear β schedule, the training feeds the
// trainer forms per batch (x_t from x₀, a drawn t and ε; the loss's target is ε), and the reverse
// process that turns pure noise into images by running the exported ε-predicting network T times.
import type { NetloomDocument } from '../document/schema.ts';
import type { DiffusionSampler, DiffusionSetup } from '../autodiff/training-schema.ts';
import { parseTrainingSetup, trainingSchema } from '../autodiff/training-schema.ts';
import { encodePng, imageGrid } from '../util/png.ts';
import { exportDocument } from '../onnx/from-document.ts';
import { NetloomError } from '../util/errors.ts';
import { Rng } from '../util/random.ts';
import { numel } from '../ir/types.ts';
import type { Backend } from './ort-runtime.ts';
import type { ExportedModelOptions } from './generate.ts';
import { createSession, runSession } from './ort-session.ts';
import type { Batch } from './datasets/dataset.ts';
import type { HostTensor } from './tensors.ts';

/** β_t, α_t = 1 − β_t and ᾱ_t = ∏ α_s for t = 0 … T−1 (the paper's 1 … T). */
export interface NoiseSchedule {
  readonly steps: number;
  readonly betas: Float64Array;
  readonly alphas: Float64Array;
  readonly alphaBars: Float64Array;
}

export function linearSchedule(
  d: Pick<DiffusionSetup, 'timesteps' | 'betaStart' | 'betaEnd'>,
): NoiseSchedule {
  const T = d.timesteps;
  const betas = Float64Array.from({ length: T }, (_, t) =>
    T === 1 ? d.betaStart : d.betaStart + ((d.betaEnd - d.betaStart) * t) / (T - 1),
  );
  const alphas = betas.map((b) => 1 - b);
  const alphaBars = new Float64Array(T);
  let p = 1;
  for (let t = 0; t < T; t++) alphaBars[t] = p *= alphas[t]!;
  return { steps: T, betas, alphas, alphaBars };
}

/** Graph inputs a diffusion objective feeds: the noisy image, the step and the loss's target (ε). */
export interface DiffusionInputs {
  readonly features: string;
  readonly timestep: string;
  readonly target: string;
}

/** Data in [0, 1] (pixels) as the paper's x₀ in [−1, 1]. */
const toSigned = (v: number): number => 2 * v - 1;

/**
 * One training batch's feeds: per example a uniform t, ε ~ N(0, I), x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε;
 * the network is fed x_t and t and trained to give ε (Algorithm 1 of the paper).
 */
export function diffusionFeeds(
  s: NoiseSchedule,
  names: DiffusionInputs,
  b: Batch,
  rng: Rng,
): Record<string, HostTensor> {
  const x0 = b.x.data as Float32Array;
  const per = numel(b.x.shape.slice(1));
  const xt = new Float32Array(x0.length);
  const eps = new Float32Array(x0.length);
  const ts = new Float32Array(b.size);
  for (let n = 0; n < b.size; n++) {
    const t = rng.int(s.steps);
    ts[n] = t;
    const a = Math.sqrt(s.alphaBars[t]!);
    const c = Math.sqrt(1 - s.alphaBars[t]!);
    for (let k = n * per; k < (n + 1) * per; k++) {
      const e = rng.normal();
      eps[k] = e;
      xt[k] = a * toSigned(x0[k]!) + c * e;
    }
  }
  return {
    [names.features]: { dtype: 'float32', shape: b.x.shape, data: xt },
    [names.timestep]: { dtype: 'float32', shape: [b.size], data: ts },
    [names.target]: { dtype: 'float32', shape: b.x.shape, data: eps },
  };
}

/** Predicts ε for a batch of noisy images at one step t. */
export type NoisePredictor = (xt: HostTensor, t: number) => Promise<Float32Array>;

export interface ReverseOptions {
  readonly count: number;
  /** Per image [C, H, W]. */
  readonly shape: readonly number[];
  readonly seed?: number;
  /** How many frames of the chain to keep besides x_0 (evenly spaced from x_T); 0: none. */
  readonly frames?: number;
  /** Clip the predicted x₀ to [−1, 1] at each step (default true, as the authors' code). */
  readonly clip?: boolean;
  /** The diffusion setup's `sampler` (default 'ddpm': Algorithm 2 with σ_t² = β_t). */
  readonly sampler?: DiffusionSampler;
  /**
   * Where the standard normal draws come from (default: the seeded generator): first x_T's, image
   * after image, then each stochastic step's z from t = T−1 down to 1 (the DDIM draws only x_T).
   */
  readonly normal?: () => number;
  readonly shouldStop?: () => boolean;
}

export interface ReverseResult {
  /** x_0 in [0, 1] (the model's [−1, 1] mapped back and clipped), [count, C, H, W]. */
  readonly images: Float32Array;
  /** Frames from x_T to x_0, each [count, C, H, W] in [0, 1]. */
  readonly frames: Float32Array[];
}

const toPixels = (x: Float32Array): Float32Array => x.map((v) => Math.min(1, Math.max(0, (v + 1) / 2)));

/**
 * Algorithm 2 of the paper: x_T ~ N(0, I); for t = T−1 … 0, x_{t−1} = μ_t + σ_t·z with σ_t² = β_t
 * ('ddpm') or the posterior's β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t)·β_t ('ddpm-posterior'; the paper found
 * both about as good), and z = 0 at the last step. μ_t is the posterior mean given
 * x̂₀ = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t; as the authors' code does (clip_denoised), x̂₀ is clipped to the
 * data's [−1, 1] first. Unclipped, μ_t = (x_t − β_t/√(1−ᾱ_t)·ε̂)/√α_t, the formula of Algorithm 2.
 * 'ddim' (Song et al. 2021, η = 0) steps without noise: x_{t−1} = √ᾱ_{t−1}·x̂₀ + √(1−ᾱ_{t−1})·ε̂,
 * with ε̂ re-derived from the clipped x̂₀ (as GLIDE and diffusers' use_clipped_model_output) so the
 * two stay one consistent x_t; unclipped it is the paper's eq. 12.
 */
export async function reverseProcess(
  s: NoiseSchedule,
  predict: NoisePredictor,
  o: ReverseOptions,
): Promise<ReverseResult> {
  const rng = new Rng(o.seed ?? 1);
  const normal = o.normal ?? (() => rng.normal());
  const shape = [o.count, ...o.shape];
  let x = new Float32Array(numel(shape));
  for (let k = 0; k < x.length; k++) x[k] = normal();
  const frames: Float32Array[] = [];
  const want = o.frames ?? 0;
  // Steps after which a frame is kept: x_T itself, then evenly down to x_0.
  const keepAt = new Set(
    Array.from({ length: Math.max(0, want - 1) }, (_, i) =>
      Math.round((s.steps * (want - 2 - i)) / (want - 1)),
    ),
  );
  if (want > 0) frames.push(toPixels(x));
  const clip = o.clip ?? true;
  const sampler = o.sampler ?? 'ddpm';
  for (let t = s.steps - 1; t >= 0; t--) {
    if (o.shouldStop?.()) throw new NetloomError('runtime', 'Sampling stopped');
    const eps = await predict({ dtype: 'float32', shape, data: x }, t);
    const ab = s.alphaBars[t]!;
    const abPrev = t > 0 ? s.alphaBars[t - 1]! : 1;
    const beta = s.betas[t]!;
    const next = new Float32Array(x.length);
    if (sampler === 'ddim') {
      for (let k = 0; k < x.length; k++) {
        let x0 = (x[k]! - Math.sqrt(1 - ab) * eps[k]!) / Math.sqrt(ab);
        if (clip) x0 = Math.min(1, Math.max(-1, x0));
        const e = (x[k]! - Math.sqrt(ab) * x0) / Math.sqrt(1 - ab);
        next[k] = Math.sqrt(abPrev) * x0 + Math.sqrt(1 - abPrev) * e;
      }
    } else {
      // Posterior q(x_{t−1} | x_t, x̂₀) mean: c0·x̂₀ + ct·x_t (Ho et al. eq. 7).
      const c0 = (beta * Math.sqrt(abPrev)) / (1 - ab);
      const ct = ((1 - abPrev) * Math.sqrt(s.alphas[t]!)) / (1 - ab);
      const variance = sampler === 'ddpm-posterior' ? ((1 - abPrev) / (1 - ab)) * beta : beta;
      const sigma = t > 0 ? Math.sqrt(variance) : 0;
      for (let k = 0; k < x.length; k++) {
        let x0 = (x[k]! - Math.sqrt(1 - ab) * eps[k]!) / Math.sqrt(ab);
        if (clip) x0 = Math.min(1, Math.max(-1, x0));
        next[k] = c0 * x0 + ct * x[k]! + (sigma > 0 ? sigma * normal() : 0);
      }
    }
    x = next;
    if (want > 1 && keepAt.has(t)) frames.push(toPixels(x));
  }
  return { images: toPixels(x), frames };
}

/** The document's diffusion objective, or a message saying the document is not a diffusion model. */
export function diffusionSetupOf(doc: NetloomDocument): DiffusionSetup {
  const d = doc.training
    ? parseTrainingSetup(doc.training).objectives.find((o) => o.diffusion)?.diffusion
    : undefined;
  if (!d) {
    throw new NetloomError(
      'bad-argument',
      `${doc.name}: not a diffusion model (no objective of its training setup has a "diffusion" schedule)`,
      { path: 'training.objectives' },
    );
  }
  return d;
}

export interface DiffusionModel {
  readonly schedule: NoiseSchedule;
  /** The diffusion setup's `sampler`. */
  readonly sampler: DiffusionSampler;
  /** One image's shape [C, H, W]. */
  readonly shape: readonly number[];
  readonly predict: NoisePredictor;
  release(): Promise<void>;
}

/**
 * A document's ε-network as exported (the same ONNX `export` writes): its features Input takes
 * x_t, its timestep Input t, its first output ε̂.
 */
export async function openDiffusionModel(
  doc: NetloomDocument,
  opts: ExportedModelOptions = {},
): Promise<DiffusionModel> {
  const d = diffusionSetupOf(doc);
  const { bytes, lowered } = exportDocument(
    doc,
    opts.weights ? { weights: opts.weights } : { seed: opts.seed ?? 0 },
  );
  const g = lowered.graph;
  const tIn = g.inputs.find((i) => i.node === d.timestep);
  const xIn = g.inputs.find((i) => i.node !== d.timestep && g.values.get(i.value)!.shape.length >= 2);
  const out = g.outputs.find((o) => o.role === 'output');
  if (!tIn || !xIn || !out) {
    throw new NetloomError(
      'bad-argument',
      `${doc.name}: a diffusion model needs an image Input, the timestep Input "${d.timestep}" and an Output (the predicted noise)`,
      { path: 'training.objectives' },
    );
  }
  const shape = g.values.get(xIn.value)!.shape.slice(1);
  const session = await createSession(bytes, {
    ...(opts.backend ? { backend: opts.backend } : {}),
    ...(opts.threads ? { threads: opts.threads } : {}),
  });
  return {
    schedule: linearSchedule(d),
    sampler: d.sampler,
    shape,
    async predict(xt, t) {
      const n = xt.shape[0]!;
      const r = await runSession(session, {
        [xIn.name]: xt,
        [tIn.name]: { dtype: 'float32', shape: [n], data: new Float32Array(n).fill(t) },
      });
      return r[out.name]!.data as Float32Array;
    },
    release: () => session.release(),
  };
}

/** `count` images drawn from a document's diffusion model (and, with `frames`, the chain's frames). */
export async function sampleDiffusion(
  doc: NetloomDocument,
  o: Omit<ReverseOptions, 'shape'> & {
    weights?: ReadonlyMap<string, Float32Array>;
    backend?: Backend;
    threads?: number;
  },
): Promise<ReverseResult & { shape: readonly number[] }> {
  const m = await openDiffusionModel(doc, {
    ...(o.weights ? { weights: o.weights } : {}),
    ...(o.backend ? { backend: o.backend } : {}),
    ...(o.threads ? { threads: o.threads } : {}),
  });
  try {
    return {
      ...(await reverseProcess(m.schedule, m.predict, { sampler: m.sampler, ...o, shape: m.shape })),
      shape: m.shape,
    };
  } finally {
    await m.release();
  }
}

/** Whether a document trains as a diffusion model (some objective has a `diffusion` schedule). */
export function isDiffusionDocument(doc: NetloomDocument): boolean {
  if (!doc.training) return false;
  const r = trainingSchema.safeParse(doc.training);
  return r.success && r.data.objectives.some((o) => o.diffusion);
}

/** `count` samples as one PNG grid (torchvision's make_grid layout), for `netloom sample -o out.png`. */
export async function diffusionPng(
  doc: NetloomDocument,
  o: { count: number; seed?: number; weights?: ReadonlyMap<string, Float32Array> },
): Promise<Uint8Array> {
  const r = await sampleDiffusion(doc, o);
  const [c, h, w] = r.shape as [number, number, number];
  return encodePng(imageGrid(r.images, [o.count, c, h, w]));
}

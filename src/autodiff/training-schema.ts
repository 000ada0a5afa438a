// The `training` field of a Document: one or more objectives (a loss, the parameters it updates,
// an optimizer), plus the run's settings. One objective covers classifiers, regressors,
// autoencoders and VAEs; two alternating ones a GAN (discriminator step, then generator step); one
// with a `diffusion` schedule a DDPM (the trainer noises the data itself).
import { z } from 'zod';
import { NetloomError } from '../util/errors.ts';
import { clip, echo, firstFew } from '../util/text.ts';
import { lossKinds } from './losses.ts';
import { optimizerSchema } from './optimizers.ts';
import { scheduleSchema } from './schedules.ts';

export const builtinLossSchema = z.object({
  kind: z.enum(lossKinds),
  /** The node whose output is the prediction (an Output node or any layer; port 'y' unless named "node:port"). */
  output: z.string().min(1),
});

/** The diffusion objective's ways of sampling (its `sampler` field). */
export const diffusionSamplers = ['ddpm', 'ddpm-posterior', 'ddim'] as const;
export type DiffusionSampler = (typeof diffusionSamplers)[number];

/**
 * A DDPM objective (Ho et al. 2020): per example the trainer draws a step t and noise ε, feeds the
 * network x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε (x₀ the data mapped from [0, 1] to [−1, 1]) and t, and the loss
 * compares the network's output with ε. β rises linearly from betaStart to betaEnd over T steps.
 */
export const diffusionSchema = z
  .object({
    timesteps: z.number().int().min(2).max(4000).default(1000),
    betaStart: z.number().gt(0).lt(1).default(1e-4),
    betaEnd: z.number().gt(0).lt(1).default(0.02),
    /** The Input node fed the step t (a float per example, 0 … T−1); the features Input takes x_t. */
    timestep: z.string().min(1),
    /**
     * How samples are drawn (src/runtime/diffusion.ts), with no retraining: 'ddpm' is the paper's
     * Algorithm 2 with σ_t² = β_t; 'ddpm-posterior' the same with σ_t² = β̃_t, the posterior's
     * variance (1−ᾱ_{t−1})/(1−ᾱ_t)·β_t; 'ddim' Song et al. 2021's deterministic sampler (η = 0)
     * over the same T steps.
     */
    sampler: z
      .enum(diffusionSamplers, {
        error: `sampler must be one of ${diffusionSamplers.map((k) => `'${k}'`).join(', ')} ('ddpm': σ² = β; 'ddpm-posterior': σ² = β̃; 'ddim': deterministic, η = 0)`,
      })
      .default('ddpm'),
  })
  .refine((d) => d.betaStart <= d.betaEnd, {
    message: 'betaStart must not exceed betaEnd (β rises over the steps)',
    path: ['betaEnd'],
  });

export const objectiveSchema = z.object({
  name: z.string().min(1).default('main'),
  /** A loss layer's node id, or a built-in loss on a node's output. */
  loss: z.union([z.string().min(1), builtinLossSchema]),
  /** Node ids or group ids whose weights this objective trains; 'all' = every unfrozen node. */
  params: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
  optimizer: optimizerSchema.default({
    name: 'adam',
    lr: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    alpha: 0.99,
    l1: 0,
  }),
  /** Node whose output is compared with the targets for accuracy (default: the loss's prediction). */
  prediction: z.string().min(1).optional(),
  /** Train as a denoising diffusion model: the loss's target is the noise the trainer drew. */
  diffusion: diffusionSchema.optional(),
});

/**
 * Keep an exponential moving average of the weights (EMA) and hand it out as the trained model:
 * the saved weights, the samples and the held-out loss are the average's (src/runtime/weight-average.ts).
 */
export const weightAverageSchema = z.object({
  /** The share of the old average kept at each step: 0.999 remembers about the last 1,000 steps. */
  decay: z
    .number()
    .gt(0, 'decay must lie between 0 and 1 (e.g. 0.999, which averages about the last 1,000 steps)')
    .lt(1, 'decay must lie between 0 and 1 (e.g. 0.999, which averages about the last 1,000 steps)'),
  /** Ramp the decay up as min(decay, (1 + n) / (10 + n)) after n updates, so early weights fade fast. */
  warmup: z.boolean().default(true),
});

export const trainingSchema = z.object({
  objectives: z.array(objectiveSchema).min(1),
  /** A built-in dataset name (spirals, moons, circles, xor, blobs, sine, mnist, shapes, shapes-masks), a CSV path or an image folder. */
  dataset: z.string().min(1).optional(),
  batchSize: z.number().int().positive().default(32),
  epochs: z.number().int().positive().default(10),
  seed: z.number().int().default(0),
  validationSplit: z.number().min(0).lt(1).default(0.2),
  /**
   * Standardise image pixels (MNIST: (v − 0.1307) / 0.3081, as torchvision's usual Normalize);
   * false keeps them in [0, 1], which a reconstruction loss such as BCE needs.
   */
  normalizeInputs: z.boolean().default(true),
  schedule: scheduleSchema.optional(),
  /**
   * Image augmentation, drawn afresh for every training batch (never for validation): a random
   * horizontal flip, a random crop of the image padded by `cropPadding` pixels of black on each side
   * (torchvision's RandomCrop(size, padding)). A per-pixel target (a mask) moves with its image.
   */
  augment: z
    .object({
      flip: z.boolean().default(false),
      cropPadding: z.number().int().min(0).max(64).default(0),
    })
    .optional(),
  /** An exponential moving average of the weights, used in place of the last step's weights. */
  ema: weightAverageSchema.optional(),
  /** Input node names: which is fed the features and which the targets (defaults: by wiring). */
  inputs: z.object({ features: z.string().optional(), targets: z.string().optional() }).optional(),
});

export type TrainingSetup = z.output<typeof trainingSchema>;
export type ObjectiveSetup = z.output<typeof objectiveSchema>;
export type DiffusionSetup = z.output<typeof diffusionSchema>;
export type WeightAverageSetup = z.output<typeof weightAverageSchema>;

/** Validates a document's `training` field; errors name the JSON path (training.objectives.0.loss). */
export function parseTrainingSetup(raw: unknown): TrainingSetup {
  const r = trainingSchema.safeParse(raw);
  if (r.success) return r.data;
  const msg = firstFew(
    r.error.issues.map(
      (i) =>
        `training${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${echo(String(p), 40)}`)).join('')}: ${clip(i.message, 200)}`,
    ),
  ).join('\n');
  const first = r.error.issues[0];
  throw new NetloomError('invalid-file', `The training setup is not valid:\n${msg}`, {
    path: `training${first ? first.path.map((p) => `.${String(p)}`).join('') : ''}`,
  });
}

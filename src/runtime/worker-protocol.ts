// The messages between the Train panel and the training worker, declared once as zod schemas; the
// types are derived from them. The worker checks what the panel posts and the panel checks what
// the worker posts back, so a malformed message is reported instead of half-applied. The training
// loop's reports are declared here too, since they are what travels.
import { z } from 'zod';
import type { NetloomDocument } from '../document/schema.ts';
import { optimizerNames } from '../autodiff/optimizers.ts';
import { backendNames } from './ort-runtime.ts';
import type { AugmentSetup } from './datasets/images.ts';

const float32s = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected a Uint8Array');
const numberArray = z.custom<ArrayLike<number>>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { length?: unknown }).length === 'number',
  'expected an array of numbers',
);

export const datasetSourceSchema = z.discriminatedUnion('kind', [
  /** A built-in set by name (toyByName says which exist). */
  z.object({ kind: z.literal('builtin'), name: z.string() }),
  z.object({
    kind: z.literal('csv'),
    text: z.string(),
    name: z.string().optional(),
    label: z.union([z.string(), z.number()]).optional(),
  }),
  /**
   * MNIST digits: the ten arrays themselves, ten URLs of mnist/src/digits/<d>.json to fetch, or the
   * URL of the app's packed copy (packMnist).
   */
  z.object({
    kind: z.literal('mnist'),
    digits: z.array(numberArray).optional(),
    urls: z.array(z.string()).optional(),
    packedUrl: z.string().optional(),
  }),
  /** A dataset the page has already made (an image folder decoded and resized there): its arrays. */
  z.object({
    kind: z.literal('tensors'),
    dataset: z
      .object({
        name: z.string(),
        task: z.enum(['classification', 'regression']),
        featureShape: z.array(z.number().int().positive()).min(1).readonly(),
        targetShape: z.array(z.number().int().positive()).readonly(),
        size: z.number().int().positive(),
        x: float32s,
        y: float32s,
        classes: z.number().int().positive().optional(),
        classNames: z.array(z.string()).readonly().optional(),
        pixelStats: z
          .object({ mean: z.array(z.number()).readonly(), std: z.array(z.number()).readonly() })
          .optional(),
      })
      .refine(
        (d) =>
          d.x.length === d.size * d.featureShape.reduce((a, b) => a * b, 1) &&
          d.y.length === d.size * d.targetShape.reduce((a, b) => a * b, 1),
        'the arrays do not hold `size` examples of the shapes given',
      ),
  }),
]);

export const backendSchema = z.enum(backendNames);

/** Image augmentation for one run (trainingSchema's `augment`). */
export const augmentSetupSchema = z.object({
  flip: z.boolean(),
  cropPadding: z.number().int().min(0).max(64),
}) satisfies z.ZodType<AugmentSetup>;

export const startSchema = z.object({
  type: z.literal('start'),
  /** The project as plain data; the worker validates it as a document before training. */
  document: z.unknown(),
  dataset: datasetSourceSchema,
  epochs: z.number().int().min(1).max(10_000).optional(),
  steps: z.number().int().min(1).optional(),
  batchSize: z.number().int().min(1).max(4096).optional(),
  seed: z.number().int().optional(),
  backend: backendSchema.optional(),
  /** WASM threads (needs cross-origin isolation for more than 1). */
  threads: z.number().int().min(1).optional(),
  /** Replaces the first objective's optimizer and learning rate for this run. */
  optimizer: z.object({ name: z.enum(optimizerNames), lr: z.number().positive().max(10) }).optional(),
  /** Start from these weights (a continued run) instead of fresh initial values. */
  weights: z.record(z.string(), float32s).optional(),
  /** Compute a picture (boundary, curve, digits) after every epoch. */
  pictures: z.boolean().optional(),
  /** Which Input (by name) takes the features and which the labels; default: by wiring. */
  inputs: z.object({ features: z.string().optional(), targets: z.string().optional() }).optional(),
  /** Report every n-th step (default 1). */
  stepEvery: z.number().int().positive().optional(),
  /** Train and validate on the first `limit` examples only. */
  limit: z.number().int().min(2).optional(),
  /** Replaces the document's augmentation for this run (null: none). */
  augment: augmentSetupSchema.nullable().optional(),
});

/**
 * Times a few training steps of the run `start` would make (after a warm-up), on this worker's
 * backend and threads, and answers with a `probed` event; the panel compares workers by it.
 */
export const probeSchema = startSchema
  .omit({ type: true, epochs: true, steps: true, pictures: true })
  .extend({
    type: z.literal('probe'),
    /** Warm-up: at least this long (and 3 steps) before timing. */
    warmupMs: z.number().min(0).max(60_000).optional(),
    /** Timing: at least this long (and 5 steps). */
    measureMs: z.number().min(0).max(60_000).optional(),
  });

export const workerMessageSchema = z.discriminatedUnion('type', [
  startSchema,
  probeSchema,
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  /** While paused: one batch, then paused again (the Train panel's Step). */
  z.object({ type: z.literal('step-once') }),
  z.object({ type: z.literal('stop') }),
]);

export const stepReportSchema = z.object({
  epoch: z.number(),
  step: z.number(),
  /** Steps the run will take in all (for the ETA). */
  totalSteps: z.number(),
  /** Seconds since the first step began (sessions created, data loaded). */
  seconds: z.number(),
  objective: z.string(),
  loss: z.number(),
  lr: z.number(),
});

export const epochReportSchema = z.object({
  epoch: z.number(),
  /** Mean training loss of the first objective over the epoch. */
  loss: z.number(),
  /** Mean training loss of each objective. */
  losses: z.record(z.string(), z.number()),
  accuracy: z.number().optional(),
  valLoss: z.number().optional(),
  valAccuracy: z.number().optional(),
  stepsPerSecond: z.number(),
  steps: z.number(),
});

export const trainingPictureSchema = z.discriminatedUnion('kind', [
  /**
   * boundary: grid×grid probabilities of class 1 over [-extent, extent]², row 0 at the top;
   * curve: the model's output at `grid` evenly spaced x in [-extent, extent]. Both over the data.
   */
  z.object({
    kind: z.enum(['boundary', 'curve']),
    grid: z.number(),
    extent: z.number(),
    values: float32s,
    points: float32s,
    labels: float32s,
  }),
  z.object({
    kind: z.literal('digits'),
    /** Image height (and width, unless `width` says otherwise). */
    side: z.number(),
    width: z.number().optional(),
    /** 1: grey levels; 3: RGB bytes interleaved per pixel. Default 1. */
    channels: z.number().optional(),
    /** `count` images, side·width·channels bytes each (0 = black), for the grid of held-out images. */
    images: bytes,
    /** What the classes are called (else their numbers are shown). */
    classNames: z.array(z.string()).optional(),
    labels: z.array(z.number()),
    predictions: z.array(z.number()),
    /** classes×classes counts, true class by row, predicted class by column, over the whole split. */
    confusion: z.array(z.number()),
    classes: z.number(),
    accuracy: z.number(),
  }),
  /** A segmentation net: held-out images, their true masks and the predicted ones. */
  z.object({
    kind: z.literal('masks'),
    side: z.number(),
    width: z.number(),
    count: z.number(),
    channels: z.number(),
    /** `count` images, side·width·channels bytes each (RGB interleaved when 3). */
    images: bytes,
    /** Class per pixel, side·width each: the true masks and the model's argmax. */
    truth: bytes,
    predicted: bytes,
    classes: z.number(),
    classNames: z.array(z.string()).optional(),
    /** Over (up to 256 of) the held-out images: pixels right, and IoU averaged over the classes present. */
    pixelAccuracy: z.number(),
    meanIoU: z.number(),
  }),
  /** The first convolution's filters (kernel × kernel × channels each), scaled to 0..255 one by one. */
  z.object({
    kind: z.literal('filters'),
    layer: z.string(),
    count: z.number(),
    kernel: z.tuple([z.number(), z.number()]),
    channels: z.number(),
    images: bytes,
  }),
  z.object({
    kind: z.literal('samples'),
    side: z.number(),
    /** Generated images from the same fixed noise every time, side² grey levels each. */
    images: bytes,
    count: z.number(),
    /** A conditional generator's: the class each image was asked for. */
    labels: z.array(z.number()).optional(),
    caption: z.string().optional(),
  }),
  /** A VAE's decoder over a steps×steps grid of z, row by row from the top, side² grey levels each. */
  z.object({
    kind: z.literal('latent-grid'),
    side: z.number(),
    steps: z.number(),
    images: bytes,
    caption: z.string(),
  }),
  /** Held-out examples' latents as 2-D points (x, y interleaved), coloured by their class. */
  z.object({
    kind: z.literal('latent-scatter'),
    points: float32s,
    labels: z.array(z.number()),
    classes: z.number(),
    classNames: z.array(z.string()).optional(),
    caption: z.string(),
  }),
]);

export const workerEventSchema = z.discriminatedUnion('type', [
  /** Posted by the browser's worker once it has chosen a backend (src/runtime's loop does not). */
  z.object({
    type: z.literal('ready'),
    backend: z.string(),
    threads: z.number(),
    note: z.string().optional(),
  }),
  /** A probe's answer: the median time of its timed steps. */
  z.object({
    type: z.literal('probed'),
    backend: backendSchema,
    threads: z.number(),
    msPerStep: z.number(),
    steps: z.number(),
  }),
  z.object({ type: z.literal('step'), report: stepReportSchema }),
  z.object({ type: z.literal('epoch'), report: epochReportSchema }),
  z.object({ type: z.literal('picture'), picture: trainingPictureSchema }),
  z.object({
    type: z.literal('done'),
    steps: z.number(),
    stopped: z.boolean(),
    weights: z.record(z.string(), float32s),
  }),
  /** `code`: a NetloomError's (the model or the data is wrong), absent for a backend's own failure. */
  z.object({ type: z.literal('error'), message: z.string(), code: z.string().optional() }),
]);

export type DatasetSource = z.infer<typeof datasetSourceSchema>;
/** What the panel posts (the document as plain data). */
export type WorkerMessage = z.infer<typeof workerMessageSchema>;
export type StartMessage = z.infer<typeof startSchema>;
export type ProbeMessage = z.infer<typeof probeSchema>;
/** What the training loop runs: a start message whose document has been validated. */
export type StartRequest = Omit<StartMessage, 'document'> & { readonly document: NetloomDocument };
export type ProbeRequest = Omit<ProbeMessage, 'document'> & { readonly document: NetloomDocument };
export type WorkerRequest =
  StartRequest | ProbeRequest | Exclude<WorkerMessage, { type: 'start' } | { type: 'probe' }>;
export type StepReport = z.infer<typeof stepReportSchema>;
export type EpochReport = z.infer<typeof epochReportSchema>;
export type TrainingPicture = z.infer<typeof trainingPictureSchema>;
export type WorkerEvent = z.infer<typeof workerEventSchema>;

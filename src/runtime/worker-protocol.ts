// The messages between the Train panel and the training worker, declared once as zod schemas; the
// types are derived from them. The worker checks what the panel posts and the panel checks what
// the worker posts back, so a malformed message is reported instead of half-applied. The training
// loop's reports are declared here too, since they are what travels.
import { z } from 'zod';
import type { NetloomDocument } from '../document/schema.ts';
import { optimizerNames } from '../autodiff/optimizers.ts';
import type { Backend } from './ort-session.ts';

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
]);

const backendSchema = z.enum(['wasm', 'webgpu']) satisfies z.ZodType<Backend>;

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
});

export const workerMessageSchema = z.discriminatedUnion('type', [
  startSchema,
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('stop') }),
]);

export const stepReportSchema = z.object({
  epoch: z.number(),
  step: z.number(),
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
    side: z.number(),
    /** `count` images, side² grey levels each (0 = black), for the grid of test digits. */
    images: bytes,
    labels: z.array(z.number()),
    predictions: z.array(z.number()),
    /** classes×classes counts, true class by row, predicted class by column, over the whole split. */
    confusion: z.array(z.number()),
    classes: z.number(),
    accuracy: z.number(),
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
]);

export const workerEventSchema = z.discriminatedUnion('type', [
  /** Posted by the browser's worker once it has chosen a backend (src/runtime's loop does not). */
  z.object({
    type: z.literal('ready'),
    backend: z.string(),
    threads: z.number(),
    note: z.string().optional(),
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
  z.object({ type: z.literal('error'), message: z.string() }),
]);

export type DatasetSource = z.infer<typeof datasetSourceSchema>;
/** What the panel posts (the document as plain data). */
export type WorkerMessage = z.infer<typeof workerMessageSchema>;
export type StartMessage = z.infer<typeof startSchema>;
/** What the training loop runs: a start message whose document has been validated. */
export type StartRequest = Omit<StartMessage, 'document'> & { readonly document: NetloomDocument };
export type WorkerRequest = StartRequest | Exclude<WorkerMessage, { type: 'start' }>;
export type StepReport = z.infer<typeof stepReportSchema>;
export type EpochReport = z.infer<typeof epochReportSchema>;
export type TrainingPicture = z.infer<typeof trainingPictureSchema>;
export type WorkerEvent = z.infer<typeof workerEventSchema>;

// Messages between the Train panel and the training worker (src/runtime/train-worker.ts's
// protocol plus the worker's 'ready'), checked with zod on both sides so a malformed message is
// reported instead of half-applied.
import { z } from 'zod';
import { optimizerNames } from '../../src/autodiff/optimizers.ts';
import { toyNames } from '../../src/runtime/datasets/toy.ts';
import { imageSetNames } from '../../src/runtime/datasets/catalogue.ts';

const float32s = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');

export const trainDatasets = [...toyNames, 'mnist', ...imageSetNames, 'csv', 'image folder'] as const;

const datasetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('builtin'), name: z.enum([...toyNames, ...imageSetNames]) }),
  z.object({ kind: z.literal('csv'), text: z.string(), name: z.string().optional() }),
  z.object({ kind: z.literal('mnist'), packedUrl: z.string() }),
  // An image folder decoded in the page: the dataset's arrays themselves.
  z.object({
    kind: z.literal('tensors'),
    dataset: z.object({
      name: z.string(),
      task: z.literal('classification'),
      featureShape: z.array(z.number().int().positive()).length(3),
      targetShape: z.array(z.number().int()).length(0),
      size: z.number().int().positive(),
      x: float32s,
      y: float32s,
      classes: z.number().int().positive(),
      classNames: z.array(z.string()),
      pixelStats: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }).optional(),
    }),
  }),
]);

export const startSchema = z.object({
  type: z.literal('start'),
  document: z.unknown(),
  dataset: datasetSchema,
  epochs: z.number().int().min(1).max(10_000),
  batchSize: z.number().int().min(1).max(4096),
  seed: z.number().int(),
  optimizer: z.object({ name: z.enum(optimizerNames), lr: z.number().positive().max(10) }),
  weights: z.record(z.string(), float32s).optional(),
  stepEvery: z.number().int().positive().optional(),
  limit: z.number().int().min(2).optional(),
  inputs: z.object({ features: z.string().optional(), targets: z.string().optional() }).optional(),
});

export const toWorkerSchema = z.discriminatedUnion('type', [
  startSchema,
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('stop') }),
]);

export type StartMessage = z.infer<typeof startSchema>;
export type ToWorker = z.infer<typeof toWorkerSchema>;

const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected a Uint8Array');

const pictureSchema = z.discriminatedUnion('kind', [
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
    width: z.number().optional(),
    channels: z.number().optional(),
    images: z.custom<Uint8Array>((v) => v instanceof Uint8Array),
    classNames: z.array(z.string()).optional(),
    labels: z.array(z.number()),
    predictions: z.array(z.number()),
    confusion: z.array(z.number()),
    classes: z.number(),
    accuracy: z.number(),
  }),
  z.object({
    kind: z.literal('masks'),
    side: z.number(),
    width: z.number(),
    count: z.number(),
    channels: z.number(),
    images: bytes,
    truth: bytes,
    predicted: bytes,
    classes: z.number(),
    classNames: z.array(z.string()).optional(),
    pixelAccuracy: z.number(),
    meanIoU: z.number(),
  }),
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
    images: z.custom<Uint8Array>((v) => v instanceof Uint8Array),
    count: z.number(),
    caption: z.string().optional(),
  }),
]);

export const fromWorkerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    backend: z.string(),
    threads: z.number(),
    note: z.string().optional(),
  }),
  z.object({
    type: z.literal('step'),
    report: z.object({ step: z.number(), epoch: z.number(), loss: z.number() }),
  }),
  z.object({
    type: z.literal('epoch'),
    report: z.object({
      epoch: z.number(),
      loss: z.number(),
      accuracy: z.number().optional(),
      valLoss: z.number().optional(),
      valAccuracy: z.number().optional(),
      stepsPerSecond: z.number(),
    }),
  }),
  z.object({ type: z.literal('picture'), picture: pictureSchema }),
  z.object({
    type: z.literal('done'),
    steps: z.number(),
    stopped: z.boolean(),
    weights: z.record(z.string(), float32s),
  }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);

export type FromWorker = z.infer<typeof fromWorkerSchema>;
export type Picture = z.infer<typeof pictureSchema>;

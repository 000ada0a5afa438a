// The `training` field of a Document: one or more objectives (a loss, the parameters it updates,
// an optimizer), plus the run's settings. One objective covers classifiers, regressors,
// autoencoders and VAEs; two alternating ones a GAN (discriminator step, then generator step).
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
});

export const trainingSchema = z.object({
  objectives: z.array(objectiveSchema).min(1),
  /** A built-in dataset name (spirals, moons, circles, xor, blobs, sine, mnist) or a CSV path. */
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
  /** Input node names: which is fed the features and which the targets (defaults: by wiring). */
  inputs: z.object({ features: z.string().optional(), targets: z.string().optional() }).optional(),
});

export type TrainingSetup = z.output<typeof trainingSchema>;
export type ObjectiveSetup = z.output<typeof objectiveSchema>;

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

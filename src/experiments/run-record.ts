// One training run as it is kept in the history: what was trained (a hash of the document; the
// document itself is kept once per hash beside the runs), how (the settings that decide the
// result), and what came of it (metrics per epoch, sampled per step, final numbers). Declared once
// as zod schemas: a run folder is read back from disk or IndexedDB, so it is untrusted input.
import { z } from 'zod';

export const runRecordVersion = 1;

/** Run ids are file names: letters, digits, '-', '_' only, so no id reaches outside the runs folder. */
export const runIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/, 'a run id is letters, digits, - and _ (at most 80)');

export const runSettingsSchema = z.object({
  optimizer: z.string(),
  lr: z.number(),
  batchSize: z.number().int().positive(),
  /** Epochs asked for (absent when the run was given a step count). */
  epochs: z.number().int().nonnegative().optional(),
  steps: z.number().int().nonnegative().optional(),
  seed: z.number().int(),
  /** Fraction of the data held out for validation; the split is decided by `seed`. */
  validationSplit: z.number().min(0).max(1),
  /** Examples used (after --limit), train + validation. */
  examples: z.number().int().nonnegative().optional(),
  augment: z.string().optional(),
});

export const runEpochSchema = z.object({
  epoch: z.number().int(),
  loss: z.number(),
  accuracy: z.number().optional(),
  valLoss: z.number().optional(),
  valAccuracy: z.number().optional(),
  /** Seconds since the run began. */
  seconds: z.number(),
});

/** One sampled training step: the loss curve at step resolution (thinned to a bounded count). */
export const runStepSchema = z.object({ step: z.number().int(), loss: z.number() });

export const runRecordSchema = z.object({
  format: z.literal('netloom-run'),
  version: z.literal(runRecordVersion),
  id: runIdSchema,
  /** The project's name as it was. */
  name: z.string(),
  /** Where it was trained: the app or the command line (and which search, if one). */
  source: z.enum(['app', 'cli', 'search']),
  startedAt: z.string(),
  /** ISO time of the last update: an unfinished run's last sign of life. */
  updatedAt: z.string(),
  /** False until the run ends (completed or stopped): a crash leaves it false. */
  finished: z.boolean(),
  stopped: z.boolean().optional(),
  /** Why training ended early with an error (the run stays unfinished). */
  error: z.string().optional(),
  /**
   * SHA-256 (hex) of the document's JSON; the copy is documents/<hash>.json, or <hash>.diff.json
   * (what differs from an earlier run's document: run-store.ts).
   */
  documentHash: z.string().regex(/^[0-9a-f]{64}$/),
  dataset: z.string(),
  backend: z.string(),
  settings: runSettingsSchema,
  epochs: z.array(runEpochSchema),
  steps: z.array(runStepSchema),
  durationSeconds: z.number().nonnegative(),
  params: z.number().int().nonnegative().optional(),
  flops: z.number().nonnegative().optional(),
  /** Files of this run besides run.json (weights.safetensors, pictures.json), once written. */
  files: z.array(z.string()),
  /** What the user wrote about it, and a search's candidate values. */
  note: z.string().optional(),
  searchValues: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
});

export type RunSettings = z.infer<typeof runSettingsSchema>;
export type RunEpoch = z.infer<typeof runEpochSchema>;
export type RunStep = z.infer<typeof runStepSchema>;
export type RunRecord = z.infer<typeof runRecordSchema>;

/** The final epoch's numbers, or undefined before the first epoch ends. */
export function finalEpoch(r: RunRecord): RunEpoch | undefined {
  return r.epochs[r.epochs.length - 1];
}

/**
 * The number a search minimises and keep-best-N ranks by: validation error (1 − accuracy) for a
 * classifier, else the validation loss, else the training loss. Infinity without any epoch.
 */
export function runScore(r: RunRecord): number {
  const e = finalEpoch(r);
  if (!e) return Infinity;
  if (e.valAccuracy !== undefined) return 1 - e.valAccuracy;
  const v = e.valLoss ?? e.loss;
  return Number.isFinite(v) ? v : Infinity;
}

/** The per-step curve kept at most this many points: older points are thinned to every other one. */
export const maxStepPoints = 2000;

/** Appends a step, halving the resolution (keeping every other point) when the list is full. */
export function addStep(steps: RunStep[], step: RunStep, every: { n: number }): void {
  if (step.step % every.n !== 0) return;
  steps.push(step);
  if (steps.length >= maxStepPoints) {
    every.n *= 2;
    const kept = steps.filter((s) => s.step % every.n === 0);
    steps.length = 0;
    steps.push(...kept);
  }
}

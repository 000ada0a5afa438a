// The Train panel's settings: from the document's training setup (parsed with its schema, so a
// setup that does not validate is not half-read), else defaults that train a small classifier.
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { OptimizerName } from '../../src/autodiff/optimizers.ts';
import { trainingSchema } from '../../src/autodiff/training-schema.ts';
import { toyNames } from '../../src/runtime/datasets/toy.ts';
import { imageSetNames } from '../../src/runtime/datasets/catalogue.ts';
import { textSetNames } from '../../src/runtime/datasets/text.ts';

export const trainDatasets = [
  ...toyNames,
  'mnist',
  ...imageSetNames,
  ...textSetNames,
  'csv',
  'image folder',
] as const;

export type DatasetChoice = (typeof trainDatasets)[number];

export interface Settings {
  readonly dataset: DatasetChoice;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly batch: number;
  readonly epochs: number;
  readonly seed: number;
  /** Train on the first N examples only (0: all), for a quick look at a large set. */
  readonly limit: number;
}

export const defaultSettings: Settings = {
  dataset: 'spirals',
  optimizer: 'adam',
  lr: 0.01,
  batch: 32,
  epochs: 30,
  seed: 0,
  limit: 0,
};

function isDatasetChoice(name: string): name is DatasetChoice {
  return (trainDatasets as readonly string[]).includes(name);
}

/** The document's own training setup where it has a valid one (templates do), else the defaults. */
export function settingsFrom(doc: NetloomDocument): Settings {
  const parsed = doc.training === undefined ? undefined : trainingSchema.safeParse(doc.training);
  if (!parsed?.success) return defaultSettings;
  const t = parsed.data;
  const opt = t.objectives[0]!.optimizer;
  return {
    // A CSV path is not something the panel can open by itself: the user picks the file.
    dataset: t.dataset !== undefined && isDatasetChoice(t.dataset) ? t.dataset : defaultSettings.dataset,
    optimizer: opt.name,
    lr: opt.lr,
    batch: t.batchSize,
    epochs: t.epochs,
    seed: t.seed,
    limit: 0,
  };
}

// The Train panel's settings: from the document's training setup (parsed with its schema, so a
// setup that does not validate is not half-read), else defaults that fit the graph's Input (spirals
// for 2 features, MNIST for 784), and whether a shipped dataset fits the model at all.
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { OptimizerName } from '../../src/autodiff/optimizers.ts';
import { trainingSchema } from '../../src/autodiff/training-schema.ts';
import { toyNames } from '../../src/runtime/datasets/toy.ts';
import { imageSetNames } from '../../src/runtime/datasets/catalogue.ts';
import { textSetNames } from '../../src/runtime/datasets/text.ts';
import { imagesFit } from '../../src/runtime/datasets/image-fit.ts';

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

/** What each shipped set's examples look like (features per example), for the fit checks. */
const shippedShapes: Readonly<Record<string, readonly number[]>> = {
  spirals: [2],
  moons: [2],
  circles: [2],
  xor: [2],
  blobs: [2],
  sine: [1],
  mnist: [1, 28, 28],
  shapes: [3, 32, 32],
  'shapes-masks': [3, 32, 32],
};

/** The graph's data Inputs (float ones: an int64 Input takes labels), with their shapes. */
export function dataInputs(doc: NetloomDocument): { name: string; shape: readonly number[] }[] {
  return doc.nodes
    .filter((n) => n.kind === 'Input' && (n.params as { dtype?: string }).dtype !== 'int64')
    .map((n) => ({ name: n.name ?? n.id, shape: (n.params as { shape?: number[] }).shape ?? [] }));
}

const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Whether a set's examples can feed an Input of `shape` (same count, or images resized). */
export function shapeFits(dataset: string, shape: readonly number[]): boolean {
  const have = shippedShapes[dataset];
  if (!have) return true;
  return count(have) === count(shape) || imagesFit(have, shape);
}

/** The first shipped set that fits the graph's Input: spirals for 2 features, MNIST for 784, … */
export function datasetFor(doc: NetloomDocument): DatasetChoice | undefined {
  const inputs = dataInputs(doc);
  if (inputs.length !== 1) return undefined;
  const shape = inputs[0]!.shape;
  const same = Object.keys(shippedShapes).find(
    (d) => d !== 'shapes-masks' && count(shippedShapes[d]!) === count(shape),
  );
  // Resized images: the same channels first (colour for colour), else grey repeated to colour.
  const resizable = Object.keys(shippedShapes).filter(
    (d) => d !== 'shapes-masks' && imagesFit(shippedShapes[d]!, shape),
  );
  const resized = resizable.find((d) => shippedShapes[d]![0] === shape[0]) ?? resizable[0];
  const found = same ?? resized;
  return found !== undefined && isDatasetChoice(found) ? found : undefined;
}

/**
 * Why the chosen set cannot train this graph, with what would make it trainable; undefined when it
 * fits (or is the user's own file, checked when it is read).
 */
export function dataMismatch(
  doc: NetloomDocument,
  dataset: DatasetChoice,
  features: string,
): string | undefined {
  const have = shippedShapes[dataset];
  if (!have) return undefined;
  const inputs = dataInputs(doc).filter((i) => !features || i.name === features);
  if (inputs.length === 0) return 'The graph has no Input for the data: add an Input layer.';
  if (inputs.length > 1 && doc.training === undefined) {
    const all = inputs.map((i) => `"${i.name}" [${i.shape.join(', ')}]`).join(', ');
    return `The graph has ${inputs.length} data Inputs (${all}) and no training setup: say under "Data goes to" which one takes the data.`;
  }
  if (inputs.some((i) => shapeFits(dataset, i.shape))) return undefined;
  const names = inputs.map((i) => `"${i.name}" [${i.shape.join(', ')}]`).join(', ');
  const other = datasetFor(doc);
  const fix = other
    ? `choose "${other}", which fits`
    : `no shipped set fits it: choose "csv" or "image folder" with your own data (images are resized to the Input), or change the Input to [2] (the 2-D sets), [784] or [1, 28, 28] (MNIST) or [3, 32, 32] (shapes)`;
  return `Data mismatch: "${dataset}" has [${have.join(', ')}] per example, but Input ${names} takes another shape — ${fix}.`;
}

/** The document's own training setup where it has a valid one (templates do), else defaults that fit its Input. */
export function settingsFrom(doc: NetloomDocument): Settings {
  const parsed = doc.training === undefined ? undefined : trainingSchema.safeParse(doc.training);
  if (!parsed?.success) return { ...defaultSettings, dataset: datasetFor(doc) ?? defaultSettings.dataset };
  const t = parsed.data;
  const opt = t.objectives[0]!.optimizer;
  return {
    // A CSV path is not something the panel can open by itself: the user picks the file.
    dataset:
      t.dataset !== undefined && isDatasetChoice(t.dataset)
        ? t.dataset
        : (datasetFor(doc) ?? defaultSettings.dataset),
    optimizer: opt.name,
    lr: opt.lr,
    batch: t.batchSize,
    epochs: t.epochs,
    seed: t.seed,
    limit: 0,
  };
}

/** The shipped set's shape per example, and the data Input (the chosen one) it fits. */
function fittingInput(doc: NetloomDocument, dataset: DatasetChoice, features: string) {
  const have = shippedShapes[dataset];
  const input = dataInputs(doc).find(
    (i) => (!features || i.name === features) && shapeFits(dataset, i.shape),
  );
  return { have, input };
}

/** "shapes are 32×32 images, resized to 224×224 for this Input": said before Start. */
export function resizeNote(
  doc: NetloomDocument,
  dataset: DatasetChoice,
  features: string,
): string | undefined {
  const { have, input } = fittingInput(doc, dataset, features);
  if (!have || !input || count(have) === count(input.shape) || have.length !== 3) return undefined;
  const [, h, w] = have as [number, number, number];
  const [, H, W] = input.shape as [number, number, number];
  return `"${dataset}" has ${h}×${w} images; they are resized to ${H}×${W} for Input "${input.name}".`;
}

/**
 * Said plainly before Start when a shipped set fits the Input only blown up many times (the 224×224
 * ImageNet templates on the 32×32 shapes): what the run cannot do, and what would make it trainable.
 */
export function cannotTrainWell(
  doc: NetloomDocument,
  dataset: DatasetChoice,
  features: string,
): string | undefined {
  const { have, input } = fittingInput(doc, dataset, features);
  if (!have || !input || have.length !== 3 || input.shape.length !== 3) return undefined;
  const [, h, w] = have as [number, number, number];
  const [, H, W] = input.shape as [number, number, number];
  if (H * W <= 16 * h * w) return undefined;
  return (
    `This network cannot train well on "${dataset}" here: its ${h}×${w} pictures blown up to ${H}×${W} hold no more to learn, ` +
    `and at ${H}×${W} each step takes seconds on a CPU (an epoch, hours). Start gives a short look only. ` +
    `To train it: choose "image folder" with photos of ${H}×${W} (one folder per class), ` +
    `or open a small variant made for ${h}×${w} — ResNet-20, Small VGG or Small MobileNet — from the Templates.`
  );
}

// Datasets by name, and fitting a dataset's examples to a model's Input shape.
import { fitImages, imagesFit } from './image-fit.ts';
import { NetloomError } from '../../util/errors.ts';
import type { Dataset } from './dataset.ts';
import { toyDataset, toyNames } from './toy.ts';
import type { ToyName } from './toy.ts';
import { shapesDataset } from './shapes.ts';
import { numel } from '../../ir/types.ts';
import { isTextSetName, textSet, textSetNames } from './text.ts';

/** Generated image sets: the shapes with their class, or with their per-pixel masks. */
export const imageSetNames = ['shapes', 'shapes-masks'] as const;
export type ImageSetName = (typeof imageSetNames)[number];

export const builtinDatasetNames = [...toyNames, 'mnist', ...imageSetNames, ...textSetNames] as const;

export function isImageSetName(name: string): name is ImageSetName {
  return (imageSetNames as readonly string[]).includes(name);
}

export function isToyName(name: string): name is ToyName {
  return (toyNames as readonly string[]).includes(name);
}

/**
 * A built-in set made from code (no file, no download): a 2-D toy set (from `seed`), a shipped
 * text (character windows) or a generated image set (always the same images; `normalize` standardises them per channel).
 */
export function toyByName(name: string, seed = 1, normalize = true): Dataset {
  if (name === 'shapes') return shapesDataset('classes', normalize);
  if (name === 'shapes-masks') return shapesDataset('masks', normalize);
  if (isTextSetName(name)) return textSet(name);
  if (!isToyName(name)) {
    throw new NetloomError(
      'bad-argument',
      `Unknown dataset "${name}"; built in: ${builtinDatasetNames.join(', ')}, or a .csv file or a folder of images`,
    );
  }
  return toyDataset(name, { seed });
}

/**
 * The same examples viewed with the model's feature shape (e.g. MNIST's [1, 28, 28] for an MLP's
 * [784]); only the element count has to agree.
 */
export function fitFeatures(d: Dataset, shape: readonly number[], inputName: string): Dataset {
  const want = numel(shape);
  const have = numel(d.featureShape);
  if (want !== have && imagesFit(d.featureShape, shape)) return fitImages(d, shape);
  if (want !== have) {
    throw new NetloomError(
      'bad-argument',
      `Dataset "${d.name}" has ${have} features per example [${d.featureShape.join(', ')}]; Input "${inputName}" takes [${shape.join(', ')}] (${want})`,
    );
  }
  return { ...d, featureShape: [...shape] };
}

/**
 * Checks that the model can name every class of a classification set: its prediction's axis 1
 * (the logits) must have at least as many entries as the dataset has classes.
 */
export function fitClasses(
  d: Dataset,
  model: {
    readonly graph: { readonly values: ReadonlyMap<string, { readonly shape: readonly number[] }> };
    readonly prediction?: string;
  },
): Dataset {
  // A set that names each example's place (a CSV's rows) is refused by checkLabels instead,
  // naming the first row whose label the model cannot take.
  if (d.task !== 'classification' || !d.classes || !model.prediction || d.placeOf) return d;
  const width = model.graph.values.get(model.prediction)?.shape[1];
  if (width !== undefined && width > 1 && width < d.classes) {
    throw new NetloomError(
      'bad-argument',
      `Dataset "${d.name}" has ${d.classes} classes but the model's prediction has ${width} — give the last layer ${d.classes} outputs`,
    );
  }
  return d;
}

// Datasets by name, and fitting a dataset's examples to a model's Input shape.
import { fitImages, imagesFit } from './image-fit.ts';
import { NetloomError } from '../../util/errors.ts';
import type { Dataset } from './dataset.ts';
import { toyDataset, toyNames } from './toy.ts';
import type { ToyName } from './toy.ts';
import { numel } from '../../ir/types.ts';

export const builtinDatasetNames = [...toyNames, 'mnist'] as const;

export function isToyName(name: string): name is ToyName {
  return (toyNames as readonly string[]).includes(name);
}

export function toyByName(name: string, seed = 1): Dataset {
  if (!isToyName(name)) {
    throw new NetloomError(
      'bad-argument',
      `Unknown dataset "${name}"; built in: ${builtinDatasetNames.join(', ')}, or a .csv file`,
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

// The models the training benchmarks time, shared by the in-process and child-process rows.
import type { NetloomDocument } from '../src/document/schema.ts';
import { loadTemplate } from '../src/templates/catalogue.ts';
import { chainDoc, lenet5 } from '../test/helpers/doc.ts';

export const batch = 64;

export const mlp = chainDoc(
  [784],
  [{ kind: 'Dense', params: { units: 128 } }, { kind: 'ReLU' }, { kind: 'Dense', params: { units: 10 } }],
);

export const lenet = lenet5();

export type ModelName = 'mlp' | 'lenet' | 'lenet5-template' | 'gpt-mini' | 'resnet20' | 'ddpm-mnist';

/** The document, its input shape, and whether its own training setup (the template's) is used. */
export function benchModel(name: ModelName): { doc: NetloomDocument; shape: number[]; own: boolean } {
  if (name === 'mlp') return { doc: mlp, shape: [784], own: false };
  if (name === 'lenet') return { doc: lenet, shape: [1, 28, 28], own: false };
  if (name === 'gpt-mini') return { doc: loadTemplate('gpt-mini')!, shape: [64], own: true };
  if (name === 'ddpm-mnist') return { doc: loadTemplate('ddpm-mnist')!, shape: [1, 28, 28], own: true };
  if (name === 'resnet20') return { doc: loadTemplate('resnet20')!, shape: [3, 32, 32], own: true };
  return { doc: loadTemplate('lenet5')!, shape: [1, 28, 28], own: true };
}

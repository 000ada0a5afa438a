// The layer catalogue: an explicit list, family by family, in palette order.
import type { AnyLayerDef, LayerFamily } from './layer-def.ts';
import { ioLayers } from './io.ts';
import { denseLayers } from './dense.ts';
import { convolutionLayers } from './convolution.ts';
import { poolingLayers } from './pooling.ts';
import { normalizationLayers } from './normalization.ts';
import { activationLayers } from './activation.ts';
import { regularizationLayers } from './regularization.ts';
import { mergeLayers } from './merge.ts';
import { recurrentLayers } from './recurrent.ts';
import { attentionLayers } from './attention.ts';
import { lossLayers } from './loss.ts';
import { samplingLayers } from './sampling.ts';
import { onnxLayers } from './onnx.ts';

export const layerCatalogue: readonly AnyLayerDef[] = [
  ...ioLayers,
  ...denseLayers,
  ...convolutionLayers,
  ...poolingLayers,
  ...normalizationLayers,
  ...activationLayers,
  ...regularizationLayers,
  ...mergeLayers,
  ...recurrentLayers,
  ...attentionLayers,
  ...lossLayers,
  ...samplingLayers,
  ...onnxLayers,
];

export const familyTitles: Readonly<Record<LayerFamily, string>> = {
  io: 'Input / output',
  dense: 'Dense',
  convolution: 'Convolution',
  pooling: 'Pooling',
  normalization: 'Normalization',
  activation: 'Activation',
  regularization: 'Regularization',
  shape: 'Shape & merge',
  recurrent: 'Recurrent',
  attention: 'Attention',
  loss: 'Loss',
  sampling: 'Sampling',
  onnx: 'ONNX',
};

const byKind = new Map(layerCatalogue.map((l) => [l.kind, l]));

export function layerDef(kind: string): AnyLayerDef | undefined {
  return byKind.get(kind);
}

// The PyTorch form of every layer kind, family by family as the layer catalogue lists them:
// adding a layer means adding its form to its family's file here (a test fails until it has one).
import { activationTorchForms } from './activation.ts';
import { attentionTorchForms } from './attention.ts';
import { convolutionTorchForms } from './convolution.ts';
import { denseTorchForms } from './dense.ts';
import { ioTorch } from './io.ts';
import { lossTorchForms } from './loss.ts';
import { mergeTorchForms } from './merge.ts';
import { normalizationTorchForms } from './normalization.ts';
import { poolingTorchForms } from './pooling.ts';
import { recurrentTorchForms } from './recurrent.ts';
import { regularizationTorchForms } from './regularization.ts';
import { samplingTorchForms } from './sampling.ts';
import { onnxTorchForms } from './onnx.ts';
import type { AnyTorchForm } from './torch-form.ts';

export const torchForms: readonly AnyTorchForm[] = [
  ...ioTorch,
  ...denseTorchForms,
  ...convolutionTorchForms,
  ...poolingTorchForms,
  ...normalizationTorchForms,
  ...activationTorchForms,
  ...regularizationTorchForms,
  ...mergeTorchForms,
  ...recurrentTorchForms,
  ...attentionTorchForms,
  ...lossTorchForms,
  ...samplingTorchForms,
  ...onnxTorchForms,
];

const byKind = new Map(torchForms.map((f) => [f.kind, f]));

export function torchFormOf(kind: string): AnyTorchForm | undefined {
  return byKind.get(kind);
}

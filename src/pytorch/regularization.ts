// Dropout and Gaussian noise follow the module's training flag, as nn.Dropout does; Identity passes
// its input on.
import { dropoutLayer, gaussianNoiseLayer, identityLayer } from '../layers/regularization.ts';
import { pyFloat } from './python.ts';
import type { AnyTorchForm } from './torch-form.ts';
import { torchForm } from './torch-form.ts';

export const dropoutTorch = torchForm(dropoutLayer, {
  // p = 0 is the identity in Netloom: the input itself (the emitter writes no statement).
  call: (a) => (a.p.p === 0 ? a.x['x']! : `F.dropout(${a.x['x']}, ${pyFloat(a.p.p)}, ${a.training})`),
});

export const identityTorch = torchForm(identityLayer, { call: (a) => a.x['x']! });

export const gaussianNoiseTorch = torchForm(gaussianNoiseLayer, {
  call: (a) =>
    a.p.std === 0 ? a.x['x']! : `${a.use('gaussian_noise')}(${a.x['x']}, ${pyFloat(a.p.std)}, ${a.training})`,
});

export const regularizationTorchForms: readonly AnyTorchForm[] = [
  dropoutTorch,
  identityTorch,
  gaussianNoiseTorch,
];

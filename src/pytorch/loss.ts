// Losses as torch.nn.functional calls with the same reductions (they are written into train.py's
// objectives). BCE and the Gaussian KL are small helpers whose arithmetic is Netloom's.
import {
  bceLossLayer,
  bceWithLogitsLossLayer,
  crossEntropyLossLayer,
  gaussianKlLossLayer,
  huberLossLayer,
  klDivergenceLossLayer,
  l1LossLayer,
  mseLossLayer,
  nllLossLayer,
} from '../layers/loss.ts';
import { call, kwargs, pyFloat, pyNumber, pyString } from './python.ts';
import type { AnyTorchForm, FormArgs } from './torch-form.ts';
import { torchForm } from './torch-form.ts';

type Reduction = 'mean' | 'sum' | 'batchmean';

const reduction = (r: Reduction, def: Reduction = 'mean'): string[] =>
  kwargs(['reduction', pyString(r), pyString(def)]);

/** The target port's variable, or a constant shaped like the prediction. */
function target(a: FormArgs<{ constantTarget?: number | undefined }>): string {
  const t = a.x['target'];
  if (t !== undefined) return t;
  return `torch.full_like(${a.x['x']}, ${pyFloat(a.p.constantTarget ?? 0)})`;
}

export const mseTorch = torchForm(mseLossLayer, {
  call: (a) => call('F.mse_loss', [a.x['x']!, target(a)], reduction(a.p.reduction)),
});

export const l1Torch = torchForm(l1LossLayer, {
  call: (a) => call('F.l1_loss', [a.x['x']!, target(a)], reduction(a.p.reduction)),
});

export const huberTorch = torchForm(huberLossLayer, {
  call: (a) =>
    call(
      'F.huber_loss',
      [a.x['x']!, target(a)],
      [...reduction(a.p.reduction), ...kwargs(['delta', a.p.delta, 1])],
    ),
});

export const crossEntropyTorch = torchForm(crossEntropyLossLayer, {
  call: (a) =>
    call(
      'F.cross_entropy',
      [a.x['x']!, a.x['target']!],
      [...reduction(a.p.reduction), ...kwargs(['label_smoothing', a.p.labelSmoothing, 0])],
    ),
});

export const nllTorch = torchForm(nllLossLayer, {
  call: (a) => call('F.nll_loss', [a.x['x']!, a.x['target']!], reduction(a.p.reduction)),
});

export const bceTorch = torchForm(bceLossLayer, {
  call: (a) => call(a.use('binary_cross_entropy'), [a.x['x']!, target(a)], reduction(a.p.reduction)),
});

export const bceWithLogitsTorch = torchForm(bceWithLogitsLossLayer, {
  call: (a) => call('F.binary_cross_entropy_with_logits', [a.x['x']!, target(a)], reduction(a.p.reduction)),
});

export const klDivergenceTorch = torchForm(klDivergenceLossLayer, {
  // torch's default reduction is 'mean'; Netloom's (the true KL) is 'batchmean'.
  call: (a) => call('F.kl_div', [a.x['x']!, a.x['target']!], [`reduction=${pyString(a.p.reduction)}`]),
});

export const gaussianKlTorch = torchForm(gaussianKlLossLayer, {
  call: (a) => {
    const kl = call(a.use('gaussian_kl'), [a.x['mu']!, a.x['logvar']!]);
    return a.p.scale === 1 ? kl : `${pyNumber(a.p.scale)} * ${kl}`;
  },
});

export const lossTorchForms: readonly AnyTorchForm[] = [
  mseTorch,
  l1Torch,
  huberTorch,
  crossEntropyTorch,
  bceTorch,
  bceWithLogitsTorch,
  klDivergenceTorch,
  nllTorch,
  gaussianKlTorch,
];

// Normalization layers as torch.nn modules (BatchNorm keeps its running statistics as buffers
// under Netloom's names); an instance norm without learned scale is a plain function.
import {
  batchNorm1dLayer,
  batchNorm2dLayer,
  groupNormLayer,
  instanceNormLayer,
  layerNormLayer,
} from '../layers/normalization.ts';
import { call, kwargs, pyTuple } from './python.ts';
import { inShape } from './shapes.ts';
import type { AnyTorchForm } from './torch-form.ts';
import { torchForm } from './torch-form.ts';

const moduleCall = (a: { m: string; x: Readonly<Record<string, string | undefined>> }) =>
  `${a.m}(${a.x['x']})`;

function batchNorm(layer: typeof batchNorm2dLayer, kind: string) {
  return torchForm(layer, {
    module: (p, t) =>
      call(
        `nn.${kind}`,
        [String(inShape(t)[1])],
        kwargs(['eps', p.eps, 1e-5], ['momentum', p.momentum, 0.1], ['affine', p.affine, true]),
      ),
    call: moduleCall,
  });
}

export const batchNorm1dTorch = batchNorm(batchNorm1dLayer, 'BatchNorm1d');
export const batchNorm2dTorch = batchNorm(batchNorm2dLayer, 'BatchNorm2d');

export const layerNormTorch = torchForm(layerNormLayer, {
  module: (p, t) => {
    const s = inShape(t);
    const normalized = s.slice(s.length - p.normalizedShape);
    return call(
      'nn.LayerNorm',
      [normalized.length === 1 ? String(normalized[0]) : pyTuple(normalized)],
      kwargs(['eps', p.eps, 1e-5], ['elementwise_affine', p.elementwiseAffine, true]),
    );
  },
  call: moduleCall,
});

export const groupNormTorch = torchForm(groupNormLayer, {
  module: (p, t) =>
    call(
      'nn.GroupNorm',
      [String(p.numGroups), String(inShape(t)[1])],
      kwargs(['eps', p.eps, 1e-5], ['affine', p.affine, true]),
    ),
  call: moduleCall,
});

export const instanceNormTorch = torchForm(instanceNormLayer, {
  // Without a learned scale there is nothing to hold: F.instance_norm normalizes as the module would.
  module: (p, t) =>
    p.affine
      ? call(
          `nn.InstanceNorm${inShape(t).length - 2}d`,
          [String(inShape(t)[1])],
          kwargs(['eps', p.eps, 1e-5], ['affine', true]),
        )
      : undefined,
  call: (a) =>
    a.p.affine ? moduleCall(a) : call('F.instance_norm', [a.x['x']!], kwargs(['eps', a.p.eps, 1e-5])),
});

export const normalizationTorchForms: readonly AnyTorchForm[] = [
  batchNorm1dTorch,
  batchNorm2dTorch,
  layerNormTorch,
  groupNormTorch,
  instanceNormTorch,
];

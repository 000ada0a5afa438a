// Convolutions as torch.nn.ConvNd / ConvTransposeNd (same weight layout, so the weights load as
// they are); a separable convolution as a small module with `depthwise` and `pointwise` children.
import {
  conv1dLayer,
  conv2dLayer,
  conv3dLayer,
  convTranspose1dLayer,
  convTranspose2dLayer,
  depthwiseConv2dLayer,
  separableConv2dLayer,
} from '../layers/convolution.ts';
import type { PaddingMode } from '../layers/convolution.ts';
import { call, kwargs, pySize, pyString } from './python.ts';
import { inShape } from './shapes.ts';
import type { AnyTorchForm } from './torch-form.ts';
import { torchForm } from './torch-form.ts';

/** torch's padding argument: "same", or the explicit pads ('valid' is torch's default 0). */
function padding(
  mode: PaddingMode,
  pads: readonly number[],
): readonly [string, string | readonly number[], number] {
  return mode === 'same' ? ['padding', pyString('same'), 0] : ['padding', mode === 'valid' ? [0] : pads, 0];
}

const moduleCall = (a: { m: string; x: Readonly<Record<string, string | undefined>> }) =>
  `${a.m}(${a.x['x']})`;

function conv(layer: typeof conv2dLayer, n: 1 | 2 | 3) {
  return torchForm(layer, {
    module: (p, t) =>
      call(
        `nn.Conv${n}d`,
        [String(inShape(t)[1]), String(p.outChannels), pySize(p.kernelSize)],
        kwargs(
          ['stride', p.stride, 1],
          padding(p.paddingMode, p.padding),
          ['dilation', p.dilation, 1],
          ['groups', p.groups, 1],
          ['bias', p.bias, true],
        ),
      ),
    call: moduleCall,
  });
}

export const conv1dTorch = conv(conv1dLayer, 1);
export const conv2dTorch = conv(conv2dLayer, 2);
export const conv3dTorch = conv(conv3dLayer, 3);

export const depthwiseConv2dTorch = torchForm(depthwiseConv2dLayer, {
  module: (p, t) => {
    const c = inShape(t)[1]!;
    return call(
      'nn.Conv2d',
      [String(c), String(c * p.depthMultiplier), pySize(p.kernelSize)],
      kwargs(
        ['stride', p.stride, 1],
        padding(p.paddingMode, p.padding),
        ['dilation', p.dilation, 1],
        ['groups', c],
        ['bias', p.bias, true],
      ),
    );
  },
  call: moduleCall,
});

export const separableConv2dTorch = torchForm(separableConv2dLayer, {
  module: (p, t, use) =>
    call(
      use('SeparableConv2d'),
      [String(inShape(t)[1]), String(p.outChannels), pySize(p.kernelSize)],
      kwargs(
        ['stride', p.stride, 1],
        padding(p.paddingMode, p.padding),
        ['dilation', p.dilation, 1],
        ['bias', p.bias, true],
      ),
    ),
  call: moduleCall,
});

function convTranspose(layer: typeof convTranspose2dLayer, n: 1 | 2) {
  return torchForm(layer, {
    module: (p, t) =>
      call(
        `nn.ConvTranspose${n}d`,
        [String(inShape(t)[1]), String(p.outChannels), pySize(p.kernelSize)],
        kwargs(
          ['stride', p.stride, 1],
          ['padding', p.padding, 0],
          ['output_padding', p.outputPadding, 0],
          ['groups', p.groups, 1],
          ['bias', p.bias, true],
          ['dilation', p.dilation, 1],
        ),
      ),
    call: moduleCall,
  });
}

export const convTranspose1dTorch = convTranspose(convTranspose1dLayer, 1);
export const convTranspose2dTorch = convTranspose(convTranspose2dLayer, 2);

export const convolutionTorchForms: readonly AnyTorchForm[] = [
  conv1dTorch,
  conv2dTorch,
  conv3dTorch,
  depthwiseConv2dTorch,
  separableConv2dTorch,
  convTranspose1dTorch,
  convTranspose2dTorch,
];

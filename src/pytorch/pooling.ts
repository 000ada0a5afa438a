// Pooling as torch.nn.functional calls: no weights, so no module to hold.
import {
  adaptiveAvgPool2dLayer,
  avgPool1dLayer,
  avgPool2dLayer,
  globalAvgPoolLayer,
  globalMaxPoolLayer,
  maxPool1dLayer,
  maxPool2dLayer,
} from '../layers/pooling.ts';
import { call, kwargs, pySize, pyTuple } from './python.ts';
import { inShape } from './shapes.ts';
import type { AnyTorchForm } from './torch-form.ts';
import { torchForm } from './torch-form.ts';

function maxPool(layer: typeof maxPool2dLayer, n: 1 | 2) {
  return torchForm(layer, {
    call: (a) =>
      call(
        `F.max_pool${n}d`,
        [a.x['x']!, pySize(a.p.kernelSize)],
        // torch's stride defaults to the kernel.
        kwargs(
          ['stride', a.p.stride, a.p.kernelSize],
          ['padding', a.p.padding, 0],
          ['dilation', a.p.dilation, 1],
          ['ceil_mode', a.p.ceilMode, false],
        ),
      ),
  });
}

export const maxPool1dTorch = maxPool(maxPool1dLayer, 1);
export const maxPool2dTorch = maxPool(maxPool2dLayer, 2);

function avgPool(layer: typeof avgPool2dLayer, n: 1 | 2) {
  return torchForm(layer, {
    call: (a) =>
      call(
        `F.avg_pool${n}d`,
        [a.x['x']!, pySize(a.p.kernelSize)],
        kwargs(
          ['stride', a.p.stride, a.p.kernelSize],
          ['padding', a.p.padding, 0],
          ['ceil_mode', a.p.ceilMode, false],
          ['count_include_pad', a.p.countIncludePad, true],
        ),
      ),
  });
}

export const avgPool1dTorch = avgPool(avgPool1dLayer, 1);
export const avgPool2dTorch = avgPool(avgPool2dLayer, 2);

function globalPool(layer: typeof globalAvgPoolLayer, method: 'mean' | 'amax') {
  return torchForm(layer, {
    call: (a) => {
      const rank = inShape(a.t).length;
      const axes = Array.from({ length: rank - 2 }, (_, i) => i + 2);
      return call(
        `${a.x['x']}.${method}`,
        [],
        kwargs(['dim', pyTuple(axes)], ['keepdim', a.p.keepDims, false]),
      );
    },
  });
}

export const globalAvgPoolTorch = globalPool(globalAvgPoolLayer, 'mean');
export const globalMaxPoolTorch = globalPool(globalMaxPoolLayer, 'amax');

export const adaptiveAvgPool2dTorch = torchForm(adaptiveAvgPool2dLayer, {
  call: (a) => call('F.adaptive_avg_pool2d', [a.x['x']!, pySize(a.p.outputSize)]),
});

export const poolingTorchForms: readonly AnyTorchForm[] = [
  maxPool1dTorch,
  maxPool2dTorch,
  avgPool1dTorch,
  avgPool2dTorch,
  globalAvgPoolTorch,
  globalMaxPoolTorch,
  adaptiveAvgPool2dTorch,
];

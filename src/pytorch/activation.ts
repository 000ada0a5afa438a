// Activations as torch functions; PReLU, whose slopes are weights, as nn.PReLU.
import {
  eluLayer,
  geluLayer,
  hardSigmoidLayer,
  hardSwishLayer,
  leakyReluLayer,
  logSoftmaxLayer,
  mishLayer,
  preluLayer,
  relu6Layer,
  reluLayer,
  seluLayer,
  sigmoidLayer,
  siluLayer,
  softmaxLayer,
  softplusLayer,
  tanhLayer,
} from '../layers/activation.ts';
import type { LayerDef } from '../layers/layer-def.ts';
import { call, kwargs, pyNumber, pyString } from './python.ts';
import type { AnyTorchForm } from './torch-form.ts';
import { torchForm } from './torch-form.ts';

/** A parameterless activation: one function of x. */
function fn(layer: LayerDef<Record<string, never>>, callee: string) {
  return torchForm(layer, { call: (a) => `${callee}(${a.x['x']})` });
}

export const reluTorch = fn(reluLayer, 'F.relu');
export const relu6Torch = fn(relu6Layer, 'F.relu6');
export const seluTorch = fn(seluLayer, 'F.selu');
export const sigmoidTorch = fn(sigmoidLayer, 'torch.sigmoid');
export const tanhTorch = fn(tanhLayer, 'torch.tanh');
export const siluTorch = fn(siluLayer, 'F.silu');
export const mishTorch = fn(mishLayer, 'F.mish');
export const hardSigmoidTorch = fn(hardSigmoidLayer, 'F.hardsigmoid');
export const hardSwishTorch = fn(hardSwishLayer, 'F.hardswish');

export const leakyReluTorch = torchForm(leakyReluLayer, {
  call: (a) =>
    call('F.leaky_relu', [a.x['x']!, ...(a.p.negativeSlope === 0.01 ? [] : [pyNumber(a.p.negativeSlope)])]),
});

export const eluTorch = torchForm(eluLayer, {
  call: (a) => call('F.elu', [a.x['x']!], kwargs(['alpha', a.p.alpha, 1])),
});

export const preluTorch = torchForm(preluLayer, {
  module: (p) =>
    call('nn.PReLU', p.numParameters === 1 ? [] : [String(p.numParameters)], kwargs(['init', p.init, 0.25])),
  call: (a) => `${a.m}(${a.x['x']})`,
});

export const geluTorch = torchForm(geluLayer, {
  call: (a) =>
    call('F.gelu', [a.x['x']!], a.p.approximate === 'tanh' ? [`approximate=${pyString('tanh')}`] : []),
});

export const softplusTorch = torchForm(softplusLayer, {
  call: (a) =>
    call('F.softplus', [a.x['x']!], kwargs(['beta', a.p.beta, 1], ['threshold', a.p.threshold, 20])),
});

export const softmaxTorch = torchForm(softmaxLayer, {
  call: (a) => call('F.softmax', [a.x['x']!], [`dim=${a.p.axis}`]),
});

export const logSoftmaxTorch = torchForm(logSoftmaxLayer, {
  call: (a) => call('F.log_softmax', [a.x['x']!], [`dim=${a.p.axis}`]),
});

export const activationTorchForms: readonly AnyTorchForm[] = [
  reluTorch,
  relu6Torch,
  leakyReluTorch,
  preluTorch,
  eluTorch,
  seluTorch,
  geluTorch,
  sigmoidTorch,
  tanhTorch,
  softmaxTorch,
  logSoftmaxTorch,
  softplusTorch,
  siluTorch,
  mishTorch,
  hardSigmoidTorch,
  hardSwishTorch,
];

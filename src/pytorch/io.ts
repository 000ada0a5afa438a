// Inputs, outputs and constants. An Input (or a noise input) is an argument of forward(), an
// Output is what it returns: the emitter places them; a Constant is a tensor made in place.
import { constantLayer, inputLayer, outputLayer } from '../layers/io.ts';
import { pyFloat, pyTuple } from './python.ts';
import type { AnyTorchForm } from './torch-form.ts';
import { torchForm } from './torch-form.ts';

export const inputTorch = torchForm(inputLayer, {
  call: () => {
    throw new Error('internal: an Input is an argument, not a statement');
  },
});

export const outputTorch = torchForm(outputLayer, {
  call: () => {
    throw new Error('internal: an Output is a return value, not a statement');
  },
});

export const constantTorch = torchForm(constantLayer, {
  call: (a) => `torch.full(${pyTuple(a.p.shape)}, ${pyFloat(a.p.value)}, device=${a.device})`,
});

export const ioTorch: readonly AnyTorchForm[] = [inputTorch, outputTorch, constantTorch];

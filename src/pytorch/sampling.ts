// Noise and the VAE's sampling step. In model.py a RandomNormal is an argument of forward() (as
// in the ONNX export, where the caller feeds the noise); a training objective draws it.
import { randomNormalLayer, reparameterizeLayer } from '../layers/sampling.ts';
import { pyNumber } from './python.ts';
import type { AnyTorchForm } from './torch-form.ts';
import { torchForm } from './torch-form.ts';

export const randomNormalTorch = torchForm(randomNormalLayer, {
  call: (a) => {
    const draw = `${a.use('noise')}(${[a.batch, ...a.p.shape.map(String)].join(', ')}, device=${a.device})`;
    const scaled = a.p.std === 1 ? draw : `${draw} * ${pyNumber(a.p.std)}`;
    return a.p.mean === 0 ? scaled : `${scaled} + ${pyNumber(a.p.mean)}`;
  },
});

export const reparameterizeTorch = torchForm(reparameterizeLayer, {
  call: (a) =>
    `${a.use('reparameterize')}(${a.x['mu']}, ${a.x['logvar']}, ${a.p.sampleAtInference ? 'True' : a.training})`,
});

export const samplingTorchForms: readonly AnyTorchForm[] = [randomNormalTorch, reparameterizeTorch];

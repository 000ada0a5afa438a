// Linear, Embedding and Bilinear: torch.nn's modules hold the weights under Netloom's names.
import { bilinearLayer, denseLayer, embeddingLayer } from '../layers/dense.ts';
import { call, kwargs, pyFloat } from './python.ts';
import { inShape } from './shapes.ts';
import type { AnyTorchForm } from './torch-form.ts';
import { torchForm } from './torch-form.ts';

export const denseTorch = torchForm(denseLayer, {
  module: (p, t) =>
    call('nn.Linear', [String(inShape(t).at(-1)), String(p.units)], kwargs(['bias', p.bias, true])),
  call: (a) => `${a.m}(${a.x['x']})`,
});

export const embeddingTorch = torchForm(embeddingLayer, {
  module: (p, _t, use) => {
    const m = call('nn.Embedding', [String(p.numEmbeddings), String(p.dim)]);
    // torch's own init is N(0, 1); another std is drawn again, as Netloom draws it.
    return p.initStd === 1 ? m : `${use('normal_init')}(${m}, std=${pyFloat(p.initStd)})`;
  },
  // As logits, the vectors are scored against the embedding table: F.linear(x, W) = x·Wᵀ.
  call: (a) => (a.p.mode === 'logits' ? `F.linear(${a.x['x']}, ${a.m}.weight)` : `${a.m}(${a.x['x']})`),
  callOnly: ['mode'],
});

export const bilinearTorch = torchForm(bilinearLayer, {
  module: (p, t) =>
    call(
      'nn.Bilinear',
      [String(inShape(t, 'x1')[1]), String(inShape(t, 'x2')[1]), String(p.units)],
      kwargs(['bias', p.bias, true]),
    ),
  call: (a) => `${a.m}(${a.x['x1']}, ${a.x['x2']})`,
});

export const denseTorchForms: readonly AnyTorchForm[] = [denseTorch, embeddingTorch, bilinearTorch];

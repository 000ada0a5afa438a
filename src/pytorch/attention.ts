// Attention as torch.nn.MultiheadAttention / TransformerEncoderLayer / TransformerDecoderLayer
// (batch first): the same parameter names, so Netloom's weights load as they are.
import {
  multiHeadAttentionLayer,
  positionalEncodingLayer,
  timestepEmbeddingLayer,
  transformerDecoderLayer,
  transformerEncoderLayer,
} from '../layers/attention.ts';
import { call, kwargs, pyFloat, pyString } from './python.ts';
import { inShape } from './shapes.ts';
import type { AnyTorchForm } from './torch-form.ts';
import { torchForm } from './torch-form.ts';

/** torch's key_padding_mask: True where a key is padding (Netloom's mask: non-zero there). */
const padding = (mask: string | undefined): string[] =>
  mask === undefined ? [] : [`key_padding_mask=${mask} != 0`];

export const multiHeadAttentionTorch = torchForm(multiHeadAttentionLayer, {
  module: (p) =>
    call(
      'nn.MultiheadAttention',
      [String(p.embedDim), String(p.numHeads)],
      kwargs(['dropout', pyFloat(p.dropout), pyFloat(0)], ['bias', p.bias, true], ['batch_first', true]),
    ),
  call: (a) => {
    const q = a.x['q']!;
    const k = a.x['k'] ?? q;
    const v = a.x['v'] ?? k;
    const mask = a.p.causal ? [`attn_mask=${a.use('causal_mask')}(${q}.shape[1], ${q}.device)`] : [];
    const weights = a.p.needWeights ? [] : ['need_weights=False'];
    return {
      lines: (o) => [
        `${o['y'] ?? '_'}, ${o['weights'] ?? '_'} = ${call(a.m, [q, k, v], [...weights, ...mask, ...padding(a.x['mask'])])}`,
      ],
    };
  },
});

const transformerKwargs = (p: {
  dimFeedforward: number;
  dropout: number;
  activation: 'relu' | 'gelu';
  layerNormEps: number;
  normFirst: boolean;
}): string[] => [
  `dim_feedforward=${p.dimFeedforward}`,
  ...kwargs(
    ['dropout', pyFloat(p.dropout), pyFloat(0.1)],
    ['activation', pyString(p.activation), pyString('relu')],
    ['layer_norm_eps', p.layerNormEps, 1e-5],
    ['batch_first', true],
    ['norm_first', p.normFirst, false],
  ),
];

export const transformerEncoderTorch = torchForm(transformerEncoderLayer, {
  module: (p) =>
    call('nn.TransformerEncoderLayer', [String(p.dModel), String(p.nHead)], transformerKwargs(p)),
  call: (a) => {
    const x = a.x['x']!;
    return call(
      a.m,
      [x],
      [
        ...(a.p.causal ? [`src_mask=${a.use('causal_mask')}(${x}.shape[1], ${x}.device)`] : []),
        ...padding(a.x['mask']).map((k) => `src_${k}`),
      ],
    );
  },
});

export const transformerDecoderTorch = torchForm(transformerDecoderLayer, {
  module: (p) =>
    call('nn.TransformerDecoderLayer', [String(p.dModel), String(p.nHead)], transformerKwargs(p)),
  call: (a) => {
    const x = a.x['x']!;
    return call(
      a.m,
      [x, a.x['memory']!],
      a.p.causal ? [`tgt_mask=${a.use('causal_mask')}(${x}.shape[1], ${x}.device)`] : [],
    );
  },
});

export const positionalEncodingTorch = torchForm(positionalEncodingLayer, {
  module: (p, t, use) =>
    p.kind === 'sinusoidal'
      ? call(use('SinusoidalPositionalEncoding'), [String(inShape(t)[2]), String(p.maxLen)])
      : call(use('LearnedPositionalEncoding'), [String(p.maxLen), String(inShape(t)[2])]),
  call: (a) => `${a.m}(${a.x['x']})`,
});

export const timestepEmbeddingTorch = torchForm(timestepEmbeddingLayer, {
  call: (a) => `${a.use('timestep_embedding')}(${a.x['x']}, ${a.p.dim})`,
});

export const attentionTorchForms: readonly AnyTorchForm[] = [
  multiHeadAttentionTorch,
  transformerEncoderTorch,
  transformerDecoderTorch,
  positionalEncodingTorch,
  timestepEmbeddingTorch,
];

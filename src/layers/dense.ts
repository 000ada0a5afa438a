// Fully connected layers: Dense (Linear), Embedding, Bilinear. Weights use PyTorch's layout and
// initialisation so a trained Netloom model and a torch model agree parameter for parameter.
import { z } from 'zod';
import { defineLayer, expectDType, req } from './layer-def.ts';
import type { LayerContext } from './layer-def.ts';
import { bool, choice, fanInUniform, float, int } from './params.ts';
import { formatShape } from '../ir/types.ts';

function lastDim(ctx: LayerContext, x: string, layer: string): number {
  const s = ctx.shape(x);
  if (s.length < 2 || s.length > 3) {
    ctx.fail(
      `${layer} expects rank 2 [N, F] (or [N, L, F] for sequences); got ${formatShape(s, true)}` +
        (s.length > 3 ? ' — add Flatten' : ''),
      { port: 'x' },
    );
  }
  return s[s.length - 1]!;
}

export const denseLayer = defineLayer({
  kind: 'Dense',
  family: 'dense',
  keepsBatch: true,
  title: 'Dense (Linear)',
  description: 'Fully connected: y = x·Wᵀ + b over the last axis (torch.nn.Linear).',
  params: z.object({
    units: int(64, 'Output features'),
    bias: bool(true, 'Bias'),
  }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => `${p.units}${p.bias ? '' : ', no bias'}`,
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    expectDType(ctx, x, 'float32', 'Dense');
    const f = lastDim(ctx, x, 'Dense');
    const w = ctx.weight('weight', [p.units, f], fanInUniform(f));
    const b = p.bias ? ctx.weight('bias', [p.units], fanInUniform(f)) : undefined;
    if (ctx.shape(x).length === 2) {
      // ONNX Gemm with transB keeps torch's [out, in] weight layout, as torch.onnx does.
      return { y: ctx.op('Gemm', b ? [x, w, b] : [x, w], { transB: 1 }) };
    }
    const y = ctx.op('MatMul', [x, ctx.op('Transpose', [w], { perm: [1, 0] })]);
    return { y: b ? ctx.op('Add', [y, b]) : y };
  },
});

export const embeddingLayer = defineLayer({
  kind: 'Embedding',
  family: 'dense',
  title: 'Embedding',
  description:
    "Looks up a learned vector for each integer token (torch.nn.Embedding); as 'logits', scores vectors against every token's (x·Wᵀ): sharing the input embedding's weights ties a language model's output layer to it.",
  params: z.object({
    numEmbeddings: int(1000, 'Vocabulary size'),
    dim: int(64, 'Embedding size'),
    mode: choice(
      ['lookup', 'logits'],
      'lookup',
      'Look up tokens, or score vectors against every token (x·Wᵀ)',
    ),
    // torch's nn.Embedding draws N(0, 1); a tied language model's table wants GPT-2's 0.02, or its
    // first logits are products of unit vectors (a starting loss near 58 nats for 96 characters).
    initStd: float(1, 'Initial weights: N(0, std²) (torch: 1, GPT-2: 0.02)', 0),
  }),
  inputs: [{ name: 'x', label: 'tokens' }],
  outputs: [{ name: 'y' }],
  summary: (p) =>
    p.mode === 'logits' ? `${p.dim} → ${p.numEmbeddings} logits` : `${p.numEmbeddings} → ${p.dim}`,
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    const w = ctx.weight('weight', [p.numEmbeddings, p.dim], { kind: 'normal', mean: 0, std: p.initStd });
    if (p.mode === 'lookup') {
      expectDType(ctx, x, 'int64', 'Embedding');
      return { y: ctx.op('Gather', [w, x], { axis: 0 }) };
    }
    expectDType(ctx, x, 'float32', 'Embedding (logits)');
    const f = lastDim(ctx, x, 'Embedding (logits)');
    if (f !== p.dim) {
      ctx.fail(
        `Embedding (logits): the input has ${f} features but dim is ${p.dim} — each vector is scored against the ${p.dim}-wide token vectors`,
        { field: 'dim' },
      );
    }
    return { y: ctx.op('MatMul', [x, ctx.op('Transpose', [w], { perm: [1, 0] })]) };
  },
});

export const bilinearLayer = defineLayer({
  kind: 'Bilinear',
  family: 'dense',
  title: 'Bilinear',
  description: 'y = x1ᵀ·A·x2 + b for two feature vectors (torch.nn.Bilinear).',
  params: z.object({
    units: int(16, 'Output features'),
    bias: bool(true, 'Bias'),
  }),
  inputs: [{ name: 'x1' }, { name: 'x2' }],
  outputs: [{ name: 'y' }],
  summary: (p) => `${p.units}`,
  lower(ctx, inputs, p) {
    const x1 = req(inputs, 'x1');
    const x2 = req(inputs, 'x2');
    const s1 = ctx.shape(x1);
    const s2 = ctx.shape(x2);
    if (s1.length !== 2)
      ctx.fail(`Bilinear expects x1 as [N, F1]; got ${formatShape(s1, true)}`, { port: 'x1' });
    if (s2.length !== 2)
      ctx.fail(`Bilinear expects x2 as [N, F2]; got ${formatShape(s2, true)}`, { port: 'x2' });
    if (s1[0] !== s2[0]) ctx.fail('Bilinear: x1 and x2 must have the same batch size', { port: 'x2' });
    const in1 = s1[1]!;
    const in2 = s2[1]!;
    const w = ctx.weight('weight', [p.units, in1, in2], fanInUniform(in1));
    // y[n,o] = Σ_ij x1[n,i]·W[o,i,j]·x2[n,j]: contract x1 first, then x2.
    const wT = ctx.op('Reshape', [
      ctx.op('Transpose', [w], { perm: [1, 0, 2] }),
      ctx.constInt([in1, p.units * in2]),
    ]);
    const t = ctx.op('Reshape', [ctx.op('MatMul', [x1, wT]), ctx.constInt([0, p.units, in2])]);
    const x2u = ctx.op('Unsqueeze', [x2, ctx.constInt([1])]);
    const y = ctx.op('ReduceSum', [ctx.op('Mul', [t, x2u]), ctx.constInt([2])], { keepdims: 0 });
    if (!p.bias) return { y };
    return { y: ctx.op('Add', [y, ctx.weight('bias', [p.units], fanInUniform(in1))]) };
  },
});

export const denseLayers = [denseLayer, embeddingLayer, bilinearLayer] as const;

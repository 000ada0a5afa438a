// Normalization layers: BatchNorm1d/2d, LayerNorm, GroupNorm, InstanceNorm, with torch.nn's
// weight names, initial values and semantics.
//
// Training-mode statistics are composed from primitives (ReduceMean, Sub, Mul, Sqrt, Div) so the
// autodiff differentiates them like any other ops; inference uses ONNX's fused ops where opset 17
// has one. GroupNormalization arrives only in opset 18, so GroupNorm is always composed.
import { z } from 'zod';
import { defineLayer, expectDType, expectRank, req } from './layer-def.ts';
import type { AnyLayerDef, LayerContext } from './layer-def.ts';
import { bool, float, int } from './params.ts';
import type { Shape } from '../ir/types.ts';
import { formatShape, numel } from '../ir/types.ts';

const epsParam = float(1e-5, 'ε (added to the variance)', 0);

/** Reshapes a per-channel vector [C] so it broadcasts against [N, C, *spatial] (channel axis 1). */
function perChannel(ctx: LayerContext, v: string, c: number, rank: number): string {
  if (rank <= 2) return v;
  return ctx.op('Reshape', [v, ctx.constInt([c, ...Array<number>(rank - 2).fill(1)])]);
}

/**
 * (x − mean) / √(var + ε) over `axes`, with the biased variance, as torch normalizes.
 * Returns the normalized tensor and the statistics (kept dims).
 */
function normalize(
  ctx: LayerContext,
  x: string,
  axes: readonly number[],
  eps: number,
): { y: string; mean: string; variance: string } {
  const mean = ctx.op('ReduceMean', [x], { axes: [...axes], keepdims: 1 });
  const d = ctx.op('Sub', [x, mean]);
  const variance = ctx.op('ReduceMean', [ctx.op('Mul', [d, d])], { axes: [...axes], keepdims: 1 });
  const std = ctx.op('Sqrt', [ctx.op('Add', [variance, ctx.constFloat([eps], [])])]);
  return { y: ctx.op('Div', [d, std]), mean, variance };
}

function affineWeights(ctx: LayerContext, shape: Shape): { weight: string; bias: string } {
  return {
    weight: ctx.weight('weight', shape, { kind: 'ones' }),
    bias: ctx.weight('bias', shape, { kind: 'zeros' }),
  };
}

function ones(ctx: LayerContext, shape: Shape, value = 1): string {
  return ctx.constFloat(new Float32Array(numel(shape)).fill(value), shape);
}

const batchNormParams = z.object({
  eps: epsParam,
  momentum: float(0.1, 'Momentum (running statistics)', 0, 1),
  affine: bool(true, 'Learn scale and shift'),
});

function batchNorm(
  kind: 'BatchNorm1d' | 'BatchNorm2d',
  ranks: readonly number[],
  expected: string,
  other: string,
) {
  return defineLayer({
    kind,
    family: 'normalization',
    keepsBatch: true,
    title: kind === 'BatchNorm1d' ? 'Batch norm 1-D' : 'Batch norm 2-D',
    description: `Normalizes each channel (axis 1) of ${expected} by batch statistics while training and running averages otherwise (torch.nn.${kind}).`,
    params: batchNormParams,
    inputs: [{ name: 'x' }],
    outputs: [{ name: 'y' }],
    summary: (p) => (p.affine ? '' : 'no affine'),
    lower(ctx, inputs, p) {
      const x = req(inputs, 'x');
      expectDType(ctx, x, 'float32', kind);
      const s = expectRank(ctx, x, ranks, kind, expected, (r) =>
        r >= 2 && r <= 4 ? `use ${other}` : r < 2 ? 'it needs a channel axis' : undefined,
      );
      const c = s[1]!;
      const rank = s.length;
      // torch's state_dict order: weight, bias, running_mean, running_var.
      const w = p.affine ? affineWeights(ctx, [c]) : undefined;
      const runningMean = ctx.weight('running_mean', [c], { kind: 'zeros' }, 'state');
      const runningVar = ctx.weight('running_var', [c], { kind: 'ones' }, 'state');

      if (ctx.mode !== 'training') {
        // ONNX BatchNormalization-15 (inference): (x − mean) / √(var + ε) · scale + B, per channel.
        const scale = w?.weight ?? ones(ctx, [c]);
        const bias = w?.bias ?? ones(ctx, [c], 0);
        return {
          y: ctx.op('BatchNormalization', [x, scale, bias, runningMean, runningVar], { epsilon: p.eps }),
        };
      }

      // Values per channel: the batch times the spatial size. The training graph is built for
      // its batch, so this count (for the unbiased variance below) is known here.
      const count = numel(s) / c;
      if (count < 2) {
        ctx.fail(
          `${kind} in training needs more than one value per channel to take batch statistics; ` +
            `${formatShape(s)} has ${count} — train with a batch size of 2 or more`,
          { port: 'x' },
        );
      }
      const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
      const { y: normed, mean, variance } = normalize(ctx, x, axes, p.eps);
      const y = w
        ? ctx.op('Add', [
            ctx.op('Mul', [normed, perChannel(ctx, w.weight, c, rank)]),
            perChannel(ctx, w.bias, c, rank),
          ])
        : normed;

      // torch: running ← (1 − momentum)·running + momentum·batch, with the unbiased variance.
      const flat = (v: string): string => ctx.op('Reshape', [v, ctx.constInt([c])]);
      const keep = ctx.constFloat([1 - p.momentum], []);
      const newMean = ctx.op('Add', [
        ctx.op('Mul', [runningMean, keep]),
        ctx.op('Mul', [flat(mean), ctx.constFloat([p.momentum], [])]),
      ]);
      const newVar = ctx.op('Add', [
        ctx.op('Mul', [runningVar, keep]),
        ctx.op('Mul', [flat(variance), ctx.constFloat([(p.momentum * count) / (count - 1)], [])]),
      ]);
      ctx.stateUpdate(runningMean, newMean);
      ctx.stateUpdate(runningVar, newVar);
      return { y };
    },
  });
}

export const batchNorm1dLayer = batchNorm(
  'BatchNorm1d',
  [2, 3],
  '[N, C] or [N, C, L]',
  'BatchNorm2d for images',
);
export const batchNorm2dLayer = batchNorm(
  'BatchNorm2d',
  [4],
  '[N, C, H, W]',
  'BatchNorm1d for [N, C] or [N, C, L]',
);

export const layerNormLayer = defineLayer({
  kind: 'LayerNorm',
  family: 'normalization',
  title: 'Layer norm',
  description:
    'Normalizes each sample over its last normalizedShape axes (torch.nn.LayerNorm over x.shape[-k:]).',
  params: z.object({
    normalizedShape: int(1, 'Trailing axes to normalize over', 1, 6),
    eps: epsParam,
    elementwiseAffine: bool(true, 'Learn scale and shift'),
  }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => (p.normalizedShape === 1 ? '' : `last ${p.normalizedShape} axes`),
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    expectDType(ctx, x, 'float32', 'LayerNorm');
    const s = ctx.shape(x);
    const k = p.normalizedShape;
    if (k > s.length - 1) {
      ctx.fail(
        `LayerNorm over the last ${k} axes needs rank ${k + 1} or more (the batch is never normalized); ` +
          `got ${formatShape(s, true)} — lower normalizedShape to ${Math.max(1, s.length - 1)}`,
        { field: 'normalizedShape' },
      );
    }
    const normShape = s.slice(s.length - k);
    const w = p.elementwiseAffine ? affineWeights(ctx, normShape) : undefined;
    // ONNX LayerNormalization-17 requires Scale; B is optional.
    const scale = w?.weight ?? ones(ctx, normShape);
    const ins = w ? [x, scale, w.bias] : [x, scale];
    return { y: ctx.op('LayerNormalization', ins, { axis: -k, epsilon: p.eps }) };
  },
});

export const groupNormLayer = defineLayer({
  kind: 'GroupNorm',
  family: 'normalization',
  title: 'Group norm',
  description: 'Normalizes each sample over groups of channels (torch.nn.GroupNorm).',
  params: z.object({
    numGroups: int(2, 'Groups'),
    eps: epsParam,
    affine: bool(true, 'Learn scale and shift'),
  }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => `${p.numGroups} groups`,
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    expectDType(ctx, x, 'float32', 'GroupNorm');
    const s = ctx.shape(x);
    if (s.length < 2) ctx.fail(`GroupNorm expects [N, C, *]; got ${formatShape(s, true)}`, { port: 'x' });
    const c = s[1]!;
    if (c % p.numGroups !== 0) {
      ctx.fail(
        `GroupNorm: ${c} channels (axis 1 of ${formatShape(s, true)}) do not split into ${p.numGroups} equal groups; ` +
          `pick a divisor of ${c}`,
        { field: 'numGroups' },
      );
    }
    const w = p.affine ? affineWeights(ctx, [c]) : undefined;
    // [N, C, *] → [N, G, C/G · *]: each group of one sample becomes a row to normalize.
    const grouped = ctx.op('Reshape', [x, ctx.constInt([0, p.numGroups, -1])]);
    const { y: normed } = normalize(ctx, grouped, [2], p.eps);
    const back = ctx.op('Reshape', [normed, ctx.constInt([0, ...s.slice(1)])]);
    if (!w) return { y: back };
    return {
      y: ctx.op('Add', [
        ctx.op('Mul', [back, perChannel(ctx, w.weight, c, s.length)]),
        perChannel(ctx, w.bias, c, s.length),
      ]),
    };
  },
});

export const instanceNormLayer = defineLayer({
  kind: 'InstanceNorm',
  family: 'normalization',
  title: 'Instance norm',
  description:
    'Normalizes each channel of each sample over its length or image (torch.nn.InstanceNorm1d/2d).',
  params: z.object({
    eps: epsParam,
    affine: bool(false, 'Learn scale and shift'),
  }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => (p.affine ? 'affine' : ''),
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    expectDType(ctx, x, 'float32', 'InstanceNorm');
    const s = expectRank(ctx, x, [3, 4], 'InstanceNorm', '[N, C, L] or [N, C, H, W]', (r) =>
      r === 2
        ? 'a [N, C] input has one value per channel to normalize; use BatchNorm1d or LayerNorm'
        : undefined,
    );
    const c = s[1]!;
    const rank = s.length;
    const w = p.affine ? affineWeights(ctx, [c]) : undefined;
    if (ctx.mode !== 'training') {
      // ONNX InstanceNormalization-6 requires scale and B.
      const scale = w?.weight ?? ones(ctx, [c]);
      const bias = w?.bias ?? ones(ctx, [c], 0);
      return { y: ctx.op('InstanceNormalization', [x, scale, bias], { epsilon: p.eps }) };
    }
    const axes = Array.from({ length: rank - 2 }, (_, i) => i + 2);
    const { y: normed } = normalize(ctx, x, axes, p.eps);
    if (!w) return { y: normed };
    return {
      y: ctx.op('Add', [
        ctx.op('Mul', [normed, perChannel(ctx, w.weight, c, rank)]),
        perChannel(ctx, w.bias, c, rank),
      ]),
    };
  },
});

export const normalizationLayers: readonly AnyLayerDef[] = [
  batchNorm1dLayer,
  batchNorm2dLayer,
  layerNormLayer,
  groupNormLayer,
  instanceNormLayer,
];

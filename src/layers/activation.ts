// Activations. Each is composed from ONNX opset-17 primitives (GELU and Mish have no op of
// their own before opset 18/20), matching torch.nn's definitions.
import { z } from 'zod';
import { defineLayer, req } from './layer-def.ts';
import type { AnyLayerDef, LayerContext, LayerTraits } from './layer-def.ts';
import { choice, float, int } from './params.ts';

type Empty = Record<string, never>;

function simple(
  kind: string,
  title: string,
  description: string,
  f: (ctx: LayerContext, x: string) => string,
  traits: LayerTraits = {},
) {
  return defineLayer<Empty>({
    ...traits,
    kind,
    family: 'activation',
    title,
    description,
    params: z.object({}) as unknown as z.ZodType<Empty>,
    inputs: [{ name: 'x' }],
    outputs: [{ name: 'y' }],
    lower: (ctx, inputs) => ({ y: f(ctx, req(inputs, 'x')) }),
  });
}

const axisParam = int(-1, 'Axis', -8, 8);

const keepsBatch: LayerTraits = { keepsBatch: true };

export const reluLayer = simple('ReLU', 'ReLU', 'max(0, x)', (c, x) => c.op('Relu', [x]), keepsBatch);
export const sigmoidLayer = simple(
  'Sigmoid',
  'Sigmoid',
  '1 / (1 + e^-x)',
  (c, x) => c.op('Sigmoid', [x]),
  keepsBatch,
);
export const tanhLayer = simple(
  'Tanh',
  'Tanh',
  'Hyperbolic tangent',
  (c, x) => c.op('Tanh', [x]),
  keepsBatch,
);
export const seluLayer = simple('SELU', 'SELU', 'Self-normalising ELU (fixed α, λ)', (c, x) =>
  c.op('Selu', [x], { alpha: 1.6732632423543772, gamma: 1.0507009873554805 }),
);
export const siluLayer = simple('SiLU', 'SiLU / Swish', 'x · sigmoid(x)', (c, x) =>
  c.op('Mul', [x, c.op('Sigmoid', [x])]),
);
export const mishLayer = simple('Mish', 'Mish', 'x · tanh(softplus(x))', (c, x) =>
  c.op('Mul', [x, c.op('Tanh', [c.op('Softplus', [x])])]),
);
export const relu6Layer = simple(
  'ReLU6',
  'ReLU6',
  "min(max(0, x), 6) (torch.nn.ReLU6): MobileNet's activation, bounded for low-precision inference",
  // ONNX Clip-13 takes its bounds as inputs; torch.onnx exports ReLU6 as this same Clip(0, 6).
  (c, x) => c.op('Clip', [x, c.constFloat([0], []), c.constFloat([6], [])]),
  keepsBatch,
);
export const hardSigmoidLayer = simple(
  'HardSigmoid',
  'Hard sigmoid',
  'relu6(x + 3) / 6 (torch.nn.Hardsigmoid)',
  (c, x) => c.op('HardSigmoid', [x], { alpha: 1 / 6, beta: 0.5 }),
);
export const hardSwishLayer = simple('HardSwish', 'Hard swish', 'x · relu6(x + 3) / 6', (c, x) =>
  c.op('HardSwish', [x]),
);

export const leakyReluLayer = defineLayer({
  kind: 'LeakyReLU',
  family: 'activation',
  title: 'Leaky ReLU',
  description: 'x if x > 0 else slope · x',
  params: z.object({ negativeSlope: float(0.01, 'Negative slope', 0) }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => `${p.negativeSlope}`,
  lower: (ctx, inputs, p) => ({ y: ctx.op('LeakyRelu', [req(inputs, 'x')], { alpha: p.negativeSlope }) }),
});

export const eluLayer = defineLayer({
  kind: 'ELU',
  family: 'activation',
  title: 'ELU',
  description: 'x if x > 0 else α · (e^x − 1)',
  params: z.object({ alpha: float(1, 'α', 0) }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  lower: (ctx, inputs, p) => ({ y: ctx.op('Elu', [req(inputs, 'x')], { alpha: p.alpha }) }),
});

export const preluLayer = defineLayer({
  kind: 'PReLU',
  family: 'activation',
  title: 'PReLU',
  description: 'Leaky ReLU with a learned slope, shared or one per channel (axis 1).',
  params: z.object({
    numParameters: int(1, 'Slopes (1 or the channel count)'),
    init: float(0.25, 'Initial slope'),
  }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => (p.numParameters === 1 ? 'shared' : `${p.numParameters} slopes`),
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    const s = ctx.shape(x);
    if (p.numParameters !== 1 && s[1] !== p.numParameters) {
      ctx.fail(`PReLU has ${p.numParameters} slopes but the input has ${s[1] ?? 'no'} channels (axis 1)`, {
        field: 'numParameters',
      });
    }
    const w = ctx.weight('weight', [p.numParameters], { kind: 'constant', value: p.init });
    // torch keeps one slope per channel on axis 1; ONNX PRelu broadcasts from the right.
    const trailing = Math.max(0, s.length - 2);
    const slope =
      p.numParameters === 1 || trailing === 0
        ? w
        : ctx.op('Reshape', [w, ctx.constInt([p.numParameters, ...Array<number>(trailing).fill(1)])]);
    return { y: ctx.op('PRelu', [x, slope]) };
  },
});

export const geluLayer = defineLayer({
  kind: 'GELU',
  family: 'activation',
  keepsBatch: true,
  title: 'GELU',
  description: 'x · Φ(x), exact (erf) or the tanh approximation',
  params: z.object({ approximate: choice(['none', 'tanh'], 'none', 'Approximation') }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => (p.approximate === 'tanh' ? 'tanh' : ''),
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    const half = ctx.constFloat([0.5], []);
    const one = ctx.constFloat([1], []);
    let inner: string;
    if (p.approximate === 'none') {
      inner = ctx.op('Erf', [ctx.op('Mul', [x, ctx.constFloat([Math.SQRT1_2], [])])]);
    } else {
      // tanh(√(2/π)·(x + 0.044715·x³))
      const x3 = ctx.op('Mul', [ctx.op('Mul', [x, x]), x]);
      const poly = ctx.op('Add', [x, ctx.op('Mul', [x3, ctx.constFloat([0.044715], [])])]);
      inner = ctx.op('Tanh', [ctx.op('Mul', [poly, ctx.constFloat([Math.sqrt(2 / Math.PI)], [])])]);
    }
    return { y: ctx.op('Mul', [ctx.op('Mul', [x, half]), ctx.op('Add', [one, inner])]) };
  },
});

export const softplusLayer = defineLayer({
  kind: 'Softplus',
  family: 'activation',
  title: 'Softplus',
  description: 'log(1 + e^(β·x)) / β, linear above the threshold',
  params: z.object({ beta: float(1, 'β', 1e-6), threshold: float(20, 'Threshold', 0) }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    const bx = p.beta === 1 ? x : ctx.op('Mul', [x, ctx.constFloat([p.beta], [])]);
    const sp = ctx.op('Softplus', [bx]);
    const soft = p.beta === 1 ? sp : ctx.op('Div', [sp, ctx.constFloat([p.beta], [])]);
    // torch.nn.Softplus returns x itself where β·x > threshold.
    const above = ctx.op('Greater', [bx, ctx.constFloat([p.threshold], [])]);
    return { y: ctx.op('Where', [above, x, soft]) };
  },
});

export const softmaxLayer = defineLayer({
  kind: 'Softmax',
  family: 'activation',
  title: 'Softmax',
  description: 'Exponentials normalised to sum to 1 along an axis',
  params: z.object({ axis: axisParam }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => (p.axis === -1 ? '' : `axis ${p.axis}`),
  lower: (ctx, inputs, p) => ({ y: ctx.op('Softmax', [req(inputs, 'x')], { axis: p.axis }) }),
});

export const logSoftmaxLayer = defineLayer({
  kind: 'LogSoftmax',
  family: 'activation',
  title: 'LogSoftmax',
  description: 'log(softmax(x)), numerically stable',
  params: z.object({ axis: axisParam }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => (p.axis === -1 ? '' : `axis ${p.axis}`),
  lower: (ctx, inputs, p) => ({ y: ctx.op('LogSoftmax', [req(inputs, 'x')], { axis: p.axis }) }),
});

export const activationLayers: readonly AnyLayerDef[] = [
  reluLayer,
  relu6Layer,
  leakyReluLayer,
  preluLayer,
  eluLayer,
  seluLayer,
  geluLayer,
  sigmoidLayer,
  tanhLayer,
  softmaxLayer,
  logSoftmaxLayer,
  softplusLayer,
  siluLayer,
  mishLayer,
  hardSigmoidLayer,
  hardSwishLayer,
];

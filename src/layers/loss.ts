// Loss layers: a prediction port `x`, a `target` port and a scalar `loss`. A loss is part of the
// graph so the trainer finds it (graphOutput role 'loss') and the inference export drops it.
// Each is composed from differentiable primitives (LogSoftmax, OneHot, Mul, Abs, Where, Reduce*)
// so the autodiff needs no per-loss backward; numbers follow torch.nn's functional losses.
import { z } from 'zod';
import type { Shape } from '../ir/types.ts';
import { formatShape } from '../ir/types.ts';
import type { AnyLayerDef, LayerContext } from './layer-def.ts';
import { defineLayer, req } from './layer-def.ts';
import { choice, float } from './params.ts';

type Reduction = 'mean' | 'sum' | 'batchmean';

const ports = {
  inputs: [{ name: 'x', label: 'prediction' }, { name: 'target' }],
  outputs: [{ name: 'loss' }],
};

/** Regression-style losses may compare with a constant instead of a wired target. */
const elementwisePorts = {
  inputs: [
    { name: 'x', label: 'prediction' },
    { name: 'target', optional: true },
  ],
  outputs: [{ name: 'loss' }],
};

const constantTarget = z
  .number()
  .finite()
  .optional()
  .describe('Constant target when the target port is not wired (e.g. 1 = "real" for a GAN)');

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Float prediction and float target of the same shape (regression-style losses). */
function elementwiseInputs(
  ctx: LayerContext,
  inputs: Readonly<Record<string, string | undefined>>,
  title: string,
  constant?: number,
) {
  const x = req(inputs, 'x');
  if (inputs['target'] === undefined) {
    if (constant === undefined) {
      ctx.fail(`${title} needs a target: wire one to the target port, or set a constant target`, {
        port: 'target',
      });
    }
    if (ctx.type(x).dtype !== 'float32') ctx.fail(`${title} expects a float prediction`, { port: 'x' });
    // The constant shaped like the prediction, through ops with no gradient path to it (Equal),
    // and with the batch left to run time so evaluation graphs take any batch size.
    const c = ctx.constFloat([constant]);
    return { x, t: ctx.op('Where', [ctx.op('Equal', [x, x]), c, c]) };
  }
  const t = req(inputs, 'target');
  const xt = ctx.type(x);
  const tt = ctx.type(t);
  if (xt.dtype !== 'float32') ctx.fail(`${title} expects a float prediction; got ${xt.dtype}`, { port: 'x' });
  if (tt.dtype !== 'float32')
    ctx.fail(
      `${title} expects a float target shaped like the prediction; got ${tt.dtype} ${formatShape(tt.shape, true)} — ` +
        `use CrossEntropy for class indices, or set the target Input's dtype to float32`,
      { port: 'target' },
    );
  if (!sameShape(xt.shape, tt.shape))
    ctx.fail(
      `${title} needs prediction and target of the same shape; got ${formatShape(xt.shape, true)} and ${formatShape(tt.shape, true)}`,
      { port: 'target' },
    );
  return { x, t };
}

/** Reduces an elementwise loss to the scalar torch gives for the reduction. */
function reduce(ctx: LayerContext, v: string, reduction: Reduction): string {
  const rank = ctx.shape(v).length;
  if (reduction === 'mean') return ctx.op('ReduceMean', [v], { keepdims: 0 });
  if (reduction === 'sum') return ctx.op('ReduceSum', [v], { keepdims: 0 });
  // batchmean: the sum divided by the batch size, computed at run time so the export stays batch-free.
  if (rank <= 1) return ctx.op('ReduceMean', [v], { keepdims: 0 });
  const perExample = ctx.op(
    'ReduceSum',
    [v, ctx.constInt(Array.from({ length: rank - 1 }, (_, i) => i + 1))],
    {
      keepdims: 0,
    },
  );
  return ctx.op('ReduceMean', [perExample], { keepdims: 0 });
}

function emit(ctx: LayerContext, loss: string): Record<string, string> {
  ctx.graphOutput(loss, 'loss');
  return { loss };
}

const reduction = choice(['mean', 'sum'], 'mean', 'Reduction over the batch');

export const mseLossLayer = defineLayer({
  kind: 'MSE',
  family: 'loss',
  title: 'MSE loss',
  description: 'Mean squared error between prediction and target (torch.nn.MSELoss).',
  params: z.object({ reduction, constantTarget }),
  ...elementwisePorts,
  summary: (p) => p.reduction,
  lower(ctx, inputs, p) {
    const { x, t } = elementwiseInputs(ctx, inputs, 'MSE', p.constantTarget);
    const d = ctx.op('Sub', [x, t]);
    return emit(ctx, reduce(ctx, ctx.op('Mul', [d, d]), p.reduction));
  },
});

export const l1LossLayer = defineLayer({
  kind: 'L1',
  family: 'loss',
  title: 'L1 loss',
  description: 'Mean absolute error between prediction and target (torch.nn.L1Loss).',
  params: z.object({ reduction, constantTarget }),
  ...elementwisePorts,
  summary: (p) => p.reduction,
  lower(ctx, inputs, p) {
    const { x, t } = elementwiseInputs(ctx, inputs, 'L1', p.constantTarget);
    return emit(ctx, reduce(ctx, ctx.op('Abs', [ctx.op('Sub', [x, t])]), p.reduction));
  },
});

export const huberLossLayer = defineLayer({
  kind: 'Huber',
  family: 'loss',
  title: 'Huber loss',
  description:
    'Squared error near zero, absolute error beyond delta: robust to outliers (torch.nn.HuberLoss).',
  params: z.object({
    delta: z.number().gt(0).default(1).describe('Delta (where squared turns linear)'),
    reduction,
    constantTarget,
  }),
  ...elementwisePorts,
  summary: (p) => `δ=${p.delta}`,
  lower(ctx, inputs, p) {
    const { x, t } = elementwiseInputs(ctx, inputs, 'Huber', p.constantTarget);
    const a = ctx.op('Abs', [ctx.op('Sub', [x, t])]);
    const delta = ctx.constFloat([p.delta], []);
    const quadratic = ctx.op('Mul', [ctx.op('Mul', [a, a]), ctx.constFloat([0.5], [])]);
    const linear = ctx.op('Mul', [delta, ctx.op('Sub', [a, ctx.constFloat([0.5 * p.delta], [])])]);
    const l = ctx.op('Where', [ctx.op('Less', [a, delta]), quadratic, linear]);
    return emit(ctx, reduce(ctx, l, p.reduction));
  },
});

/** Checks logits [N, C, d...] against class indices [N, d...] and returns the one-hot target. */
function classTarget(
  ctx: LayerContext,
  inputs: Readonly<Record<string, string | undefined>>,
  title: string,
  what: string,
) {
  const x = req(inputs, 'x');
  const t = req(inputs, 'target');
  const xt = ctx.type(x);
  const tt = ctx.type(t);
  if (xt.shape.length < 2)
    ctx.fail(`${title} expects ${what} [N, C] (or [N, C, d…]); got ${formatShape(xt.shape, true)}`, {
      port: 'x',
    });
  if (tt.dtype !== 'int64')
    ctx.fail(
      `${title} expects class indices [N] (int64); got ${tt.dtype} ${formatShape(tt.shape, true)} — ` +
        `use MSE for one-hot targets or change the target Input's dtype to int64`,
      { port: 'target' },
    );
  const want = [xt.shape[0]!, ...xt.shape.slice(2)];
  if (!sameShape(tt.shape, want))
    ctx.fail(
      `${title} expects targets ${formatShape(want, true)} for ${what} ${formatShape(xt.shape, true)}; ` +
        `got ${formatShape(tt.shape, true)} — the target Input's shape should be [${want.slice(1).join(', ')}]`,
      { port: 'target' },
    );
  const classes = xt.shape[1]!;
  const oneHot = ctx.op('OneHot', [t, ctx.constInt([classes]), ctx.constFloat([0, 1])], { axis: 1 });
  return { x, oneHot, classes };
}

/** −Σ_c weight_c · logp_c over the class axis → [N, d...]. */
function pickNegative(ctx: LayerContext, logp: string, weights: string): string {
  const picked = ctx.op('ReduceSum', [ctx.op('Mul', [logp, weights]), ctx.constInt([1])], { keepdims: 0 });
  return ctx.op('Neg', [picked]);
}

export const crossEntropyLossLayer = defineLayer({
  kind: 'CrossEntropy',
  family: 'loss',
  title: 'Cross-entropy loss',
  description:
    'Softmax cross-entropy of logits [N, C] against class indices [N] (torch.nn.CrossEntropyLoss).',
  params: z.object({
    labelSmoothing: float(0, 'Label smoothing (0 = none)', 0, 1),
    reduction,
  }),
  ...ports,
  summary: (p) => (p.labelSmoothing > 0 ? `smooth ${p.labelSmoothing}` : p.reduction),
  lower(ctx, inputs, p) {
    const { x, oneHot, classes } = classTarget(ctx, inputs, 'CrossEntropy', 'logits');
    const logp = ctx.op('LogSoftmax', [x], { axis: 1 });
    // torch: target distribution (1 − ε)·onehot + ε/C.
    const weights =
      p.labelSmoothing > 0
        ? ctx.op('Add', [
            ctx.op('Mul', [oneHot, ctx.constFloat([1 - p.labelSmoothing], [])]),
            ctx.constFloat([p.labelSmoothing / classes], []),
          ])
        : oneHot;
    return emit(ctx, reduce(ctx, pickNegative(ctx, logp, weights), p.reduction));
  },
});

export const nllLossLayer = defineLayer({
  kind: 'NLL',
  family: 'loss',
  title: 'NLL loss',
  description: 'Negative log-likelihood of log-probabilities [N, C] at class indices [N] (torch.nn.NLLLoss).',
  params: z.object({ reduction }),
  ...ports,
  summary: (p) => p.reduction,
  lower(ctx, inputs, p) {
    const { x, oneHot } = classTarget(ctx, inputs, 'NLL', 'log-probabilities');
    return emit(ctx, reduce(ctx, pickNegative(ctx, x, oneHot), p.reduction));
  },
});

export const bceLossLayer = defineLayer({
  kind: 'BCE',
  family: 'loss',
  title: 'Binary cross-entropy',
  description:
    'Binary cross-entropy of probabilities in (0, 1) against targets in [0, 1] (torch.nn.BCELoss).',
  params: z.object({ reduction, constantTarget }),
  ...elementwisePorts,
  summary: (p) => p.reduction,
  lower(ctx, inputs, p) {
    const { x, t } = elementwiseInputs(ctx, inputs, 'BCE', p.constantTarget);
    // A probability of exactly 0 or 1 (a saturated sigmoid in float32) must give a finite loss and
    // a finite gradient. torch clamps each log at −100 and divides its gradient by
    // max(x(1 − x), 1e-12); here the probability is clamped to ≥ 1e-12 inside the log, the same
    // bound for the gradient, and the same loss wherever the log is above log(1e-12) ≈ −27.6.
    const tiny = ctx.constFloat([1e-12], []);
    const one = ctx.constFloat([1], []);
    const logP = ctx.op('Log', [ctx.op('Max', [x, tiny])]);
    const log1mP = ctx.op('Log', [ctx.op('Max', [ctx.op('Sub', [one, x]), tiny])]);
    const l = ctx.op('Neg', [
      ctx.op('Add', [ctx.op('Mul', [t, logP]), ctx.op('Mul', [ctx.op('Sub', [one, t]), log1mP])]),
    ]);
    return emit(ctx, reduce(ctx, l, p.reduction));
  },
});

export const bceWithLogitsLossLayer = defineLayer({
  kind: 'BCEWithLogits',
  family: 'loss',
  title: 'BCE with logits',
  description:
    'Sigmoid plus binary cross-entropy in one numerically stable step (torch.nn.BCEWithLogitsLoss).',
  params: z.object({ reduction, constantTarget }),
  ...elementwisePorts,
  summary: (p) => p.reduction,
  lower(ctx, inputs, p) {
    const { x, t } = elementwiseInputs(ctx, inputs, 'BCEWithLogits', p.constantTarget);
    // max(x, 0) − x·t + log(1 + e^−|x|): never exponentiates a large positive number.
    const l = ctx.op('Add', [
      ctx.op('Sub', [ctx.op('Relu', [x]), ctx.op('Mul', [x, t])]),
      ctx.op('Softplus', [ctx.op('Neg', [ctx.op('Abs', [x])])]),
    ]);
    return emit(ctx, reduce(ctx, l, p.reduction));
  },
});

export const klDivergenceLossLayer = defineLayer({
  kind: 'KLDivergence',
  family: 'loss',
  title: 'KL divergence',
  description:
    'KL(target ‖ prediction) with log-probabilities as prediction and probabilities as target (torch.nn.KLDivLoss).',
  params: z.object({
    reduction: choice(['batchmean', 'mean', 'sum'], 'batchmean', 'Reduction (batchmean is the true KL)'),
  }),
  ...ports,
  summary: (p) => p.reduction,
  lower(ctx, inputs, p) {
    const { x, t } = elementwiseInputs(ctx, inputs, 'KLDivergence');
    // torch's xlogy: t·log t is 0 where t is 0.
    const zero = ctx.constFloat([0], []);
    const tLogT = ctx.op('Where', [
      ctx.op('Greater', [t, zero]),
      ctx.op('Mul', [t, ctx.op('Log', [t])]),
      zero,
    ]);
    const l = ctx.op('Sub', [tLogT, ctx.op('Mul', [t, x])]);
    return emit(ctx, reduce(ctx, l, p.reduction));
  },
});

export const gaussianKlLossLayer = defineLayer({
  kind: 'GaussianKL',
  family: 'loss',
  title: 'KL to N(0, 1)',
  description:
    "A VAE's latent loss: KL(N(μ, σ²) ‖ N(0, 1)) = −½·Σ(1 + log σ² − μ² − σ²) per example, averaged over the batch.",
  params: z.object({
    scale: z
      .number()
      .min(0)
      .default(1)
      .describe('Weight (e.g. 1/784 beside a per-pixel mean reconstruction loss; β of a β-VAE)'),
  }),
  inputs: [
    { name: 'mu', label: 'μ' },
    { name: 'logvar', label: 'log σ²' },
  ],
  outputs: [{ name: 'loss' }],
  summary: (p) => (p.scale === 1 ? '' : `× ${p.scale.toPrecision(3)}`),
  lower(ctx, inputs, p) {
    const mu = req(inputs, 'mu');
    const logvar = req(inputs, 'logvar');
    const a = ctx.shape(mu);
    const b = ctx.shape(logvar);
    if (a.length !== 2 || !sameShape(a, b)) {
      ctx.fail(
        `KL to N(0, 1) needs μ and log σ² both [N, latent]; got ${formatShape(a, true)} and ${formatShape(b, true)}`,
        { port: a.length !== 2 ? 'mu' : 'logvar' },
      );
    }
    const terms = ctx.op('Sub', [
      ctx.op('Sub', [ctx.op('Add', [ctx.constFloat([1], []), logvar]), ctx.op('Mul', [mu, mu])]),
      ctx.op('Exp', [logvar]),
    ]);
    const perExample = ctx.op('ReduceSum', [terms, ctx.constInt([1])], { keepdims: 0 });
    const kl = ctx.op('ReduceMean', [perExample], { keepdims: 0 });
    return emit(ctx, ctx.op('Mul', [kl, ctx.constFloat([-0.5 * p.scale], [])]));
  },
});

export const lossLayers: readonly AnyLayerDef[] = [
  mseLossLayer,
  l1LossLayer,
  huberLossLayer,
  crossEntropyLossLayer,
  bceLossLayer,
  bceWithLogitsLossLayer,
  klDivergenceLossLayer,
  nllLossLayer,
  gaussianKlLossLayer,
];

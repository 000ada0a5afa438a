// Optimizers as graph ops: each parameter's update (and its optimizer state's) is part of the
// training-step graph. The formulas follow torch.optim exactly (same eps placement, same bias
// correction), so one step matches PyTorch; per-step scalars (lr, bias corrections) are fed.
import { z } from 'zod';
import type { GraphEditor } from './graph-editor.ts';
import { mul, reshape, scale } from './rule.ts';
import { numel } from '../ir/types.ts';

export const optimizerNames = ['sgd', 'momentum', 'nesterov', 'adam', 'adamw', 'adagrad', 'rmsprop'] as const;
export type OptimizerName = (typeof optimizerNames)[number];

export const optimizerSchema = z.object({
  name: z.enum(optimizerNames).default('adam'),
  lr: z.number().positive().default(1e-3),
  /** momentum, nesterov, rmsprop. */
  momentum: z.number().min(0).lt(1).optional(),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  /** Defaults per optimizer as torch: Adam 1e-8, AdaGrad 1e-10, RMSProp 1e-8. */
  eps: z.number().positive().optional(),
  /** RMSProp smoothing constant. */
  alpha: z.number().min(0).lt(1).default(0.99),
  /** L2 penalty added to the gradient (decoupled for AdamW, default 0.01 there, as torch). */
  weightDecay: z.number().min(0).optional(),
  /** L1 penalty: l1·sign(p) added to the gradient. */
  l1: z.number().min(0).default(0),
  /** Clip the gradients' global L2 norm to this (torch.nn.utils.clip_grad_norm_). */
  clipNorm: z.number().positive().optional(),
});

export type OptimizerConfig = z.input<typeof optimizerSchema>;
export type ResolvedOptimizer = z.output<typeof optimizerSchema>;

export interface StateSlot {
  /** Graph input name; its next value is the output `${name}::next`. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: number;
}

export interface OptimizerGraph {
  /** New value of each parameter, by parameter id. */
  readonly next: Map<string, string>;
  /** Optimizer state inputs and the values of their next contents. */
  readonly state: readonly { slot: StateSlot; next: string }[];
  /** Scalar inputs fed each step (see optimizerScalars). */
  readonly scalars: readonly string[];
}

export const lrInput = 'opt::lr';
const bc1Input = 'opt::bias_correction1';
const bc2Input = 'opt::bias_correction2';

/** The scalars fed at step t (1-based): the learning rate and Adam's bias corrections. */
export function optimizerScalars(cfg: ResolvedOptimizer, t: number, lr: number): Record<string, number> {
  const out: Record<string, number> = { [lrInput]: lr };
  if (cfg.name === 'adam' || cfg.name === 'adamw') {
    out[bc1Input] = 1 - Math.pow(cfg.beta1, t);
    out[bc2Input] = 1 - Math.pow(cfg.beta2, t);
  }
  return out;
}

export function resolveOptimizer(cfg: OptimizerConfig): ResolvedOptimizer {
  return optimizerSchema.parse(cfg);
}

/** Optimizers that keep state per parameter element (or clip over all gradients): these run flat. */
function runsFlat(cfg: ResolvedOptimizer): boolean {
  const mom = cfg.momentum ?? (cfg.name === 'sgd' ? 0 : 0.9);
  return cfg.name !== 'sgd' || mom > 0 || cfg.clipNorm !== undefined;
}

/**
 * Appends the update of every (parameter, gradient) pair to the graph.
 *
 * Stateful optimizers (momentum, Adam, AdamW, AdaGrad, RMSProp) and gradient clipping run over all
 * parameters at once, as torch.optim's foreach/fused paths do: the parameters and gradients are
 * concatenated into one flat vector, each state is one flat buffer (`${prefix}::exp_avg`, …), the
 * update is a dozen ops on that vector, and a Split gives each parameter its new value. Plain SGD
 * (two ops per parameter) stays per tensor, where the concatenation would cost more than it saves.
 */
export function applyOptimizer(
  g: GraphEditor,
  pairs: readonly { param: string; grad: string }[],
  cfg: ResolvedOptimizer,
  prefix = 'opt',
): OptimizerGraph {
  const scalar = (name: string): string =>
    g.values.has(name) ? name : g.input(name, { shape: [], dtype: 'float32' });
  const lr = scalar(lrInput);
  const scalars = [lrInput];
  const adam = cfg.name === 'adam' || cfg.name === 'adamw';
  if (adam) scalars.push(bc1Input, bc2Input);
  const state: { slot: StateSlot; next: string }[] = [];
  const next = new Map<string, string>();
  if (pairs.length === 0) return { next, state, scalars };

  if (!runsFlat(cfg)) {
    for (const { param, grad } of pairs) {
      const { base, step } = update(g, cfg, param, grad, lr, () => {
        throw new Error('plain SGD keeps no state');
      });
      next.set(param, g.op1('Sub', [base, mul(g, lr, step)]));
    }
    return { next, state, scalars };
  }

  const sizes = pairs.map((p) => numel(g.shape(p.param)));
  const total = sizes.reduce((a, b) => a + b, 0);
  const flat = (vs: readonly string[]): string =>
    vs.length === 1
      ? reshape(g, vs[0]!, [total])
      : g.op1(
          'Concat',
          vs.map((v) => reshape(g, v, [numel(g.shape(v))])),
          { axis: 0 },
        );
  const p = flat(pairs.map((x) => x.param));
  let d = flat(pairs.map((x) => x.grad));
  if (cfg.clipNorm !== undefined) {
    // torch clip_grad_norm_: coef = max_norm / (‖g‖ + 1e-6), clamped to 1, over all gradients.
    const norm = g.op1('Sqrt', [g.op1('ReduceSumSquare', [d], { keepdims: 0 })]);
    const coef = g.op1('Div', [g.scalar(cfg.clipNorm), g.op1('Add', [norm, g.scalar(1e-6)])]);
    d = mul(g, d, g.op1('Min', [coef, g.scalar(1)]));
  }
  const { base, step } = update(g, cfg, p, d, lr, (what, value) => {
    const name = `${prefix}::${what}`;
    if (value === undefined) {
      g.input(name, { shape: [total], dtype: 'float32' });
      return name;
    }
    state.push({ slot: { name, shape: [total], init: 0 }, next: value });
    return value;
  });
  const updated = g.op1('Sub', [base, mul(g, lr, step)]);
  const parts =
    pairs.length === 1 ? [updated] : g.op('Split', [updated, g.ints(sizes)], { axis: 0 }, pairs.length);
  pairs.forEach(({ param }, i) => next.set(param, reshape(g, parts[i]!, g.shape(param))));
  return { next, state, scalars };
}

/**
 * One optimizer step for a parameter value `p` with gradient `d` (a tensor, or all of them flat):
 * the value the step is taken from (`base`: p, or p·(1 − lr·wd) for AdamW) and the step before
 * the learning rate. `state(what)` declares a state input and returns it; `state(what, v)` keeps
 * `v` as that state's next value.
 */
function update(
  g: GraphEditor,
  cfg: ResolvedOptimizer,
  p: string,
  grad: string,
  lr: string,
  state: (what: string, value?: string) => string,
): { base: string; step: string } {
  const decoupled = cfg.name === 'adamw';
  const wd = cfg.weightDecay ?? (decoupled ? 0.01 : 0);
  let d = grad;
  if (wd > 0 && !decoupled) d = g.op1('Add', [d, scale(g, p, wd)]);
  if (cfg.l1 > 0) d = g.op1('Add', [d, scale(g, g.op1('Sign', [p]), cfg.l1)]);
  // AdamW: p ← p·(1 − lr·wd) before the Adam step.
  const base = decoupled && wd > 0 ? mul(g, p, g.op1('Sub', [g.scalar(1), scale(g, lr, wd)])) : p;
  switch (cfg.name) {
    case 'sgd':
    case 'momentum':
    case 'nesterov': {
      const mom = cfg.momentum ?? (cfg.name === 'sgd' ? 0 : 0.9);
      if (mom === 0) return { base, step: d };
      // torch SGD (dampening 0): buf ← μ·buf + g (buf starts at g, which μ·0 + g gives).
      const buf = state('momentum', g.op1('Add', [scale(g, state('momentum'), mom), d]));
      return { base, step: cfg.name === 'nesterov' ? g.op1('Add', [d, scale(g, buf, mom)]) : buf };
    }
    case 'adam':
    case 'adamw': {
      const bc1 = g.values.has(bc1Input) ? bc1Input : g.input(bc1Input, { shape: [], dtype: 'float32' });
      const bc2 = g.values.has(bc2Input) ? bc2Input : g.input(bc2Input, { shape: [], dtype: 'float32' });
      const m = state(
        'exp_avg',
        g.op1('Add', [scale(g, state('exp_avg'), cfg.beta1), scale(g, d, 1 - cfg.beta1)]),
      );
      const v = state(
        'exp_avg_sq',
        g.op1('Add', [scale(g, state('exp_avg_sq'), cfg.beta2), scale(g, mul(g, d, d), 1 - cfg.beta2)]),
      );
      // torch Adam: denom = √v / √(1 − β2ᵗ) + eps; p ← p − lr/(1 − β1ᵗ) · m / denom.
      const denom = g.op1('Add', [
        g.op1('Div', [g.op1('Sqrt', [v]), g.op1('Sqrt', [bc2])]),
        g.scalar(cfg.eps ?? 1e-8),
      ]);
      return { base, step: g.op1('Div', [g.op1('Div', [m, bc1]), denom]) };
    }
    case 'adagrad': {
      // torch Adagrad: sum ← sum + g²; p ← p − lr · g / (√sum + eps).
      const sum = state('sum', g.op1('Add', [state('sum'), mul(g, d, d)]));
      return {
        base,
        step: g.op1('Div', [d, g.op1('Add', [g.op1('Sqrt', [sum]), g.scalar(cfg.eps ?? 1e-10)])]),
      };
    }
    case 'rmsprop': {
      // torch RMSprop: sq ← α·sq + (1 − α)·g²; avg = √sq + eps; with momentum buf ← μ·buf + g/avg.
      const sq = state(
        'square_avg',
        g.op1('Add', [scale(g, state('square_avg'), cfg.alpha), scale(g, mul(g, d, d), 1 - cfg.alpha)]),
      );
      const ratio = g.op1('Div', [d, g.op1('Add', [g.op1('Sqrt', [sq]), g.scalar(cfg.eps ?? 1e-8)])]);
      const mom = cfg.momentum ?? 0;
      if (mom > 0) {
        return {
          base,
          step: state('momentum_buffer', g.op1('Add', [scale(g, state('momentum_buffer'), mom), ratio])),
        };
      }
      return { base, step: ratio };
    }
  }
}

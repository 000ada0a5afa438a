// Optimizers as graph ops: each parameter's update (and its optimizer state's) is part of the
// training-step graph. The formulas follow torch.optim exactly (same eps placement, same bias
// correction), so one step matches PyTorch; per-step scalars (lr, bias corrections) are fed.
import { z } from 'zod';
import type { GraphEditor } from './graph-editor.ts';
import { mul, scale } from './rule.ts';

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

/** Appends the update of every (parameter, gradient) pair to the graph. */
export function applyOptimizer(
  g: GraphEditor,
  pairs: readonly { param: string; grad: string }[],
  cfg: ResolvedOptimizer,
): OptimizerGraph {
  const scalar = (name: string): string =>
    g.values.has(name) ? name : g.input(name, { shape: [], dtype: 'float32' });
  const lr = scalar(lrInput);
  const scalars = [lrInput];
  const state: { slot: StateSlot; next: string }[] = [];
  const next = new Map<string, string>();
  const slot = (param: string, what: string, init = 0): string => {
    const s: StateSlot = { name: `${param}::${what}`, shape: g.shape(param), init };
    g.input(s.name, { shape: s.shape, dtype: 'float32' });
    return s.name;
  };
  const keep = (param: string, what: string, v: string): void => {
    state.push({ slot: { name: `${param}::${what}`, shape: g.shape(param), init: 0 }, next: v });
  };

  let grads = pairs.map((p) => p.grad);
  if (cfg.clipNorm !== undefined) {
    // torch clip_grad_norm_: coef = max_norm / (‖g‖ + 1e-6), clamped to 1, over all gradients.
    let sq: string | undefined;
    for (const d of grads) {
      const s = g.op1('ReduceSumSquare', [d], { keepdims: 0 });
      sq = sq === undefined ? s : g.op1('Add', [sq, s]);
    }
    if (sq !== undefined) {
      const norm = g.op1('Sqrt', [sq]);
      const coef = g.op1('Div', [g.scalar(cfg.clipNorm), g.op1('Add', [norm, g.scalar(1e-6)])]);
      const clamped = g.op1('Min', [coef, g.scalar(1)]);
      grads = grads.map((d) => mul(g, d, clamped));
    }
  }

  const adam = cfg.name === 'adam' || cfg.name === 'adamw';
  const bc1 = adam ? scalar(bc1Input) : '';
  const bc2 = adam ? scalar(bc2Input) : '';
  if (adam) scalars.push(bc1Input, bc2Input);
  const decoupled = cfg.name === 'adamw';
  const wd = cfg.weightDecay ?? (decoupled ? 0.01 : 0);

  pairs.forEach(({ param: p }, i) => {
    let d = grads[i]!;
    if (wd > 0 && !decoupled) d = g.op1('Add', [d, scale(g, p, wd)]);
    if (cfg.l1 > 0) d = g.op1('Add', [d, scale(g, g.op1('Sign', [p]), cfg.l1)]);
    let base = p;
    // AdamW: p ← p·(1 − lr·wd) before the Adam step.
    if (decoupled && wd > 0) {
      base = mul(g, p, g.op1('Sub', [g.scalar(1), scale(g, lr, wd)]));
    }
    let step: string;
    switch (cfg.name) {
      case 'sgd':
      case 'momentum':
      case 'nesterov': {
        const mom = cfg.momentum ?? (cfg.name === 'sgd' ? 0 : 0.9);
        if (mom === 0) {
          step = d;
          break;
        }
        // torch SGD (dampening 0): buf ← μ·buf + g (buf starts at g, which μ·0 + g gives).
        const buf = g.op1('Add', [scale(g, slot(p, 'momentum'), mom), d]);
        keep(p, 'momentum', buf);
        step = cfg.name === 'nesterov' ? g.op1('Add', [d, scale(g, buf, mom)]) : buf;
        break;
      }
      case 'adam':
      case 'adamw': {
        const m = g.op1('Add', [scale(g, slot(p, 'exp_avg'), cfg.beta1), scale(g, d, 1 - cfg.beta1)]);
        const v = g.op1('Add', [
          scale(g, slot(p, 'exp_avg_sq'), cfg.beta2),
          scale(g, mul(g, d, d), 1 - cfg.beta2),
        ]);
        keep(p, 'exp_avg', m);
        keep(p, 'exp_avg_sq', v);
        // torch Adam: denom = √v / √(1 − β2ᵗ) + eps; p ← p − lr/(1 − β1ᵗ) · m / denom.
        const denom = g.op1('Add', [
          g.op1('Div', [g.op1('Sqrt', [v]), g.op1('Sqrt', [bc2])]),
          g.scalar(cfg.eps ?? 1e-8),
        ]);
        step = g.op1('Div', [g.op1('Div', [m, bc1]), denom]);
        break;
      }
      case 'adagrad': {
        // torch Adagrad: sum ← sum + g²; p ← p − lr · g / (√sum + eps).
        const sum = g.op1('Add', [slot(p, 'sum'), mul(g, d, d)]);
        keep(p, 'sum', sum);
        step = g.op1('Div', [d, g.op1('Add', [g.op1('Sqrt', [sum]), g.scalar(cfg.eps ?? 1e-10)])]);
        break;
      }
      case 'rmsprop': {
        // torch RMSprop: sq ← α·sq + (1 − α)·g²; avg = √sq + eps; with momentum buf ← μ·buf + g/avg.
        const sq = g.op1('Add', [
          scale(g, slot(p, 'square_avg'), cfg.alpha),
          scale(g, mul(g, d, d), 1 - cfg.alpha),
        ]);
        keep(p, 'square_avg', sq);
        const ratio = g.op1('Div', [d, g.op1('Add', [g.op1('Sqrt', [sq]), g.scalar(cfg.eps ?? 1e-8)])]);
        const mom = cfg.momentum ?? 0;
        if (mom > 0) {
          const buf = g.op1('Add', [scale(g, slot(p, 'momentum_buffer'), mom), ratio]);
          keep(p, 'momentum_buffer', buf);
          step = buf;
        } else step = ratio;
        break;
      }
    }
    next.set(p, g.op1('Sub', [base, mul(g, lr, step)]));
  });
  return { next, state, scalars };
}

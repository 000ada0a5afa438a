// The explicit table of gradient rules, keyed by IR op type (the ONNX op name), and the ops that
// are deliberately not differentiable. A test walks the op registry and fails for an op in neither.
import type { GradRow, NonDifferentiable } from './rule.ts';
import { elementwiseGrads } from './rules/elementwise.ts';
import { matmulGrads } from './rules/matmul.ts';
import { shapeGrads } from './rules/shape.ts';
import { reduceGrads } from './rules/reduce.ts';
import { convGrads } from './rules/conv.ts';
import { normGrads } from './rules/norm.ts';

export const gradRows: readonly GradRow[] = [
  ...elementwiseGrads,
  ...matmulGrads,
  ...shapeGrads,
  ...reduceGrads,
  ...convGrads,
  ...normGrads,
];

export const nonDifferentiable: readonly NonDifferentiable[] = [
  { type: 'ArgMax', reason: 'its output is an int64 index' },
  { type: 'Equal', reason: 'its output is bool' },
  { type: 'Less', reason: 'its output is bool' },
  { type: 'Greater', reason: 'its output is bool' },
  { type: 'ScatterElements', reason: 'emitted only by gradient rules (MaxPool), never differentiated' },
  {
    type: 'RNN',
    reason: 'recurrent layers lower to unrolled primitives in training mode; the fused op is inference-only',
  },
  {
    type: 'LSTM',
    reason: 'recurrent layers lower to unrolled primitives in training mode; the fused op is inference-only',
  },
  {
    type: 'GRU',
    reason: 'recurrent layers lower to unrolled primitives in training mode; the fused op is inference-only',
  },
  { type: 'RandomNormalLike', reason: 'a fresh sample: its value does not depend on its input' },
  { type: 'RandomUniformLike', reason: 'a fresh sample: its value does not depend on its input' },
  { type: 'RandomNormal', reason: 'a fresh sample with no inputs' },
  { type: 'RandomUniform', reason: 'a fresh sample with no inputs' },
  { type: 'OneHot', reason: 'its input is an int64 index' },
  { type: 'Shape', reason: 'its output is an int64 shape' },
  { type: 'Range', reason: 'its output is an index sequence' },
  { type: 'ConstantOfShape', reason: 'its output depends only on a shape' },
];

const byType = new Map(gradRows.map((r) => [r.type, r]));
/**
 * Ops whose output values do not depend on their inputs' values (only on a shape, or fresh
 * randomness): no gradient flows through them, and a value computed from them is a constant to
 * the backward pass (a VAE's ε ~ N(0, 1) shaped like μ).
 */
export const independentOfInputValues: ReadonlySet<string> = new Set([
  'RandomNormalLike',
  'RandomUniformLike',
  'Shape',
  'ConstantOfShape',
]);

const noGrad = new Map(nonDifferentiable.map((r) => [r.type, r]));

export function gradRow(type: string): GradRow | undefined {
  return byType.get(type);
}

export function nonDifferentiableReason(type: string): string | undefined {
  return noGrad.get(type)?.reason;
}

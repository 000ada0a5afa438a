// The explicit table of gradient rules, keyed by IR op type (the ONNX op name), and the ops that
// are deliberately not differentiable. Each family's rules sit in rules/<family>.ts beside its op
// rows in src/ir/ops/<family>.ts; a test walks the op registry and fails for an op in neither.
import type { GradRow, NonDifferentiable } from './rule.ts';
import { convolutionGrads } from './rules/convolution.ts';
import { elementwiseGrads, elementwiseNoGrad } from './rules/elementwise.ts';
import { indexingNoGrad } from './rules/indexing.ts';
import { matmulGrads } from './rules/matmul.ts';
import { normalizationGrads } from './rules/normalization.ts';
import { poolingGrads } from './rules/pooling.ts';
import { randomNoGrad } from './rules/random.ts';
import { recurrentNoGrad } from './rules/recurrent.ts';
import { reduceGrads, reduceNoGrad } from './rules/reduce.ts';
import { resizeGrads } from './rules/resize.ts';
import { scatterNoGrad } from './rules/scatter.ts';
import { shapeGrads, shapeNoGrad } from './rules/shape.ts';

export const gradRows: readonly GradRow[] = [
  ...elementwiseGrads,
  ...matmulGrads,
  ...shapeGrads,
  ...reduceGrads,
  ...convolutionGrads,
  ...poolingGrads,
  ...normalizationGrads,
  ...resizeGrads,
];

export const nonDifferentiable: readonly NonDifferentiable[] = [
  ...elementwiseNoGrad,
  ...shapeNoGrad,
  ...reduceNoGrad,
  ...recurrentNoGrad,
  ...randomNoGrad,
  ...indexingNoGrad,
  ...scatterNoGrad,
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

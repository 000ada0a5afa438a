// The ops of src/ir/ops/random.ts draw fresh samples, whose values do not depend on any input.
import type { NonDifferentiable } from '../rule.ts';

export const randomNoGrad: readonly NonDifferentiable[] = [
  { type: 'RandomNormalLike', reason: 'a fresh sample: its value does not depend on its input' },
  { type: 'RandomUniformLike', reason: 'a fresh sample: its value does not depend on its input' },
  { type: 'RandomNormal', reason: 'a fresh sample with no inputs' },
  { type: 'RandomUniform', reason: 'a fresh sample with no inputs' },
];

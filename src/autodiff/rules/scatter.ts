// The ops of src/ir/ops/scatter.ts are not differentiated: the autodiff emits them, it does not
// run through them.
import type { NonDifferentiable } from '../rule.ts';

export const scatterNoGrad: readonly NonDifferentiable[] = [
  { type: 'ScatterElements', reason: 'emitted only by gradient rules (MaxPool), never differentiated' },
];

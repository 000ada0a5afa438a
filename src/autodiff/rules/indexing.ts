// The ops of src/ir/ops/indexing.ts read int64 indices, through which no gradient flows.
import type { NonDifferentiable } from '../rule.ts';

export const indexingNoGrad: readonly NonDifferentiable[] = [
  { type: 'OneHot', reason: 'its input is an int64 index' },
];

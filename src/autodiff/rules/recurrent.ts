// The ops of src/ir/ops/recurrent.ts are inference-only: training lowers recurrent layers to
// unrolled primitives.
import type { NonDifferentiable } from '../rule.ts';

const fused =
  'recurrent layers lower to unrolled primitives in training mode; the fused op is inference-only';

export const recurrentNoGrad: readonly NonDifferentiable[] = [
  { type: 'RNN', reason: fused },
  { type: 'LSTM', reason: fused },
  { type: 'GRU', reason: fused },
];

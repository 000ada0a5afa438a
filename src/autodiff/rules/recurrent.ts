// The fused ops of src/ir/ops/recurrent.ts have no gradient rule of their own: the recurrent
// layers lower to unrolled primitives in training mode, and the step graph unrolls the fused ops
// of an imported model (src/autodiff/unroll-recurrent.ts). What is left fused is what cannot be
// unrolled.
import type { NonDifferentiable } from '../rule.ts';

const fused =
  'Netloom trains a fused recurrent op by unrolling it, which it cannot do with clipping, custom activations, peepholes or sequences of different lengths';

export const recurrentNoGrad: readonly NonDifferentiable[] = [
  { type: 'RNN', reason: fused },
  { type: 'LSTM', reason: fused },
  { type: 'GRU', reason: fused },
];

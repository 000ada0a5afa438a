// Examples for the op rows in src/ir/ops/recurrent.ts (run against onnxruntime by op-shapes.test.ts).
import type { OpExample } from '../op-examples.ts';

export const recurrentExamples: readonly OpExample[] = [
  {
    type: 'RNN',
    label: 'forward, with bias',
    inputs: [{ shape: [5, 2, 3] }, { shape: [1, 4, 3] }, { shape: [1, 4, 4] }, { shape: [1, 8] }],
    attrs: { hidden_size: 4 },
  },
  {
    type: 'GRU',
    label: 'bidirectional, torch-style reset',
    inputs: [{ shape: [5, 2, 3] }, { shape: [2, 12, 3] }, { shape: [2, 12, 4] }, { shape: [2, 24] }],
    attrs: { hidden_size: 4, direction: 'bidirectional', linear_before_reset: 1 },
  },
  {
    type: 'LSTM',
    label: 'forward, no bias, Y, Y_h and Y_c',
    inputs: [{ shape: [6, 3, 2] }, { shape: [1, 20, 2] }, { shape: [1, 20, 5] }],
    attrs: { hidden_size: 5 },
    outputs: 3,
  },
];

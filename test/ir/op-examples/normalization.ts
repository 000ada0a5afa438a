// Examples for the op rows in src/ir/ops/normalization.ts (run against onnxruntime by op-shapes.test.ts).
import type { OpExample } from '../op-examples.ts';

// Local helpers: op-examples.ts imports this file, so importing its helpers back would be circular.
const f = (...shape: number[]) => ({ shape });
const bool = (...shape: number[]) => ({ shape, dtype: 'bool' as const });

const scalar = (v: number) => ({ shape: [], const: [v] });

export const normalizationExamples: readonly OpExample[] = [
  {
    type: 'BatchNormalization',
    label: '2-D',
    inputs: [f(2, 3), f(3), f(3), f(3), f(3)],
    attrs: { epsilon: 1e-5 },
  },
  {
    type: 'BatchNormalization',
    label: '4-D',
    inputs: [f(2, 3, 4, 5), f(3), f(3), f(3), f(3)],
    attrs: { epsilon: 1e-5, momentum: 0.9 },
  },
  { type: 'InstanceNormalization', label: '3-D', inputs: [f(2, 3, 5), f(3), f(3)], attrs: { epsilon: 1e-5 } },
  { type: 'InstanceNormalization', label: '4-D', inputs: [f(2, 3, 4, 5), f(3), f(3)] },
  { type: 'Dropout', label: 'inference', inputs: [f(2, 3, 4)] },
  { type: 'Dropout', label: 'training', inputs: [f(2, 3, 4), scalar(0.5), bool()], attrs: { seed: 1 } },
];

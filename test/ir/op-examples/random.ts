// Examples for the op rows in src/ir/ops/random.ts (run against onnxruntime by op-shapes.test.ts).
import type { OpExample } from '../op-examples.ts';

export const randomExamples: readonly OpExample[] = [
  { type: 'RandomNormal', inputs: [], attrs: { shape: [3, 4], mean: 0, scale: 1, dtype: 1 } },
  { type: 'RandomNormalLike', inputs: [{ shape: [2, 5] }], attrs: { dtype: 1 } },
];

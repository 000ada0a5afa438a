// Examples for the op rows in src/ir/ops/indexing.ts (run against onnxruntime by op-shapes.test.ts).
import type { OpExample } from '../op-examples.ts';

export const indexingExamples: readonly OpExample[] = [
  {
    type: 'OneHot',
    label: 'class axis 1',
    inputs: [
      { shape: [4], dtype: 'int64', const: [0, 2, 1, 2] },
      { shape: [1], dtype: 'int64', const: [3] },
      { shape: [2], const: [0, 1] },
    ],
    attrs: { axis: 1 },
  },
  {
    type: 'OneHot',
    label: 'last axis',
    inputs: [
      { shape: [2, 3], dtype: 'int64', const: [0, 1, 4, 3, 2, 0] },
      { shape: [1], dtype: 'int64', const: [5] },
      { shape: [2], const: [0, 1] },
    ],
  },
  {
    type: 'ScatterElements',
    label: 'add along axis 1',
    inputs: [{ shape: [2, 3] }, { shape: [2, 2], dtype: 'int64', const: [0, 2, 1, 1] }, { shape: [2, 2] }],
    attrs: { axis: 1, reduction: 'add' },
  },
];

// Examples for the op rows in src/ir/ops/resize.ts (run against onnxruntime by op-shapes.test.ts).
import type { OpExample } from '../op-examples.ts';

// Local helpers: op-examples.ts imports this file, so importing its helpers back would be circular.
const f = (...shape: number[]) => ({ shape });
const floats = (...values: number[]) => ({ shape: [values.length], const: values });
const ints = (...values: number[]) => ({ shape: [values.length], dtype: 'int64' as const, const: values });

export const resizeExamples: readonly OpExample[] = [
  {
    type: 'Resize',
    label: 'nearest, scales',
    inputs: [f(1, 2, 3, 4), null, floats(1, 1, 2, 3)],
    attrs: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' },
  },
  {
    type: 'Resize',
    label: 'linear, fractional scales',
    inputs: [f(1, 2, 5, 4), null, floats(1, 1, 1.5, 2.5)],
    attrs: { mode: 'linear', coordinate_transformation_mode: 'half_pixel' },
  },
  {
    type: 'Resize',
    label: 'linear, sizes',
    inputs: [f(1, 2, 3, 4), null, null, ints(1, 2, 7, 5)],
    attrs: { mode: 'linear', coordinate_transformation_mode: 'align_corners' },
  },
];

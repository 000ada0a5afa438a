// Normalization ops.
import type { OpRow } from './op-row.ts';
import { fail, input, intAttr, normAxis } from './op-row.ts';
import { formatShape, numel } from '../types.ts';

export const normOps: readonly OpRow[] = [
  {
    // ONNX LayerNormalization-17: normalizes over axes [axis, rank); Scale and B span those axes.
    type: 'LayerNormalization',
    attrs: { axis: 'int', epsilon: 'float', stash_type: 'int' },
    infer: (a) => {
      const x = input(a, 0, 'LayerNormalization');
      const axis = normAxis(intAttr(a.attrs, 'axis', -1), x.shape.length, 'LayerNormalization');
      const normShape = x.shape.slice(axis);
      for (const i of [1, 2]) {
        const t = a.inputs[i];
        if (t && numel(t.shape) !== numel(normShape)) {
          fail(
            `LayerNormalization: scale/bias ${formatShape(t.shape)} do not match ${formatShape(normShape)}`,
          );
        }
      }
      const stats = x.shape.map((d, i) => (i < axis ? d : 1));
      return [
        { shape: x.shape, dtype: x.dtype },
        { shape: stats, dtype: 'float32' },
        { shape: stats, dtype: 'float32' },
      ];
    },
    flops: (a) => 8 * numel(a.inputs[0]!.shape),
  },
];

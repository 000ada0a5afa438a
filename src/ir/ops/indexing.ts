// Indexing ops: OneHot turns class indices into a float mask, which keeps the losses made of
// differentiable elementwise ops (no scatter in the backward pass).
import type { OpRow } from './op-row.ts';
import { constInput, fail, input, intAttr, normAxis } from './op-row.ts';

export const indexingOps: readonly OpRow[] = [
  {
    // ONNX OneHot-11: output rank = indices rank + 1, depth inserted at `axis`; dtype of `values`.
    type: 'OneHot',
    attrs: { axis: 'int' },
    infer: (a) => {
      const indices = input(a, 0, 'OneHot');
      const values = input(a, 2, 'OneHot');
      if (indices.dtype !== 'int64') fail('OneHot: indices must be int64');
      const depth = constInput(a, 1, 'OneHot', true);
      if (!depth || depth.length !== 1 || depth[0]! < 1) fail('OneHot: depth must be one positive constant');
      const rank = indices.shape.length + 1;
      const axis = normAxis(intAttr(a.attrs, 'axis', -1), rank, 'OneHot');
      const shape = [...indices.shape];
      shape.splice(axis, 0, depth[0]!);
      return [{ shape, dtype: values.dtype }];
    },
    flops: () => 0,
  },
];

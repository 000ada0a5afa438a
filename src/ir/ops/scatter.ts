// Scatter ops, which the autodiff emits to route gradients back through index-based ops
// (MaxPool's Indices, GatherElements).
import type { OpRow } from './op-row.ts';
import { fail, input, intAttr, noFlops, normAxis, stringAttr } from './op-row.ts';
import { formatShape } from '../types.ts';

export const scatterOps: readonly OpRow[] = [
  {
    // ONNX ScatterElements-16: output = data with updates written (or, with reduction "add",
    // added) at indices along axis; indices and updates have the same shape.
    type: 'ScatterElements',
    attrs: { axis: 'int', reduction: 'string' },
    infer: (a) => {
      const data = input(a, 0, 'ScatterElements');
      const idx = input(a, 1, 'ScatterElements');
      const upd = input(a, 2, 'ScatterElements');
      if (idx.dtype !== 'int64') fail('ScatterElements: indices must be int64');
      normAxis(intAttr(a.attrs, 'axis', 0), data.shape.length, 'ScatterElements');
      const r = stringAttr(a.attrs, 'reduction', 'none');
      if (r !== 'none' && r !== 'add' && r !== 'mul') fail(`ScatterElements: unknown reduction "${r}"`);
      if (idx.shape.length !== data.shape.length || idx.shape.some((d, i) => d !== upd.shape[i])) {
        fail(
          `ScatterElements: indices ${formatShape(idx.shape)} and updates ${formatShape(upd.shape)} must match, with the rank of data ${formatShape(data.shape)}`,
        );
      }
      return [{ shape: data.shape, dtype: data.dtype }];
    },
    flops: noFlops,
  },
];

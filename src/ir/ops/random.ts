// Random ops (ONNX RandomNormal-1, RandomNormalLike-1): noise for generators and the VAE's ε.
// dtype 1 = float; other dtypes are not emitted by Netloom.
import type { OpRow } from './op-row.ts';
import { fail, input, intAttr, intsAttr } from './op-row.ts';

export const randomOps: readonly OpRow[] = [
  {
    type: 'RandomNormal',
    attrs: { dtype: 'int', mean: 'float', scale: 'float', seed: 'float', shape: 'ints' },
    infer: (a) => {
      const shape = intsAttr(a.attrs, 'shape');
      if (!shape) fail('RandomNormal: the shape attribute is required');
      if (intAttr(a.attrs, 'dtype', 1) !== 1) fail('RandomNormal: only float32 (dtype 1) is supported');
      return [{ shape: [...shape], dtype: 'float32' }];
    },
  },
  {
    type: 'RandomNormalLike',
    attrs: { dtype: 'int', mean: 'float', scale: 'float', seed: 'float' },
    infer: (a) => {
      const x = input(a, 0, 'RandomNormalLike');
      return [{ shape: [...x.shape], dtype: 'float32' }];
    },
  },
];

// Resizing ops.
import type { OpRow } from './op-row.ts';
import { constInput, fail, input, stringAttr } from './op-row.ts';
import { formatShape, numel } from '../types.ts';

export const resizeOps: readonly OpRow[] = [
  {
    // ONNX Resize-13: inputs X, roi (optional), scales (optional), sizes (optional); exactly one of
    // scales and sizes, one entry per axis. With scales, output dim = floor(input dim × scale).
    type: 'Resize',
    constantInputs: [1, 2, 3],
    attrs: {
      mode: 'string',
      coordinate_transformation_mode: 'string',
      nearest_mode: 'string',
      cubic_coeff_a: 'float',
      exclude_outside: 'int',
      extrapolation_value: 'float',
    },
    infer: (a) => {
      const x = input(a, 0, 'Resize');
      const mode = stringAttr(a.attrs, 'mode', 'nearest');
      if (!['nearest', 'linear', 'cubic'].includes(mode)) fail(`Resize: unknown mode "${mode}"`);
      const rank = x.shape.length;
      const scales = constInput(a, 2, 'Resize', true);
      const sizes = constInput(a, 3, 'Resize');
      if ((scales === undefined) === (sizes === undefined)) {
        fail('Resize: give exactly one of scales and sizes');
      }
      if (scales) {
        if (scales.length !== rank) {
          fail(`Resize: ${scales.length} scales for ${formatShape(x.shape)}; one per axis is needed`);
        }
        if (scales.some((s) => !(s > 0))) fail('Resize: scales must be positive');
        return [{ shape: x.shape.map((d, i) => Math.floor(d * scales[i]!)), dtype: x.dtype }];
      }
      const target = sizes!;
      if (target.length !== rank) {
        fail(`Resize: ${target.length} sizes for ${formatShape(x.shape)}; one per axis is needed`);
      }
      if (target.some((s) => !Number.isInteger(s) || s <= 0)) fail('Resize: sizes must be positive');
      return [{ shape: target, dtype: x.dtype }];
    },
    flops: (a, out) => {
      const perElement = stringAttr(a.attrs, 'mode', 'nearest') === 'nearest' ? 0 : 7;
      return perElement * numel(out[0]!.shape);
    },
  },
];

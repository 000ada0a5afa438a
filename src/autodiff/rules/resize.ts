// Gradient of Resize (src/ir/ops/resize.ts).
import { stringAttr } from '../../ir/ops/op-row.ts';
import type { GradRow } from '../rule.ts';
import { GradError, reshape } from '../rule.ts';

export const resizeGrads: readonly GradRow[] = [
  {
    // Nearest-neighbour upsampling by whole factors (the Upsample layer): each input element was
    // copied into a block of the output, so its gradient is the sum over that block.
    type: 'Resize',
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined) return [];
      const x = op.inputs[0]!;
      const xs = g.shape(x);
      const ys = g.shape(d);
      const factors = ys.map((v, i) => v / xs[i]!);
      const ctm = stringAttr(op.attrs, 'coordinate_transformation_mode', 'half_pixel');
      const nm = stringAttr(op.attrs, 'nearest_mode', 'round_prefer_floor');
      // Nearest with whole factors copies blocks when the source index is floor(out/f): asymmetric
      // with floor, or half_pixel with rounding (its offsets ±(f−1)/2f never reach a tie).
      const blocks =
        ctm === 'asymmetric'
          ? nm === 'floor'
          : (ctm === 'half_pixel' || ctm === 'pytorch_half_pixel') && nm.startsWith('round');
      if (
        stringAttr(op.attrs, 'mode', 'nearest') !== 'nearest' ||
        !blocks ||
        factors.some((f) => !Number.isInteger(f))
      ) {
        throw new GradError(op, 'only nearest upsampling by whole factors has a gradient here');
      }
      const split = xs.flatMap((v, i) => [v, factors[i]!]);
      const sum = g.op1('ReduceSum', [reshape(g, d, split), g.ints(xs.map((_, i) => 2 * i + 1))], {
        keepdims: 0,
      });
      return [reshape(g, sum, xs)];
    },
  },
];

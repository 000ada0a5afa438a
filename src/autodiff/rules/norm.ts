// Gradients of the normalization ops, Dropout and Resize.
import { floatAttr, intAttr, stringAttr } from '../../ir/ops/op-row.ts';
import type { GraphEditor } from '../graph-editor.ts';
import type { GradRow } from '../rule.ts';
import { GradError, constInts, mul, reshape, scale, sumTo, toFloat } from '../rule.ts';

/**
 * Normalization over `axes` with statistics recomputed from x (cheap next to the product ops).
 * Returns x̂ = (x − mean)·invstd and invstd, both broadcasting against x.
 */
function normalize(
  g: GraphEditor,
  x: string,
  axes: readonly number[],
  eps: number,
): { xhat: string; invstd: string } {
  const mean = g.op1('ReduceMean', [x], { axes: [...axes], keepdims: 1 });
  const centered = g.op1('Sub', [x, mean]);
  const variance = g.op1('ReduceMean', [mul(g, centered, centered)], { axes: [...axes], keepdims: 1 });
  const invstd = g.op1('Reciprocal', [g.op1('Sqrt', [g.op1('Add', [variance, g.scalar(eps)])])]);
  return { xhat: mul(g, centered, invstd), invstd };
}

/** dx of x̂ = (x − mean(x))·invstd, given dx̂: invstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)). */
function normalizeBack(
  g: GraphEditor,
  dxhat: string,
  xhat: string,
  invstd: string,
  axes: readonly number[],
): string {
  const m1 = g.op1('ReduceMean', [dxhat], { axes: [...axes], keepdims: 1 });
  const m2 = g.op1('ReduceMean', [mul(g, dxhat, xhat)], { axes: [...axes], keepdims: 1 });
  return mul(g, invstd, g.op1('Sub', [g.op1('Sub', [dxhat, m1]), mul(g, xhat, m2)]));
}

/** A per-channel [C] vector shaped [C, 1, …] to broadcast over [N, C, …]. */
function perChannel(g: GraphEditor, v: string, rank: number): string {
  const c = g.shape(v)[0]!;
  return reshape(g, v, [c, ...Array<number>(rank - 2).fill(1)]);
}

function channelSum(g: GraphEditor, t: string): string {
  const r = g.shape(t).length;
  return g.op1('ReduceSum', [t, g.ints([0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)])], {
    keepdims: 0,
  });
}

export const normGrads: readonly GradRow[] = [
  {
    // ONNX LayerNormalization-17: y = x̂·Scale + B over axes [axis, rank).
    type: 'LayerNormalization',
    grad: (g, op, dy, need) => {
      const d = dy[0];
      if (d === undefined) return [];
      const x = op.inputs[0]!;
      const xs = g.shape(x);
      const a0 = intAttr(op.attrs, 'axis', -1);
      const axis = a0 < 0 ? a0 + xs.length : a0;
      const axes = xs.slice(axis).map((_, i) => axis + i);
      const { xhat, invstd } = normalize(g, x, axes, floatAttr(op.attrs, 'epsilon', 1e-5));
      const s = op.inputs[1]!;
      const b = op.inputs[2];
      const dxhat = mul(g, d, s);
      return [
        need[0] ? normalizeBack(g, dxhat, xhat, invstd, axes) : undefined,
        need[1] ? sumTo(g, mul(g, d, xhat), g.shape(s)) : undefined,
        b && need[2] ? sumTo(g, d, g.shape(b)) : undefined,
      ];
    },
  },
  {
    // Inference-mode BatchNormalization (running statistics are state, not differentiated):
    // y = (x − mean)·scale/√(var + ε) + B.
    type: 'BatchNormalization',
    grad: (g, op, dy, need) => {
      const d = dy[0];
      if (d === undefined) return [];
      const [x, s, , mean, variance] = op.inputs as [string, string, string, string, string];
      const r = g.shape(x).length;
      const eps = floatAttr(op.attrs, 'epsilon', 1e-5);
      const invstd = g.op1('Reciprocal', [g.op1('Sqrt', [g.op1('Add', [variance, g.scalar(eps)])])]);
      const xhat = () => mul(g, g.op1('Sub', [x, perChannel(g, mean, r)]), perChannel(g, invstd, r));
      return [
        need[0] ? mul(g, d, perChannel(g, mul(g, s, invstd), r)) : undefined,
        need[1] ? channelSum(g, mul(g, d, xhat())) : undefined,
        need[2] ? channelSum(g, d) : undefined,
      ];
    },
  },
  {
    // ONNX InstanceNormalization-6: per sample and channel over the spatial axes; scale, B per channel.
    type: 'InstanceNormalization',
    grad: (g, op, dy, need) => {
      const d = dy[0];
      if (d === undefined) return [];
      const [x, s] = op.inputs as [string, string, string];
      const r = g.shape(x).length;
      const axes = Array.from({ length: r - 2 }, (_, i) => i + 2);
      const { xhat, invstd } = normalize(g, x, axes, floatAttr(op.attrs, 'epsilon', 1e-5));
      const dxhat = mul(g, d, perChannel(g, s, r));
      return [
        need[0] ? normalizeBack(g, dxhat, xhat, invstd, axes) : undefined,
        need[1] ? channelSum(g, mul(g, d, xhat)) : undefined,
        need[2] ? channelSum(g, d) : undefined,
      ];
    },
  },
  {
    // ONNX Dropout-13 in training: y = x·mask/(1 − ratio). The layer asks for the mask output;
    // without training_mode (or with it false) Dropout is the identity.
    type: 'Dropout',
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined) return [];
      const modeId = op.inputs[2];
      const mode = modeId ? g.constValue(modeId) : undefined;
      const training = modeId !== undefined && modeId !== '' && (mode === undefined || mode.data[0] !== 0);
      if (!training) return [d];
      const mask = op.outputs[1];
      if (mask === undefined) {
        throw new GradError(op, 'training-mode Dropout needs its mask output for the gradient');
      }
      const ratioId = op.inputs[1];
      const ratio = ratioId ? constInts(g, ratioId)?.[0] : 0.5;
      const kept = mul(g, d, toFloat(g, mask));
      if (ratio !== undefined) return [scale(g, kept, 1 / (1 - ratio))];
      return [g.op1('Div', [kept, g.op1('Sub', [g.scalar(1), ratioId!])])];
    },
  },
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

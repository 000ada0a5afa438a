// Gradients of the normalization ops and Dropout (src/ir/ops/normalization.ts).
import { floatAttr, intAttr } from '../../ir/ops/op-row.ts';
import type { GraphEditor } from '../graph-editor.ts';
import type { GradRow } from '../rule.ts';
import { GradError, mul, reshape, scale, sumTo, toFloat } from '../rule.ts';

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

export const normalizationGrads: readonly GradRow[] = [
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
      const ratio = ratioId ? g.constInts(ratioId)?.[0] : 0.5;
      const kept = mul(g, d, toFloat(g, mask));
      if (ratio !== undefined) return [scale(g, kept, 1 / (1 - ratio))];
      return [g.op1('Div', [kept, g.op1('Sub', [g.scalar(1), ratioId!])])];
    },
  },
];

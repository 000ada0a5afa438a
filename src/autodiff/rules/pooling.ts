// Gradients of the pools (src/ir/ops/pooling.ts), with the window geometry of the convolutions.
import type { Op, Shape } from '../../ir/types.ts';
import { numel } from '../../ir/types.ts';
import { intAttr, intsAttr, stringAttr } from '../../ir/ops/op-row.ts';
import type { GraphEditor } from '../graph-editor.ts';
import type { GradRow } from '../rule.ts';
import { GradError, expandTo, mul, reshape, scale, toFloat, zeros } from '../rule.ts';
import type { Geometry } from './convolution.ts';
import { convTransposeTo, geometry } from './convolution.ts';

export const poolingGrads: readonly GradRow[] = [
  {
    // ONNX MaxPool-12. Non-overlapping 2-D windows that tile the input (LeNet's 2×2, stride 2):
    // the gradient goes where x equals its window's maximum — the maximum and dy upsampled by
    // nearest Resize. MaxPool's Indices output would say where in one op, but onnxruntime computes
    // it with a generic kernel 3.5–5× slower than its plain MaxPool: on LeNet-5's step the indices
    // with a scatter cost 7–15 % (native) and 4–7 % (WASM) more than the two Resizes, measured
    // twice. Also measured slower on LeNet-5's step (native): a 6-D reshape that broadcasts the
    // maximum and dy over each window instead of the Resizes, 1.6× (onnxruntime broadcasts inner
    // axes of size 1 element by element); Where in place of Cast and Mul, 1.1×. Other windows
    // (ResNet's 3×3 stride 2) use the Indices output (flat positions in the whole input) and
    // scatter dy there, adding where windows overlap.
    type: 'MaxPool',
    prepare: (g, op) =>
      op.outputs.length >= 2 || tiles(g, op)
        ? undefined
        : {
            ...op,
            outputs: [
              op.outputs[0]!,
              g.define(g.fresh('maxpool_indices'), { shape: g.shape(op.outputs[0]!), dtype: 'int64' }),
            ],
          },
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined) return [];
      if (intAttr(op.attrs, 'storage_order', 0) !== 0) {
        throw new GradError(op, 'storage_order 1 has no gradient here');
      }
      const x = op.inputs[0]!;
      const xs = g.shape(x);
      if (tiles(g, op)) {
        // Ties within a window (equal maxima) each receive the gradient.
        const k = intsAttr(op.attrs, 'kernel_shape')!;
        const scales = g.constant(Float32Array.from([1, 1, ...k]), [xs.length], 'pool_scales');
        const up = (v: string): string =>
          g.op1('Resize', [v, '', scales], {
            mode: 'nearest',
            coordinate_transformation_mode: 'asymmetric',
            nearest_mode: 'floor',
          });
        return [mul(g, toFloat(g, g.op1('Equal', [x, up(op.outputs[0]!)])), up(d))];
      }
      const idx = op.outputs[1] ?? g.op('MaxPool', [x], op.attrs, 2)[1]!;
      const flat = g.op1(
        'ScatterElements',
        [zeros(g, [numel(xs)]), reshape(g, idx, [-1]), reshape(g, d, [-1])],
        overlaps(g, op) ? { axis: 0, reduction: 'add' } : { axis: 0 },
      );
      return [reshape(g, flat, xs)];
    },
  },
  {
    // ONNX AveragePool-11: each output is the mean of its window, divided by the window's size
    // (count_include_pad=1) or by its real elements; spread dy/count back with a ones kernel.
    type: 'AveragePool',
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined) return [];
      const x = op.inputs[0]!;
      const xs = g.shape(x);
      const kernel = intsAttr(op.attrs, 'kernel_shape') ?? [];
      const geo = geometry(op, xs, kernel);
      const ds = g.shape(d);
      const includePad = intAttr(op.attrs, 'count_include_pad', 0) === 1;
      const counts = windowCounts(xs.slice(2), ds.slice(2), geo, includePad);
      const scaled = g.op1('Div', [d, g.constant(counts, [1, 1, ...ds.slice(2)], 'pool_counts')]);
      const c = xs[1]!;
      const ones = g.constant(new Float32Array(c * numel(kernel)).fill(1), [c, 1, ...kernel], 'ones');
      return [convTransposeTo(g, scaled, ones, geo, c, xs)];
    },
  },
  {
    type: 'GlobalAveragePool',
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined) return [];
      const xs = g.shape(op.inputs[0]!);
      const area = numel(xs.slice(2));
      return [expandTo(g, scale(g, d, 1 / area), xs)];
    },
  },
  {
    type: 'GlobalMaxPool',
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined) return [];
      const x = op.inputs[0]!;
      const xs = g.shape(x);
      const hit = toFloat(g, g.op1('Equal', [x, op.outputs[0]!]));
      const ties = g.op1('ReduceSum', [hit, g.ints(xs.slice(2).map((_, i) => i + 2))], { keepdims: 1 });
      return [mul(g, g.op1('Div', [hit, ties]), d)];
    },
  },
];

/** A 2-D MaxPool whose windows exactly tile its input: stride = kernel, no padding or dilation. */
function tiles(g: GraphEditor, op: Op): boolean {
  const xs = g.shape(op.inputs[0]!);
  const k = intsAttr(op.attrs, 'kernel_shape');
  if (!k || xs.length !== 4 || k.length !== 2) return false;
  const s = intsAttr(op.attrs, 'strides') ?? [1, 1];
  const pads = intsAttr(op.attrs, 'pads') ?? [0, 0, 0, 0];
  const dil = intsAttr(op.attrs, 'dilations') ?? [1, 1];
  const mode = stringAttr(op.attrs, 'auto_pad', 'NOTSET');
  return (
    (mode === 'NOTSET' || mode === 'VALID') &&
    intAttr(op.attrs, 'ceil_mode', 0) === 0 &&
    intAttr(op.attrs, 'storage_order', 0) === 0 &&
    k.every((v, i) => s[i] === v && dil[i] === 1 && xs[i + 2]! % v === 0) &&
    pads.every((p) => p === 0)
  );
}

/**
 * Whether two windows of a pool can share an element (stride below the dilated kernel on some
 * axis); if not, each element takes at most one gradient and a plain scatter suffices.
 */
function overlaps(g: GraphEditor, op: Op): boolean {
  const xs = g.shape(op.inputs[0]!);
  const k = intsAttr(op.attrs, 'kernel_shape') ?? [];
  const geo = geometry(op, xs, k);
  return k.some((v, i) => geo.strides[i]! < (v - 1) * geo.dilations[i]! + 1);
}

/** How many elements each pooling window averages over (ONNX AveragePool / onnxruntime). */
function windowCounts(sp: Shape, out: Shape, geo: Geometry, includePad: boolean): Float32Array {
  const perAxis = out.map((o, i) => {
    const c: number[] = [];
    for (let j = 0; j < o; j++) {
      const start = j * geo.strides[i]! - geo.pb[i]!;
      const end = start + geo.kernel[i]!;
      const lo = includePad ? -geo.pb[i]! : 0;
      const hi = includePad ? sp[i]! + geo.pe[i]! : sp[i]!;
      c.push(Math.min(end, hi) - Math.max(start, lo));
    }
    return c;
  });
  const total = numel(out);
  const counts = new Float32Array(total);
  for (let f = 0; f < total; f++) {
    let rem = f;
    let prod = 1;
    for (let i = out.length - 1; i >= 0; i--) {
      const j = rem % out[i]!;
      rem = Math.floor(rem / out[i]!);
      prod *= perAxis[i]![j]!;
    }
    counts[f] = prod;
  }
  return counts;
}

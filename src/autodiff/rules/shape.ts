// Gradients of the data-movement ops: each moves the gradient back the way the data came.
import type { Op } from '../../ir/types.ts';
import { intAttr, intsAttr, stringAttr } from '../../ir/ops/op-row.ts';
import type { GraphEditor } from '../graph-editor.ts';
import type { GradRow, NonDifferentiable } from '../rule.ts';
import { GradError, reshape, sumTo, toFloat, zeros } from '../rule.ts';
import { numel } from '../../ir/types.ts';

/** Gradient of an op that only rearranges its first input: reshape the gradient back. */
function reshapeBack(type: string): GradRow {
  return {
    type,
    grad: (g, op, dy) => (dy[0] === undefined ? [] : [reshape(g, dy[0], g.shape(op.inputs[0]!))]),
  };
}

function axisOf(op: Op, rank: number, fallback: number): number {
  const a = intAttr(op.attrs, 'axis', fallback);
  return a < 0 ? a + rank : a;
}

/** Places `d` (the gradient of x[start : start+step·k : step] along `axis`) into zeros of `dim`. */
function unslice(g: GraphEditor, d: string, axis: number, start: number, step: number, dim: number): string {
  let out = d;
  const shape = g.shape(d);
  const k = shape[axis]!;
  if (k === 0)
    return zeros(
      g,
      shape.map((v, i) => (i === axis ? dim : v)),
    );
  let len = k;
  if (step > 1) {
    // Interleave step − 1 zeros after each element: [.., k, ..] → [.., k, 1, ..] → pad → [.., k·step, ..].
    out = g.op1('Unsqueeze', [out, g.ints([axis + 1])]);
    const r = shape.length + 1;
    const pads = Array<number>(2 * r).fill(0);
    pads[r + axis + 1] = step - 1;
    out = g.op1('Pad', [out, g.ints(pads)]);
    out = reshape(
      g,
      out,
      shape.map((v, i) => (i === axis ? k * step : v)),
    );
    len = (k - 1) * step + 1;
    if (len !== k * step) {
      out = g.op1('Slice', [out, g.ints([0]), g.ints([len]), g.ints([axis])]);
    }
  }
  const r = shape.length;
  const pads = Array<number>(2 * r).fill(0);
  pads[axis] = start;
  pads[r + axis] = dim - start - len;
  if (start === 0 && dim - start - len === 0) return out;
  return g.op1('Pad', [out, g.ints(pads)]);
}

export const shapeGrads: readonly GradRow[] = [
  reshapeBack('Reshape'),
  reshapeBack('Flatten'),
  reshapeBack('Squeeze'),
  reshapeBack('Unsqueeze'),
  {
    type: 'Transpose',
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined) return [];
      const r = g.shape(op.inputs[0]!).length;
      const perm = intsAttr(op.attrs, 'perm') ?? [...Array(r).keys()].reverse();
      const inv = Array<number>(r);
      perm.forEach((p, i) => (inv[p] = i));
      return [g.op1('Transpose', [d], { perm: inv })];
    },
  },
  {
    type: 'Concat',
    grad: (g, op, dy, need) => {
      const d = dy[0];
      if (d === undefined) return [];
      const rank = g.shape(d).length;
      const axis = axisOf(op, rank, 0);
      const sizes = op.inputs.map((x) => g.shape(x)[axis]!);
      if (op.inputs.length === 1) return [d];
      const parts = g.op('Split', [d, g.ints(sizes)], { axis });
      return parts.map((p, i) => (need[i] ? p : undefined));
    },
  },
  {
    type: 'Split',
    grad: (g, op, dy) => {
      if (dy.every((d) => d === undefined)) return [];
      const x = op.inputs[0]!;
      const axis = axisOf(op, g.shape(x).length, 0);
      const parts = op.outputs.map((o, i) => dy[i] ?? zeros(g, g.shape(o)));
      return [parts.length === 1 ? parts[0]! : g.op1('Concat', parts, { axis })];
    },
  },
  {
    // ONNX Slice-13: starts, ends, axes, steps are constant inputs (positive steps only here).
    type: 'Slice',
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined) return [];
      const xs = g.shape(op.inputs[0]!);
      const starts = g.constInts(op.inputs[1]) ?? [];
      const axes = g.constInts(op.inputs[3]) ?? starts.map((_, i) => i);
      const steps = g.constInts(op.inputs[4]) ?? starts.map(() => 1);
      let out = d;
      axes.forEach((axRaw, i) => {
        const ax = axRaw < 0 ? axRaw + xs.length : axRaw;
        const dim = xs[ax]!;
        const s0 = starts[i]!;
        const start = Math.min(Math.max(s0 < 0 ? s0 + dim : s0, 0), dim);
        out = unslice(g, out, ax, start, steps[i] ?? 1, dim);
      });
      return [out];
    },
  },
  {
    type: 'Expand',
    grad: (g, op, dy) => (dy[0] === undefined ? [] : [sumTo(g, dy[0], g.shape(op.inputs[0]!))]),
  },
  {
    // Tile: view the gradient as [r0, d0, r1, d1, …] and sum over the repeat axes.
    type: 'Tile',
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined) return [];
      const xs = g.shape(op.inputs[0]!);
      const reps = g.constInts(op.inputs[1]) ?? [];
      const split = xs.flatMap((v, i) => [reps[i]!, v]);
      const r = g.op1('ReduceSum', [reshape(g, d, split), g.ints(xs.map((_, i) => 2 * i))], { keepdims: 0 });
      return [reshape(g, r, xs)];
    },
  },
  {
    // ONNX Pad-13, constant mode: the gradient is the unpadded window. Negative pads crop.
    type: 'Pad',
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined) return [];
      if (stringAttr(op.attrs, 'mode', 'constant') !== 'constant') {
        throw new GradError(
          op,
          `mode "${stringAttr(op.attrs, 'mode', '')}" has no gradient here; use constant padding`,
        );
      }
      const xs = g.shape(op.inputs[0]!);
      const pads = g.constInts(op.inputs[1]) ?? [];
      const r = xs.length;
      if (pads.some((p) => p < 0)) {
        throw new GradError(op, 'negative pads (cropping) have no gradient here; use Slice');
      }
      const starts = xs.map((_, i) => pads[i]!);
      const ends = xs.map((v, i) => pads[i]! + v);
      if (pads.slice(0, r).every((p, i) => p === 0 && pads[r + i] === 0)) return [d];
      return [g.op1('Slice', [d, g.ints(starts), g.ints(ends), g.ints([...xs.keys()])])];
    },
  },
  {
    // Gather along `axis` (an embedding lookup for axis 0): the gradient of the table is
    // one-hot(indices)ᵀ · dy, a dense product rather than a scatter so it runs everywhere.
    type: 'Gather',
    grad: (g, op, dy, need) => {
      const d = dy[0];
      if (d === undefined || !need[0]) return [];
      const x = op.inputs[0]!;
      const idx = op.inputs[1]!;
      const xs = g.shape(x);
      const is = g.shape(idx);
      const axis = axisOf(op, xs.length, 0);
      const v = xs[axis]!;
      const q = is.length;
      const table = g.constant(
        BigInt64Array.from({ length: v }, (_, i) => BigInt(i)),
        [v],
        'range',
      );
      // ONNX Gather counts negative indices from the end (torch's h[-1]): as positions, they
      // must equal the range's entries.
      const known = g.constInts(idx);
      let at = idx;
      if (known?.some((i) => i < 0)) {
        at = g.constant(
          BigInt64Array.from(known, (i) => BigInt(i < 0 ? i + v : i)),
          is,
          'index',
        );
      } else if (!known) {
        const zero = g.constant(BigInt64Array.of(0n), [], 'zero');
        const size = g.constant(BigInt64Array.of(BigInt(v)), [], 'size');
        at = g.op1('Where', [g.op1('Less', [idx, zero]), g.op1('Add', [idx, size]), idx]);
      }
      const onehot = toFloat(g, g.op1('Equal', [g.op1('Unsqueeze', [at, g.ints([q])]), table]));
      const nIdx = numel(is);
      const oh2 = reshape(g, onehot, [nIdx, v]);
      // dy is [pre…, idx…, post…]; bring the index axes to the front.
      const pre = axis;
      const dr = g.shape(d).length;
      const perm = [
        ...Array.from({ length: q }, (_, i) => pre + i),
        ...Array.from({ length: pre }, (_, i) => i),
        ...Array.from({ length: dr - pre - q }, (_, i) => pre + q + i),
      ];
      const dt = perm.every((p, i) => p === i) ? d : g.op1('Transpose', [d], { perm });
      const rest = xs.filter((_, i) => i !== axis);
      const d2 = reshape(g, dt, [nIdx, numel(rest)]);
      const gx = g.op1('Gemm', [oh2, d2], { transA: 1 });
      // [v, pre…, post…] → [pre…, v, post…]
      const moved = reshape(g, gx, [v, ...rest]);
      if (axis === 0) return [moved];
      const back = [
        ...Array.from({ length: axis }, (_, i) => i + 1),
        0,
        ...Array.from({ length: xs.length - axis - 1 }, (_, i) => axis + 1 + i),
      ];
      return [g.op1('Transpose', [moved], { perm: back })];
    },
  },
];

// Shape, Range and ConstantOfShape are folded to constants when a model is imported; were they
// to reach the backward pass, nothing would flow through them.
export const shapeNoGrad: readonly NonDifferentiable[] = [
  { type: 'Shape', reason: 'its output is an int64 shape' },
  { type: 'Range', reason: 'its output is an index sequence' },
  { type: 'ConstantOfShape', reason: 'its output depends only on a shape' },
];

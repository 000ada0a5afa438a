// Gradients of the reductions and the softmax family.
import type { Op } from '../../ir/types.ts';
import { intAttr, intsAttr } from '../../ir/ops/op-row.ts';
import type { GraphEditor } from '../graph-editor.ts';
import type { GradRow, NonDifferentiable } from '../rule.ts';
import { countOf, expandTo, keptShape, mul, normAxes, reshape, scale, toFloat } from '../rule.ts';

interface Reduced {
  readonly x: string;
  readonly axes: number[];
  /** dy and y with the reduced axes kept as 1, so they broadcast against x. */
  readonly dyk: string;
  readonly yk: () => string;
}

function reduced(g: GraphEditor, op: Op, d: string): Reduced {
  const x = op.inputs[0]!;
  const xs = g.shape(x);
  // ONNX opset 17: ReduceSum takes axes as input 1; the other reductions as an attribute.
  const given = op.type === 'ReduceSum' ? g.constInts(op.inputs[1]) : intsAttr(op.attrs, 'axes');
  const all = given === undefined || given.length === 0;
  if (op.type === 'ReduceSum' && all && intAttr(op.attrs, 'noop_with_empty_axes', 0) === 1) {
    return { x, axes: [], dyk: d, yk: () => op.outputs[0]! };
  }
  const axes = all ? [...xs.keys()] : normAxes(given, xs.length);
  const ks = keptShape(xs, axes);
  return { x, axes, dyk: reshape(g, d, ks), yk: () => reshape(g, op.outputs[0]!, ks) };
}

function reduceRow(type: string, f: (g: GraphEditor, r: Reduced, op: Op) => string): GradRow {
  return {
    type,
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined) return [];
      return [f(g, reduced(g, op, d), op)];
    },
  };
}

/** Max/min: the gradient goes to the elements equal to the result, split evenly among ties. */
function extremum(g: GraphEditor, r: Reduced): string {
  const xs = g.shape(r.x);
  const hit = toFloat(g, g.op1('Equal', [r.x, r.yk()]));
  const ties = g.op1('ReduceSum', [hit, g.ints(r.axes)], { keepdims: 1 });
  return expandTo(g, mul(g, g.op1('Div', [hit, ties]), r.dyk), xs);
}

export const reduceGrads: readonly GradRow[] = [
  reduceRow('ReduceSum', (g, r) => expandTo(g, r.dyk, g.shape(r.x))),
  reduceRow('ReduceMean', (g, r) =>
    expandTo(g, scale(g, r.dyk, 1 / countOf(g.shape(r.x), r.axes)), g.shape(r.x)),
  ),
  reduceRow('ReduceMax', extremum),
  reduceRow('ReduceMin', extremum),
  // d∏x/dxᵢ = ∏x / xᵢ (undefined where xᵢ = 0).
  reduceRow('ReduceProd', (g, r) => mul(g, r.dyk, g.op1('Div', [r.yk(), r.x]))),
  reduceRow('ReduceSumSquare', (g, r) => mul(g, scale(g, r.x, 2), r.dyk)),
  reduceRow('ReduceL2', (g, r) => mul(g, r.x, g.op1('Div', [r.dyk, r.yk()]))),
  reduceRow('ReduceLogSumExp', (g, r) => mul(g, r.dyk, g.op1('Exp', [g.op1('Sub', [r.x, r.yk()])]))),
  {
    // dx = y ⊙ (dy − Σ(dy ⊙ y)) along the softmax axis.
    type: 'Softmax',
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined) return [];
      const y = op.outputs[0]!;
      const axis = intAttr(op.attrs, 'axis', -1);
      const s = g.op1('ReduceSum', [mul(g, d, y), g.ints([axis])], { keepdims: 1 });
      return [mul(g, y, g.op1('Sub', [d, s]))];
    },
  },
  {
    // dx = dy − softmax(x) · Σdy along the axis; softmax(x) = exp(y).
    type: 'LogSoftmax',
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined) return [];
      const y = op.outputs[0]!;
      const axis = intAttr(op.attrs, 'axis', -1);
      const s = g.op1('ReduceSum', [d, g.ints([axis])], { keepdims: 1 });
      return [g.op1('Sub', [d, mul(g, g.op1('Exp', [y]), s)])];
    },
  },
];

export const reduceNoGrad: readonly NonDifferentiable[] = [
  { type: 'ArgMax', reason: 'its output is an int64 index' },
];

// Reductions and the softmax family.
import type { OpInferArgs, OpRow } from './op-row.ts';
import { constInput, input, intAttr, intsAttr, normAxis } from './op-row.ts';
import type { TensorType } from '../types.ts';
import { numel } from '../types.ts';

function reduceShape(
  x: TensorType,
  axesIn: readonly number[] | undefined,
  keep: boolean,
  op: string,
): number[] {
  const axes = (axesIn ?? x.shape.map((_, i) => i)).map((ax) => normAxis(ax, x.shape.length, op));
  const out: number[] = [];
  x.shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return out;
}

// ONNX opset 17: ReduceSum takes axes as an input; the others still take an attribute (until 18).
function reduceAttr(type: string): OpRow {
  return {
    type,
    attrs: { axes: 'ints', keepdims: 'int' },
    infer: (a: OpInferArgs) => {
      const x = input(a, 0, type);
      return [
        {
          shape: reduceShape(x, intsAttr(a.attrs, 'axes'), intAttr(a.attrs, 'keepdims', 1) === 1, type),
          dtype: x.dtype,
        },
      ];
    },
    flops: (a) => numel(a.inputs[0]!.shape),
  };
}

function softmaxLike(type: string): OpRow {
  return {
    type,
    attrs: { axis: 'int' },
    infer: (a) => {
      const x = input(a, 0, type);
      normAxis(intAttr(a.attrs, 'axis', -1), x.shape.length, type);
      return [{ shape: x.shape, dtype: x.dtype }];
    },
    flops: (a) => 5 * numel(a.inputs[0]!.shape),
  };
}

export const reduceOps: readonly OpRow[] = [
  {
    type: 'ReduceSum',
    attrs: { keepdims: 'int', noop_with_empty_axes: 'int' },
    infer: (a) => {
      const x = input(a, 0, 'ReduceSum');
      const axes = constInput(a, 1, 'ReduceSum');
      return [
        { shape: reduceShape(x, axes, intAttr(a.attrs, 'keepdims', 1) === 1, 'ReduceSum'), dtype: x.dtype },
      ];
    },
    flops: (a) => numel(a.inputs[0]!.shape),
  },
  reduceAttr('ReduceMean'),
  reduceAttr('ReduceMax'),
  reduceAttr('ReduceMin'),
  reduceAttr('ReduceProd'),
  reduceAttr('ReduceSumSquare'),
  reduceAttr('ReduceL2'),
  reduceAttr('ReduceLogSumExp'),
  {
    type: 'ArgMax',
    attrs: { axis: 'int', keepdims: 'int', select_last_index: 'int' },
    infer: (a) => {
      const x = input(a, 0, 'ArgMax');
      const axis = intAttr(a.attrs, 'axis', 0);
      return [
        { shape: reduceShape(x, [axis], intAttr(a.attrs, 'keepdims', 1) === 1, 'ArgMax'), dtype: 'int64' },
      ];
    },
    flops: (a) => numel(a.inputs[0]!.shape),
  },
  softmaxLike('Softmax'),
  softmaxLike('LogSoftmax'),
];

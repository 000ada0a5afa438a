// One or more example calls per IR op, for the shape-rule test against onnxruntime.
import type { DType, Shape } from '../../src/ir/types.ts';
import { convolutionExamples } from './op-examples/convolution.ts';
import { poolingExamples } from './op-examples/pooling.ts';
import { normalizationExamples } from './op-examples/normalization.ts';
import { recurrentExamples } from './op-examples/recurrent.ts';
import { randomExamples } from './op-examples/random.ts';
import { resizeExamples } from './op-examples/resize.ts';
import { indexingExamples } from './op-examples/indexing.ts';

export interface OpExample {
  readonly type: string;
  readonly label?: string;
  /** null marks an omitted optional input; `const` makes the input a constant (shapes, axes). */
  readonly inputs: readonly ({ shape: Shape; dtype?: DType; const?: readonly number[] } | null)[];
  readonly attrs?: Readonly<Record<string, unknown>>;
  readonly outputs?: number;
}

export const f = (...shape: number[]) => ({ shape });
export const i64 = (...shape: number[]) => ({ shape, dtype: 'int64' as const });
export const ints = (...values: number[]) => ({
  shape: [values.length],
  dtype: 'int64' as const,
  const: values,
});
export const bool = (...shape: number[]) => ({ shape, dtype: 'bool' as const });

const unary = [
  'Identity',
  'Relu',
  'LeakyRelu',
  'Elu',
  'Selu',
  'Celu',
  'Sigmoid',
  'HardSigmoid',
  'HardSwish',
  'Tanh',
  'Softplus',
  'Softsign',
  'Exp',
  'Log',
  'Neg',
  'Abs',
  'Sqrt',
  'Reciprocal',
  'Erf',
  'Sin',
  'Cos',
  'Floor',
  'Sign',
];
const binary = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Equal', 'Less', 'Greater'];

export const opExamples: readonly OpExample[] = [
  ...convolutionExamples,
  ...poolingExamples,
  ...normalizationExamples,
  ...recurrentExamples,
  ...randomExamples,
  ...resizeExamples,
  ...indexingExamples,
  ...unary.map((type) => ({ type, inputs: [f(2, 3)] })),
  ...binary.map((type) => ({ type, label: 'broadcast', inputs: [f(2, 1, 4), f(3, 1)] })),
  { type: 'Cast', inputs: [f(2, 3)], attrs: { to: 7 } },
  { type: 'Clip', inputs: [f(2, 3)] },
  { type: 'PRelu', inputs: [f(2, 3, 4, 4), f(3, 1, 1)] },
  { type: 'Where', inputs: [bool(2, 1), f(2, 3), f(1, 3)] },
  { type: 'MatMul', inputs: [f(2, 5, 3), f(3, 4)] },
  { type: 'MatMul', label: 'batched', inputs: [f(2, 1, 5, 3), f(4, 3, 2)] },
  { type: 'Gemm', inputs: [f(2, 3), f(4, 3), f(4)], attrs: { transB: 1 } },
  { type: 'Gemm', label: 'transA', inputs: [f(3, 2), f(3, 4)], attrs: { transA: 1 } },
  { type: 'Reshape', inputs: [f(2, 3, 4), ints(0, -1)] },
  { type: 'Transpose', inputs: [f(2, 3, 4)], attrs: { perm: [2, 0, 1] } },
  { type: 'Flatten', inputs: [f(2, 3, 4, 5)], attrs: { axis: 2 } },
  { type: 'Concat', inputs: [f(2, 3), f(2, 5)], attrs: { axis: 1 } },
  { type: 'Split', inputs: [f(2, 6), ints(2, 4)], attrs: { axis: 1 }, outputs: 2 },
  { type: 'Slice', inputs: [f(2, 10), ints(1), ints(8), ints(1), ints(3)] },
  { type: 'Slice', label: 'negative', inputs: [f(2, 10), ints(-4), ints(100), ints(-1)] },
  { type: 'Squeeze', inputs: [f(2, 1, 3), ints(1)] },
  { type: 'Unsqueeze', inputs: [f(2, 3), ints(0, 3)] },
  { type: 'Expand', inputs: [f(3, 1), ints(2, 3, 4)] },
  { type: 'Tile', inputs: [f(2, 3), ints(2, 2)] },
  { type: 'Pad', inputs: [f(2, 3), ints(0, 1, 0, 2)] },
  { type: 'Gather', inputs: [f(5, 3), i64(2, 4)], attrs: { axis: 0 } },
  { type: 'ReduceSum', inputs: [f(2, 3, 4), ints(1)], attrs: { keepdims: 0 } },
  { type: 'ReduceMean', inputs: [f(2, 3, 4)], attrs: { axes: [2], keepdims: 1 } },
  { type: 'ReduceMax', inputs: [f(2, 3, 4)], attrs: { axes: [0, 2], keepdims: 0 } },
  { type: 'ReduceMin', inputs: [f(2, 3, 4)], attrs: { axes: [1] } },
  { type: 'ReduceProd', inputs: [f(2, 3)], attrs: { axes: [1] } },
  { type: 'ReduceSumSquare', inputs: [f(2, 3)], attrs: { keepdims: 0 } },
  { type: 'ReduceL2', inputs: [f(2, 3)], attrs: { axes: [-1] } },
  { type: 'ReduceLogSumExp', inputs: [f(2, 3)], attrs: { axes: [1] } },
  { type: 'ArgMax', inputs: [f(2, 3)], attrs: { axis: 1, keepdims: 0 } },
  { type: 'Softmax', inputs: [f(2, 3)], attrs: { axis: -1 } },
  { type: 'LogSoftmax', inputs: [f(2, 3, 4)], attrs: { axis: 1 } },
  { type: 'LayerNormalization', inputs: [f(2, 3, 4), f(4), f(4)], attrs: { axis: -1 }, outputs: 1 },
];

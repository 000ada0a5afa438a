// Elementwise ops: unary activations and broadcasting binary arithmetic.
import type { DType, TensorType } from '../types.ts';
import type { AttrType, OpInferArgs, OpRow } from './op-row.ts';
import { broadcastShapes, fail, input, noFlops, sameAs } from './op-row.ts';
import { numel } from '../types.ts';

function unary(type: string, attrs: Record<string, AttrType> = {}, flopsPerElement = 1): OpRow {
  return {
    type,
    attrs,
    infer: (a) => [sameAs(input(a, 0, type))],
    flops: (_a, out) => flopsPerElement * (out[0] ? numel(out[0].shape) : 0),
  };
}

function binary(type: string, outDtype?: DType): OpRow {
  return {
    type,
    attrs: {},
    infer: (a: OpInferArgs): TensorType[] => {
      const x = input(a, 0, type);
      const y = input(a, 1, type);
      if (x.dtype !== y.dtype) fail(`${type}: element types differ (${x.dtype} vs ${y.dtype})`);
      return [{ shape: broadcastShapes(x.shape, y.shape, type), dtype: outDtype ?? x.dtype }];
    },
  };
}

export const elementwiseOps: readonly OpRow[] = [
  unary('Identity', {}, 0),
  unary('Relu'),
  unary('LeakyRelu', { alpha: 'float' }),
  unary('Elu', { alpha: 'float' }, 4),
  unary('Selu', { alpha: 'float', gamma: 'float' }, 4),
  unary('Celu', { alpha: 'float' }, 4),
  unary('Sigmoid', {}, 4),
  unary('HardSigmoid', { alpha: 'float', beta: 'float' }, 3),
  unary('HardSwish', {}, 4),
  unary('Tanh', {}, 4),
  unary('Softplus', {}, 4),
  unary('Softsign', {}, 3),
  unary('Exp', {}, 4),
  unary('Log', {}, 4),
  unary('Neg'),
  unary('Abs'),
  unary('Sqrt', {}, 2),
  unary('Reciprocal'),
  unary('Erf', {}, 4),
  unary('Sin', {}, 4),
  unary('Cos', {}, 4),
  unary('Floor'),
  unary('Sign'),
  {
    type: 'Cast',
    attrs: { to: 'int' },
    infer: (a) => {
      const to = a.attrs['to'];
      const dtype: DType = to === 7 ? 'int64' : to === 9 ? 'bool' : 'float32';
      return [sameAs(input(a, 0, 'Cast'), dtype)];
    },
    flops: noFlops,
  },
  {
    type: 'Clip',
    attrs: {},
    constantInputs: [1, 2],
    infer: (a) => [sameAs(input(a, 0, 'Clip'))],
  },
  binary('Add'),
  binary('Sub'),
  binary('Mul'),
  binary('Div'),
  binary('Pow'),
  binary('Max'),
  binary('Min'),
  binary('Equal', 'bool'),
  binary('Less', 'bool'),
  binary('Greater', 'bool'),
  {
    type: 'PRelu',
    attrs: {},
    infer: (a) => {
      const x = input(a, 0, 'PRelu');
      const slope = input(a, 1, 'PRelu');
      // ONNX PRelu: slope is unidirectionally broadcastable to X.
      const b = broadcastShapes(x.shape, slope.shape, 'PRelu');
      if (b.length !== x.shape.length || b.some((d, i) => d !== x.shape[i])) {
        fail('PRelu: slope must broadcast to the input shape');
      }
      return [sameAs(x)];
    },
  },
  {
    type: 'Where',
    attrs: {},
    infer: (a) => {
      const c = input(a, 0, 'Where');
      const x = input(a, 1, 'Where');
      const y = input(a, 2, 'Where');
      const s = broadcastShapes(broadcastShapes(c.shape, x.shape, 'Where'), y.shape, 'Where');
      return [{ shape: s, dtype: x.dtype }];
    },
  },
];

// Matrix products.
import type { OpRow } from './op-row.ts';
import { broadcastShapes, fail, input, intAttr } from './op-row.ts';
import { formatShape, numel } from '../types.ts';

export const matmulOps: readonly OpRow[] = [
  {
    type: 'MatMul',
    attrs: {},
    infer: (a) => {
      const x = input(a, 0, 'MatMul');
      const y = input(a, 1, 'MatMul');
      if (x.shape.length < 2 || y.shape.length < 2) fail('MatMul: both inputs need rank ≥ 2 here');
      const k1 = x.shape[x.shape.length - 1];
      const k2 = y.shape[y.shape.length - 2];
      if (k1 !== k2) {
        fail(
          `MatMul: inner dimensions differ: ${formatShape(x.shape)} × ${formatShape(y.shape)} (${k1} vs ${k2})`,
        );
      }
      const batch = broadcastShapes(x.shape.slice(0, -2), y.shape.slice(0, -2), 'MatMul');
      return [
        { shape: [...batch, x.shape[x.shape.length - 2]!, y.shape[y.shape.length - 1]!], dtype: x.dtype },
      ];
    },
    flops: (a, out) => {
      const x = a.inputs[0]!;
      return 2 * numel(out[0]!.shape) * x.shape[x.shape.length - 1]!;
    },
  },
  {
    type: 'Gemm',
    attrs: { alpha: 'float', beta: 'float', transA: 'int', transB: 'int' },
    infer: (a) => {
      const x = input(a, 0, 'Gemm');
      const w = input(a, 1, 'Gemm');
      if (x.shape.length !== 2 || w.shape.length !== 2) fail('Gemm: inputs must be matrices');
      const [m, k1] = intAttr(a.attrs, 'transA', 0) ? [x.shape[1]!, x.shape[0]!] : [x.shape[0]!, x.shape[1]!];
      const [k2, n] = intAttr(a.attrs, 'transB', 0) ? [w.shape[1]!, w.shape[0]!] : [w.shape[0]!, w.shape[1]!];
      if (k1 !== k2) fail(`Gemm: inner dimensions differ (${k1} vs ${k2})`);
      const c = a.inputs[2];
      if (c) broadcastShapes([m, n], c.shape, 'Gemm');
      return [{ shape: [m, n], dtype: x.dtype }];
    },
    flops: (a, out) => {
      const x = a.inputs[0]!;
      const k = intAttr(a.attrs, 'transA', 0) ? x.shape[0]! : x.shape[1]!;
      return 2 * numel(out[0]!.shape) * k;
    },
  },
];

// Gradients of MatMul and Gemm.
import { floatAttr, intAttr } from '../../ir/ops/op-row.ts';
import type { GraphEditor } from '../graph-editor.ts';
import type { GradRow } from '../rule.ts';
import { reshape, scale, sumTo } from '../rule.ts';
import { numel } from '../../ir/types.ts';

/** Swaps the last two axes. */
function transposeLast(g: GraphEditor, x: string): string {
  const r = g.shape(x).length;
  const perm = [...Array(r).keys()];
  perm[r - 1] = r - 2;
  perm[r - 2] = r - 1;
  return g.op1('Transpose', [x], { perm });
}

export const matmulGrads: readonly GradRow[] = [
  {
    // Y = A·B (batched, broadcasting): dA = dY·Bᵀ, dB = Aᵀ·dY, each summed over broadcast batch axes.
    type: 'MatMul',
    grad: (g, op, dy, need) => {
      const d = dy[0];
      if (d === undefined) return [];
      const a = op.inputs[0]!;
      const b = op.inputs[1]!;
      const as = g.shape(a);
      const bs = g.shape(b);
      let da: string | undefined;
      let db: string | undefined;
      if (need[0]) da = sumTo(g, g.op1('MatMul', [d, transposeLast(g, b)]), as);
      if (need[1]) {
        if (bs.length === 2 && as.length > 2) {
          // A weight shared over a batch of rows: fold the batch into one product instead of
          // a batched product summed afterwards.
          const rows = numel(as.slice(0, -1));
          const a2 = reshape(g, a, [rows, as[as.length - 1]!]);
          const d2 = reshape(g, d, [rows, bs[1]!]);
          db = g.op1('Gemm', [a2, d2], { transA: 1 });
        } else {
          db = sumTo(g, g.op1('MatMul', [transposeLast(g, a), d]), bs);
        }
      }
      return [da, db];
    },
  },
  {
    // ONNX Gemm: Y = alpha·A'·B' + beta·C with A' = transA ? Aᵀ : A, B' likewise.
    type: 'Gemm',
    grad: (g, op, dy, need) => {
      const d = dy[0];
      if (d === undefined) return [];
      const alpha = floatAttr(op.attrs, 'alpha', 1);
      const beta = floatAttr(op.attrs, 'beta', 1);
      const ta = intAttr(op.attrs, 'transA', 0);
      const tb = intAttr(op.attrs, 'transB', 0);
      const a = op.inputs[0]!;
      const b = op.inputs[1]!;
      const c = op.inputs[2];
      const withAlpha: Record<string, number> = alpha === 1 ? {} : { alpha };
      let da: string | undefined;
      let db: string | undefined;
      if (need[0]) {
        da = ta
          ? g.op1('Gemm', [b, d], { ...withAlpha, transA: tb, transB: 1 })
          : g.op1('Gemm', [d, b], { ...withAlpha, transB: tb ? 0 : 1 });
      }
      if (need[1]) {
        db = tb
          ? g.op1('Gemm', [d, a], { ...withAlpha, transA: 1, transB: ta })
          : g.op1('Gemm', [a, d], { ...withAlpha, transA: ta ? 0 : 1 });
      }
      const dc = c && need[2] ? sumTo(g, scale(g, d, beta), g.shape(c)) : undefined;
      return [da, db, dc];
    },
  },
];

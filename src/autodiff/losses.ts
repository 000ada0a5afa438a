// Built-in losses composed from primitives, for models that carry no loss layer (an imported
// ONNX file, `netloom step`, a training setup that names a loss kind). Means are over the batch,
// as torch's reduction='mean'.
import type { GraphEditor } from './graph-editor.ts';
import { NetloomError } from '../util/errors.ts';
import { mul } from './rule.ts';

export const lossKinds = ['mse', 'cross-entropy', 'bce', 'bce-logits', 'l1'] as const;
export type LossKind = (typeof lossKinds)[number];

/** The target each loss expects for a prediction of shape `pred`. */
export function targetType(
  kind: LossKind,
  pred: readonly number[],
): { shape: number[]; dtype: 'float32' | 'int64' } {
  if (kind === 'cross-entropy') return { shape: [pred[0]!, ...pred.slice(2)], dtype: 'int64' };
  return { shape: [...pred], dtype: 'float32' };
}

/**
 * Appends `kind`(prediction, target) and returns the scalar loss. Cross-entropy takes logits
 * [N, C, …] and class indices [N, …] (torch.nn.CrossEntropyLoss); bce takes probabilities and
 * clamps the logs at −100 as torch.nn.BCELoss does.
 */
export function appendLoss(g: GraphEditor, kind: LossKind, pred: string, target: string): string {
  const ps = g.shape(pred);
  const mean = (v: string): string => g.op1('ReduceMean', [v], { keepdims: 0 });
  switch (kind) {
    case 'mse': {
      const d = g.op1('Sub', [pred, target]);
      return mean(mul(g, d, d));
    }
    case 'l1':
      return mean(g.op1('Abs', [g.op1('Sub', [pred, target])]));
    case 'bce': {
      const logp = g.op1('Max', [g.op1('Log', [pred]), g.scalar(-100)]);
      const log1mp = g.op1('Max', [g.op1('Log', [g.op1('Sub', [g.scalar(1), pred])]), g.scalar(-100)]);
      const t1 = mul(g, target, logp);
      const t0 = mul(g, g.op1('Sub', [g.scalar(1), target]), log1mp);
      return g.op1('Neg', [mean(g.op1('Add', [t1, t0]))]);
    }
    case 'bce-logits': {
      // max(x, 0) − x·t + log(1 + e^(−|x|)): stable for large |x|.
      const relu = g.op1('Relu', [pred]);
      const soft = g.op1('Softplus', [g.op1('Neg', [g.op1('Abs', [pred])])]);
      return mean(g.op1('Add', [g.op1('Sub', [relu, mul(g, pred, target)]), soft]));
    }
    case 'cross-entropy': {
      if (ps.length < 2) {
        throw new NetloomError(
          'bad-argument',
          `cross-entropy needs logits [N, C, …]; the output is [${ps.join(', ')}]`,
        );
      }
      const c = ps[1]!;
      const logp = g.op1('LogSoftmax', [pred], { axis: 1 });
      const classes = g.constant(
        BigInt64Array.from({ length: c }, (_, i) => BigInt(i)),
        [c, ...ps.slice(2).map(() => 1)],
        'classes',
      );
      // One-hot of the target along axis 1: [N, 1, …] == [C, 1, …] → [N, C, …].
      const onehot = g.op1('Cast', [g.op1('Equal', [g.op1('Unsqueeze', [target, g.ints([1])]), classes])], {
        to: 1,
      });
      const picked = g.op1('ReduceSum', [mul(g, logp, onehot), g.ints([1])], { keepdims: 0 });
      return g.op1('Neg', [mean(picked)]);
    }
  }
}

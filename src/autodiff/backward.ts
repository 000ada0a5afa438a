// Reverse-mode differentiation over the IR: walks the ops between the parameters and the loss
// backwards, applying each op's gradient rule and summing gradients where a value fans out.
import type { Op } from '../ir/types.ts';
import type { GraphEditor } from './graph-editor.ts';
import { gradRow, independentOfInputValues, nonDifferentiableReason } from './grad-rules.ts';
import { GradError, sameShape, sumTo } from './rule.ts';
import { numel } from '../ir/types.ts';

export interface BackwardOptions {
  /** The gradient fed into the loss; defaults to ones (d loss / d loss). */
  readonly seed?: string;
}

/**
 * Appends the backward pass of `loss` to the graph; returns the gradient value of each of `wrt`
 * that the loss depends on (absent where it does not, like a parameter the loss never reads).
 */
export function backward(
  g: GraphEditor,
  loss: string,
  wrt: readonly string[],
  opts: BackwardOptions = {},
): Map<string, string> {
  const isFloat = (v: string): boolean => v !== '' && g.type(v).dtype === 'float32';
  const depends = new Set(wrt.filter(isFloat));
  for (const op of g.ops) {
    if (independentOfInputValues.has(op.type)) continue;
    if (op.inputs.some((i) => depends.has(i))) for (const o of op.outputs) if (isFloat(o)) depends.add(o);
  }
  const needed = new Set([loss]);
  const path: Op[] = [];
  for (let k = g.ops.length - 1; k >= 0; k--) {
    const op = g.ops[k]!;
    if (!op.outputs.some((o) => needed.has(o) && depends.has(o))) continue;
    path.push(op);
    for (const i of op.inputs) if (i !== '') needed.add(i);
  }

  const pending = new Map<string, string[]>();
  const add = (v: string, grad: string): void => {
    const list = pending.get(v);
    if (list) list.push(grad);
    else pending.set(v, [grad]);
  };
  const total = (v: string): string | undefined => {
    const list = pending.get(v);
    if (!list || list.length === 0) return undefined;
    let s = list[0]!;
    for (let i = 1; i < list.length; i++) s = g.op1('Add', [s, list[i]!]);
    pending.set(v, [s]);
    return s;
  };

  const ls = g.shape(loss);
  add(loss, opts.seed ?? g.constant(new Float32Array(numel(ls)).fill(1), ls, 'dloss'));

  for (let k = 0; k < path.length; k++) {
    let op = path[k]!;
    const prepared = gradRow(op.type)?.prepare?.(g, op);
    if (prepared) {
      g.ops[g.ops.indexOf(op)] = prepared;
      op = prepared;
    }
    const dy = op.outputs.map((o) => (depends.has(o) ? total(o) : undefined));
    if (dy.every((d) => d === undefined)) continue;
    const row = gradRow(op.type);
    if (!row) {
      const why = nonDifferentiableReason(op.type);
      throw new GradError(op, why ? `no gradient flows through it (${why})` : 'has no gradient rule');
    }
    const need = op.inputs.map((i) => depends.has(i));
    const prev = g.node;
    g.node = op.node;
    const dx = row.grad(g, op, dy, need);
    g.node = prev;
    op.inputs.forEach((i, k) => {
      const d = dx[k];
      if (d === undefined || !need[k]) return;
      const want = g.shape(i);
      // Rules return the input's shape; a broadcast that slipped through is summed back here.
      add(i, sameShape(g.shape(d), want) ? d : sumTo(g, d, want));
    });
  }

  const out = new Map<string, string>();
  for (const w of wrt) {
    const d = total(w);
    if (d !== undefined) out.set(w, d);
  }
  return out;
}

// torch.nn.MultiheadAttention as torch.onnx.export writes its self-attention (query, key and value
// the same tensor, no mask, with biases): with batch_first=True the input transposed to [L, N, E]
// (torch's default, batch_first=False, reads [L, N, E] as it is), one MatMul by the packed
// in-projection plus its bias, three Slices into q, k, v, each reshaped to [L, N·H, d] and
// transposed to heads first, q divided by √d, q·kᵀ, Softmax, ·v, back to [L·N, E], the
// out-projection Gemm, back to [L, N, E] (and to [N, L, E] when batch first). Folded into one
// MultiHeadAttention layer only when every op is there and reads nothing else; the batch-first
// layer then runs at any batch, where the file's Reshapes spelled out the batch it was exported
// at. In torch's default layout the layer sits between two Transpose op nodes swapping L and N.
import type { Op } from '../ir/types.ts';
import { constInts, numel } from '../ir/types.ts';
import type { FoldContext } from './fold-patterns.ts';

const samePerm = (op: Op | undefined, perm: readonly number[]): boolean => {
  const p = op?.type === 'Transpose' ? op.attrs['perm'] : undefined;
  return Array.isArray(p) && p.length === perm.length && p.every((v, i) => Number(v) === perm[i]);
};

const onlyAttrs = (op: Op, names: readonly string[]): boolean =>
  Object.keys(op.attrs).every((k) => names.includes(k));

function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = data[r * cols + k]!;
  return out;
}

/** A Slice of the last axis with constant bounds and no step: [start, end). */
function lastAxisSlice(c: FoldContext, op: Op, rank: number): [number, number] | undefined {
  if (op.type !== 'Slice' || op.inputs.length > 5) return undefined;
  const [, s, e, axes, steps] = op.inputs;
  const start = c.constant(s);
  const end = c.constant(e);
  const ax = axes ? c.constant(axes) : undefined;
  if (!start || !end || numel(start.shape) !== 1 || numel(end.shape) !== 1) return undefined;
  if (axes && (!ax || numel(ax.shape) !== 1)) return undefined;
  const axis = ax ? constInts(ax)[0]! : 0;
  if (axis !== -1 && axis !== rank - 1) return undefined;
  if (steps && (!c.constant(steps) || constInts(c.constant(steps)!)[0] !== 1)) return undefined;
  return [constInts(start)[0]!, constInts(end)[0]!];
}

/** Reshape(v, const) read by one op: the target shape and the reader. */
function reshapeTo(c: FoldContext, v: string): { op: Op; to: number[]; next: Op } | undefined {
  const op = c.sole(v);
  if (op?.type !== 'Reshape' || !onlyAttrs(op, ['allowzero'])) return undefined;
  const t = c.constant(op.inputs[1]);
  const next = t ? c.sole(op.outputs[0]!) : undefined;
  return next ? { op, to: constInts(t!), next } : undefined;
}

/** Reshape(v, const) whose output is read by anything (the pattern's last op). */
function reshapeOut(c: FoldContext, v: string): { op: Op; to: number[]; next: undefined } | undefined {
  const op = c.sole(v);
  if (op?.type !== 'Reshape' || !onlyAttrs(op, ['allowzero'])) return undefined;
  const t = c.constant(op.inputs[1]);
  return t ? { op, to: constInts(t), next: undefined } : undefined;
}

export function foldSelfAttention(c: FoldContext, op: Op): readonly Op[] | undefined {
  // batch_first=True starts with the Transpose to [L, N, E]; torch's default (batch_first=False)
  // reads [L, N, E] as it is and starts with the in-projection's MatMul.
  const batchFirst = samePerm(op, [1, 0, 2]);
  if (!batchFirst && op.type !== 'MatMul') return undefined;
  const x = op.inputs[0]!;
  if (c.isWeight(x) || c.constant(x) || c.shape(x).length !== 3) return undefined;
  const e = c.shape(x)[2]!;
  // In-projection: x·W + b, W the packed [E, 3E] (torch's in_proj_weight transposed).
  const mm = batchFirst ? c.sole(op.outputs[0]!) : op;
  const inL = batchFirst ? op.outputs[0] : x;
  const w = mm?.type === 'MatMul' && mm.inputs[0] === inL ? mm.inputs[1] : undefined;
  if (!mm || !c.isWeight(w) || c.shape(w).join() !== `${e},${3 * e}`) return undefined;
  const add = c.sole(mm.outputs[0]!);
  const b = add?.type === 'Add' ? add.inputs.find((v) => v !== mm.outputs[0]) : undefined;
  if (!add || !c.isWeight(b) || c.shape(b).join() !== `${3 * e}`) return undefined;
  const qkv = add.outputs[0]!;
  const slices = c.graph.ops.filter((o) => o.inputs.includes(qkv));
  if (slices.length !== 3 || c.graph.outputs.some((o) => o.value === qkv)) return undefined;
  const bounds = slices.map((s) => lastAxisSlice(c, s, 3));
  const part = (k: number): Op | undefined =>
    slices[bounds.findIndex((r) => r?.[0] === k * e && r[1] === (k + 1) * e)];
  const [sq, sk, sv] = [part(0), part(1), part(2)];
  if (!sq || !sk || !sv) return undefined;
  // Heads: each of q, k, v to [L, N·H, d], then heads first.
  const rq = reshapeTo(c, sq.outputs[0]!);
  const rk = reshapeTo(c, sk.outputs[0]!);
  const rv = reshapeTo(c, sv.outputs[0]!);
  if (!rq || !rk || !rv || !samePerm(rq.next, [1, 0, 2]) || !samePerm(rk.next, [1, 2, 0])) return undefined;
  if (!samePerm(rv.next, [1, 0, 2])) return undefined;
  const d = rq.to[2]!;
  if (
    rq.to.length !== 3 ||
    d <= 0 ||
    e % d !== 0 ||
    rk.to.join() !== rq.to.join() ||
    rv.to.join() !== rq.to.join()
  ) {
    return undefined;
  }
  const heads = e / d;
  // Scores: (q / √d)·kᵀ, Softmax over keys, ·v.
  const div = c.sole(rq.next.outputs[0]!);
  const scale =
    div?.type === 'Div' && div.inputs[0] === rq.next.outputs[0] ? c.constant(div.inputs[1]) : undefined;
  const s = scale && numel(scale.shape) === 1 ? Number(scale.data[0]) : undefined;
  if (!div || s === undefined || Math.abs(s - Math.sqrt(d)) > 1e-5 * Math.sqrt(d)) return undefined;
  const scores = c.sole(div.outputs[0]!);
  if (
    scores?.type !== 'MatMul' ||
    scores.inputs[0] !== div.outputs[0] ||
    scores.inputs[1] !== rk.next.outputs[0]
  ) {
    return undefined;
  }
  if (c.sole(rk.next.outputs[0]!) !== scores) return undefined;
  const softmax = c.sole(scores.outputs[0]!);
  if (softmax?.type !== 'Softmax' || Number(softmax.attrs['axis'] ?? -1) !== -1) return undefined;
  const mix = c.sole(softmax.outputs[0]!);
  if (
    mix?.type !== 'MatMul' ||
    mix.inputs[0] !== softmax.outputs[0] ||
    mix.inputs[1] !== rv.next.outputs[0]
  ) {
    return undefined;
  }
  if (c.sole(rv.next.outputs[0]!) !== mix) return undefined;
  // Heads back together, the out-projection, batch first again.
  const back = c.sole(mix.outputs[0]!);
  if (!samePerm(back, [1, 0, 2])) return undefined;
  const merged = reshapeTo(c, back!.outputs[0]!);
  const gemm = merged?.next;
  if (!merged || merged.to.length !== 2 || merged.to[1] !== e || gemm?.type !== 'Gemm') return undefined;
  const [gx, ow, ob] = gemm.inputs;
  if (gx !== merged.op.outputs[0] || !c.isWeight(ow) || !c.isWeight(ob)) return undefined;
  if (c.shape(ow).join() !== `${e},${e}` || c.shape(ob).join() !== `${e}`) return undefined;
  const attr = (k: string, v: number) => Number(gemm.attrs[k] ?? v);
  if (attr('alpha', 1) !== 1 || attr('beta', 1) !== 1 || attr('transA', 0) !== 0 || attr('transB', 0) !== 1) {
    return undefined;
  }
  // Back to [L, N, E]: the output when batch_first=False, one more Transpose to [N, L, E] when True.
  const unmerged = batchFirst ? reshapeTo(c, gemm.outputs[0]!) : reshapeOut(c, gemm.outputs[0]!);
  if (!unmerged || unmerged.to.length !== 3 || unmerged.to[2] !== e) return undefined;
  const xs = c.shape(x);
  // Import writes the file's batch (here L, the leading axis) in a Reshape target as 0 (copy).
  const heads0 = rq.to[0] === 0 || rq.to[0] === xs[0];
  if (
    !batchFirst &&
    (c.shape(unmerged.op.outputs[0]!).join() !== xs.join() || !heads0 || rq.to[1] !== xs[1]! * heads)
  ) {
    return undefined;
  }
  if (batchFirst && !samePerm(unmerged.next, [1, 0, 2])) return undefined;
  const ops = [mm, add, sq, sk, sv, rq.op, rk.op, rv.op, rq.next, rk.next, rv.next, div, scores, softmax];
  ops.push(mix, back!, merged.op, gemm, unmerged.op);
  if (batchFirst) ops.unshift(op);
  if (batchFirst) ops.push(unmerged.next!);
  if (ops.some((o) => c.placed(o))) return undefined;
  if (batchFirst && c.sole(op.outputs[0]!) !== mm) return undefined;
  const last = ops.at(-1)!;

  const id = c.idFor(op, [b, ow], ops);
  // Netloom's layer is batch first: with torch's default layout it sits between two Transposes
  // (ONNX op nodes) that swap the sequence and batch axes, exactly what torch's graph does inside.
  const swap = (from: string, to: string, name: string): void =>
    c.genericNode({
      id: `${op.id}:${name}`,
      type: 'Transpose',
      inputs: [from],
      outputs: [to],
      attrs: { perm: [1, 0, 2] },
      node: op.node.replace(/[^/]*$/, name),
    });
  const inner = `${last.outputs[0]!}:batch_first`;
  const innerOut = `${last.outputs[0]!}:batch_first_out`;
  if (!batchFirst) swap(x, inner, 'to_batch_first');
  c.add(id, 'MultiHeadAttention', {
    embedDim: e,
    numHeads: heads,
    bias: true,
    causal: false,
    dropout: 0,
    needWeights: false,
  });
  c.wire(batchFirst ? x : inner, id, 'q');
  c.setWeight(id, 'in_proj_weight', transposed(c.value(w), e, 3 * e));
  c.setWeight(id, 'in_proj_bias', c.value(b));
  c.setWeight(id, 'out_proj.weight', c.value(ow));
  c.setWeight(id, 'out_proj.bias', c.value(ob!));
  if (batchFirst) c.output(last.outputs[0]!, id);
  else {
    c.output(innerOut, id);
    swap(innerOut, last.outputs[0]!, 'to_sequence_first');
  }
  return ops;
}

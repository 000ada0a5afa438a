// The fused ONNX recurrent ops (RNN, GRU, LSTM) of an imported model, unrolled into primitives
// before the backward pass, so `netloom step` and the Train panel differentiate them. The cell
// arithmetic is the one the recurrent layers train with (src/ir/recurrent-unroll.ts), read with
// ONNX's gate order, sequence-first layout and initial states.
import type { Graph, Op } from '../ir/types.ts';
import type { OpEmitter, RecurrentCell } from '../ir/recurrent-unroll.ts';
import { recurrentGates, unrollDirection } from '../ir/recurrent-unroll.ts';
import { intAttr, stringAttr } from '../ir/ops/op-row.ts';
import { constInts } from '../ir/types.ts';
import { GraphEditor } from './graph-editor.ts';

const cells = new Set(['RNN', 'GRU', 'LSTM']);

/** Why an op cannot be unrolled (the fused op then stays, inference-only), or undefined. */
export function whyNotUnrolled(g: Graph, op: Op): string | undefined {
  const cell = op.type as RecurrentCell;
  if (op.attrs['clip'] !== undefined) return 'it clips its cell state';
  if (op.attrs['activation_alpha'] !== undefined || op.attrs['activation_beta'] !== undefined) {
    return 'its activations take parameters';
  }
  const acts = op.attrs['activations'];
  if (acts !== undefined) {
    const list = acts as readonly string[];
    const per =
      cell === 'LSTM' ? ['Sigmoid', 'Tanh', 'Tanh'] : cell === 'GRU' ? ['Sigmoid', 'Tanh'] : undefined;
    const ok = per
      ? list.every((a, i) => a === per[i % per.length])
      : list.every((a) => a === 'Tanh' || a === 'Relu');
    if (!ok) return `it uses the activations ${list.join(', ')}`;
  }
  if (cell === 'LSTM' && intAttr(op.attrs, 'input_forget', 0) !== 0)
    return 'it couples the input and forget gates';
  if (cell === 'LSTM' && (op.inputs[7] ?? '') !== '') return 'it has peephole weights';
  const lens = op.inputs[4] ?? '';
  if (lens !== '') {
    const c = g.constants.get(lens);
    const L = g.values.get(op.inputs[0]!)!.shape[0]!;
    if (!c || constInts(c).some((v) => v !== L)) return 'its sequences have different lengths';
  }
  return undefined;
}

function emitter(g: GraphEditor): OpEmitter {
  return {
    op: (type, inputs, attrs) => g.op1(type, inputs, attrs),
    opN: (type, inputs, attrs, n) => g.op(type, inputs, attrs, n),
    ints: (values) => g.ints(values),
    shape: (v) => g.shape(v),
  };
}

/** Direction d's slice of a [D, …] tensor, without its leading axis. */
function direction(e: OpEmitter, v: string, d: number, dirs: number): string {
  const part =
    dirs === 1 ? v : e.opN('Split', [v, e.ints(new Array<number>(dirs).fill(1))], { axis: 0 }, dirs)[d]!;
  return e.op('Squeeze', [part, e.ints([0])]);
}

/** The op's outputs computed by unrolled primitives: Y [L, D, N, H], Y_h and Y_c [D, N, H]. */
function unrollOp(g: GraphEditor, op: Op): string[] {
  const e = emitter(g);
  const cell = op.type as RecurrentCell;
  const [x, W, R, B, , h0, c0] = op.inputs;
  const H = intAttr(op.attrs, 'hidden_size', 0);
  const dir = stringAttr(op.attrs, 'direction', 'forward');
  const D = dir === 'bidirectional' ? 2 : 1;
  const G = recurrentGates[cell];
  const acts = op.attrs['activations'] as readonly string[] | undefined;
  const given = (v: string | undefined): v is string => v !== undefined && v !== '';
  const runs = Array.from({ length: D }, (_, d) => {
    const bias = given(B) ? direction(e, B, d, D) : undefined;
    const [bih, bhh] = bias ? e.opN('Split', [bias, e.ints([G * H, G * H])], { axis: 0 }, 2) : [];
    return unrollDirection(
      e,
      x!,
      { wih: direction(e, W!, d, D), whh: direction(e, R!, d, D), bih, bhh },
      {
        cell,
        hidden: H,
        order: 'onnx',
        timeAxis: 0,
        reverse: dir === 'reverse' || d === 1,
        activation: cell === 'RNN' && acts?.[d] === 'Relu' ? 'Relu' : 'Tanh',
        linearBeforeReset: intAttr(op.attrs, 'linear_before_reset', 0) === 1,
        h0: given(h0) ? direction(e, h0, d, D) : undefined,
        c0: given(c0) ? direction(e, c0, d, D) : undefined,
      },
    );
  });
  const stack = (vs: readonly string[], axis = 0): string => {
    const u = vs.map((v) => e.op('Unsqueeze', [v, e.ints([axis])]));
    return u.length === 1 ? u[0]! : e.op('Concat', u, { axis });
  };
  const L = runs[0]!.hs.length;
  const y = stack(Array.from({ length: L }, (_, t) => stack(runs.map((r) => r.hs[t]!))));
  const yh = stack(runs.map((r) => r.h));
  const yc = cell === 'LSTM' ? stack(runs.map((r) => r.c!)) : undefined;
  return [y, yh, ...(yc ? [yc] : [])];
}

/**
 * The graph with every fused recurrent op that can be unrolled replaced by primitives computing
 * the same outputs (kept under the same value ids, so the rest of the graph reads them as before).
 * Returns the graph itself when it has none.
 */
export function unrollFusedRecurrent<G extends Graph>(fw: G): G {
  if (!fw.ops.some((op) => cells.has(op.type) && !whyNotUnrolled(fw, op))) return fw;
  const g = new GraphEditor({ ...fw, ops: [] }, 'unrolled');
  for (const op of fw.ops) {
    if (!cells.has(op.type) || whyNotUnrolled(fw, op)) {
      g.ops.push(op);
      continue;
    }
    g.node = op.node;
    const outs = unrollOp(g, op);
    op.outputs.forEach((o, i) => {
      if (o === '' || !outs[i]) return;
      g.ops.push({
        id: `${op.id}::unrolled${i}`,
        type: 'Identity',
        inputs: [outs[i]],
        outputs: [o],
        attrs: {},
        node: op.node,
      });
    });
  }
  return { ...fw, ...g.build() };
}

// One direction of an RNN, LSTM or GRU over a sequence of fixed length, unrolled into primitive
// ops the autodiff differentiates. The recurrent layers use it in training mode (torch's gate
// order, batch first, zero initial state); the step graph uses it for the fused ONNX ops an
// imported model holds (ONNX's gate order, sequence first, any initial state), so both train the
// same arithmetic.
import type { Attrs, Shape } from './types.ts';

/** Adds ops: a layer's LayerContext or the autodiff's GraphEditor, adapted. */
export interface OpEmitter {
  op(type: string, inputs: readonly string[], attrs?: Attrs): string;
  opN(type: string, inputs: readonly string[], attrs: Attrs, outputs: number): string[];
  ints(values: readonly number[]): string;
  shape(v: string): Shape;
}

export type RecurrentCell = 'RNN' | 'GRU' | 'LSTM';

/** Gates per cell: the rows of W and R are gates × hidden size. */
export const recurrentGates: Readonly<Record<RecurrentCell, number>> = { RNN: 1, GRU: 3, LSTM: 4 };

/**
 * Where each gate's block sits: torch packs LSTM gates as i, f, g, o and GRU gates as r, z, n;
 * ONNX as i, o, f, c and z, r, h.
 */
export type GateOrder = 'torch' | 'onnx';

const lstmGates: Record<GateOrder, { i: number; f: number; g: number; o: number }> = {
  torch: { i: 0, f: 1, g: 2, o: 3 },
  onnx: { i: 0, o: 1, f: 2, g: 3 },
};
const gruGates: Record<GateOrder, { r: number; z: number; n: number }> = {
  torch: { r: 0, z: 1, n: 2 },
  onnx: { z: 0, r: 1, n: 2 },
};

/** One direction's weights: W_ih [G·H, in], W_hh [G·H, H], biases [G·H]. */
export interface DirectionWeights {
  readonly wih: string;
  readonly whh: string;
  readonly bih?: string | undefined;
  readonly bhh?: string | undefined;
}

export interface UnrollOptions {
  readonly cell: RecurrentCell;
  readonly hidden: number;
  readonly order: GateOrder;
  /** The sequence axis of the input: 1 for [N, L, F] (batch first), 0 for [L, N, F]. */
  readonly timeAxis: 0 | 1;
  readonly reverse: boolean;
  /** RNN: the nonlinearity. */
  readonly activation?: 'Tanh' | 'Relu';
  /** GRU: apply the reset gate after the recurrent product (torch, ONNX linear_before_reset=1). */
  readonly linearBeforeReset?: boolean;
  /** Initial states [N, H]; zero when absent. */
  readonly h0?: string | undefined;
  readonly c0?: string | undefined;
}

export interface Unrolled {
  /** h_t for t = 0 … L−1 (in time order, whichever way the direction runs), each [N, H]. */
  readonly hs: readonly string[];
  /** The state after the last step the direction takes. */
  readonly h: string;
  readonly c: string | undefined;
}

function split(e: OpEmitter, v: string, parts: number, size: number, axis: number): string[] {
  if (parts === 1) return [v];
  return e.opN('Split', [v, e.ints(new Array<number>(parts).fill(size))], { axis }, parts);
}

const add = (e: OpEmitter, a: string, b: string | undefined): string => (b ? e.op('Add', [a, b]) : a);

export function unrollDirection(e: OpEmitter, seq: string, w: DirectionWeights, o: UnrollOptions): Unrolled {
  const H = o.hidden;
  const L = e.shape(seq)[o.timeAxis]!;
  // The input projections of every step in one product: [·, ·, in]·[in, G·H].
  const xp = add(e, e.op('MatMul', [seq, e.op('Transpose', [w.wih], { perm: [1, 0] })]), w.bih);
  const steps = split(e, xp, L, 1, o.timeAxis).map((s) => e.op('Squeeze', [s, e.ints([o.timeAxis])]));
  const whhT = e.op('Transpose', [w.whh], { perm: [1, 0] });
  const sigmoid = (v: string): string => e.op('Sigmoid', [v]);
  const tanh = (v: string): string => e.op('Tanh', [v]);
  const lbr = o.linearBeforeReset ?? true;
  // ONNX GRU with linear_before_reset = 0 multiplies r ⊙ h by the candidate's block of R.
  const whnT = o.cell === 'GRU' && !lbr ? split(e, whhT, 3, H, 1)[gruGates[o.order].n]! : undefined;
  const bhn = o.cell === 'GRU' && !lbr && w.bhh ? split(e, w.bhh, 3, H, 0)[gruGates[o.order].n] : undefined;
  const hs = new Array<string>(L);
  let h = o.h0;
  let c = o.c0;
  for (let k = 0; k < L; k++) {
    const t = o.reverse ? L - 1 - k : k;
    const xt = steps[t]!;
    // With a zero initial state the first step has no recurrent product (and no batch of zeros).
    const hh = h ? add(e, e.op('MatMul', [h, whhT]), w.bhh) : w.bhh;
    if (o.cell === 'RNN') {
      h = e.op(o.activation === 'Relu' ? 'Relu' : 'Tanh', [add(e, xt, hh)]);
    } else if (o.cell === 'LSTM') {
      const gi = lstmGates[o.order];
      const parts = split(e, add(e, xt, hh), 4, H, 1);
      const ig = e.op('Mul', [sigmoid(parts[gi.i]!), tanh(parts[gi.g]!)]);
      c = c ? e.op('Add', [e.op('Mul', [sigmoid(parts[gi.f]!), c]), ig]) : ig;
      h = e.op('Mul', [sigmoid(parts[gi.o]!), tanh(c)]);
    } else {
      const gi = gruGates[o.order];
      const xs = split(e, xt, 3, H, 1);
      const hx = hh ? split(e, hh, 3, H, e.shape(hh).length - 1) : undefined;
      const r = sigmoid(add(e, xs[gi.r]!, hx?.[gi.r]));
      const z = sigmoid(add(e, xs[gi.z]!, hx?.[gi.z]));
      let cand: string | undefined;
      if (lbr) cand = hx ? e.op('Mul', [r, hx[gi.n]!]) : undefined;
      else if (h) cand = add(e, e.op('MatMul', [e.op('Mul', [r, h]), whnT!]), bhn);
      else cand = bhn;
      const n = tanh(add(e, xs[gi.n]!, cand));
      // h' = (1 − z) ⊙ n + z ⊙ h = n + z ⊙ (h − n); with h = 0: n − z ⊙ n.
      const keep = h ? e.op('Sub', [h, n]) : e.op('Neg', [n]);
      h = e.op('Add', [n, e.op('Mul', [z, keep])]);
    }
    hs[t] = h;
  }
  return { hs, h: h!, c };
}

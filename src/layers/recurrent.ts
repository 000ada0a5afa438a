// Recurrent layers: RNN, LSTM, GRU, batch first ([N, L, F]) as torch.nn's with batch_first=True,
// with torch's weight names, layout, gate order and initialisation, so a state_dict maps 1:1.
// Inference lowers to the fused ONNX ops (what other tools read); training unrolls over the fixed
// sequence length into primitives the autodiff differentiates. Tests hold both to torch.
import { z } from 'zod';
import type { AnyLayerDef, LayerContext } from './layer-def.ts';
import { defineLayer, expectDType, req } from './layer-def.ts';
import { bool, choice, fanInUniform, int } from './params.ts';
import { formatShape } from '../ir/types.ts';
import type { OpEmitter } from '../ir/recurrent-unroll.ts';
import { unrollDirection } from '../ir/recurrent-unroll.ts';

type Cell = 'RNN' | 'GRU' | 'LSTM';

const gates: Record<Cell, number> = { RNN: 1, GRU: 3, LSTM: 4 };

interface RecurrentParams {
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  bias: boolean;
  returnSequences: boolean;
  nonlinearity?: 'tanh' | 'relu';
}

interface DirectionWeights {
  readonly wih: string;
  readonly whh: string;
  readonly bih?: string;
  readonly bhh?: string;
}

/** torch's parameters in state_dict order: per layer, forward then reverse; ih, hh, then biases. */
function weights(ctx: LayerContext, cell: Cell, p: RecurrentParams, features: number): DirectionWeights[][] {
  const g = gates[cell] * p.hiddenSize;
  const init = fanInUniform(p.hiddenSize);
  const dirs = p.bidirectional ? 2 : 1;
  return Array.from({ length: p.numLayers }, (_, k) => {
    const inF = k === 0 ? features : dirs * p.hiddenSize;
    return Array.from({ length: dirs }, (_, d) => {
      const s = `_l${k}${d === 1 ? '_reverse' : ''}`;
      const wih = ctx.weight(`weight_ih${s}`, [g, inF], init);
      const whh = ctx.weight(`weight_hh${s}`, [g, p.hiddenSize], init);
      if (!p.bias) return { wih, whh };
      return {
        wih,
        whh,
        bih: ctx.weight(`bias_ih${s}`, [g], init),
        bhh: ctx.weight(`bias_hh${s}`, [g], init),
      };
    });
  });
}

function split(ctx: LayerContext, v: string, parts: number, size: number, axis: number): string[] {
  if (parts === 1) return [v];
  return ctx.opN('Split', [v, ctx.constInt(new Array<number>(parts).fill(size))], { axis }, parts);
}

/** The lowering's context as the shared unroll's op emitter. */
function emitter(ctx: LayerContext): OpEmitter {
  return {
    op: (type, inputs, attrs) => ctx.op(type, inputs, attrs),
    opN: (type, inputs, attrs, n) => ctx.opN(type, inputs, attrs, n),
    ints: (values) => ctx.constInt(values),
    shape: (v) => ctx.shape(v),
  };
}

/** One direction of one layer over the whole sequence, unrolled; returns h_t for t = 0…L-1. */
function unrollLayerDirection(
  ctx: LayerContext,
  cell: Cell,
  p: RecurrentParams,
  seq: string,
  w: DirectionWeights,
  reverse: boolean,
): readonly string[] {
  return unrollDirection(emitter(ctx), seq, w, {
    cell,
    hidden: p.hiddenSize,
    order: 'torch',
    timeAxis: 1,
    reverse,
    activation: p.nonlinearity === 'relu' ? 'Relu' : 'Tanh',
  }).hs;
}

function lowerUnrolled(
  ctx: LayerContext,
  cell: Cell,
  p: RecurrentParams,
  x: string,
  w: DirectionWeights[][],
) {
  let seq = x;
  let finals: string[] = [];
  for (let k = 0; k < p.numLayers; k++) {
    const dirs = w[k]!.map((dw, d) => unrollLayerDirection(ctx, cell, p, seq, dw, d === 1));
    // torch's h_n: the forward direction's last step, the reverse direction's first.
    finals = dirs.map((hs, d) => (d === 0 ? hs.at(-1)! : hs[0]!));
    const last = k === p.numLayers - 1;
    if (last && !p.returnSequences) break;
    const L = dirs[0]!.length;
    const perStep = Array.from({ length: L }, (_, t) => {
      const both =
        dirs.length === 2 ? ctx.op('Concat', [dirs[0]![t]!, dirs[1]![t]!], { axis: 1 }) : dirs[0]![t]!;
      return ctx.op('Unsqueeze', [both, ctx.constInt([1])]);
    });
    seq = L === 1 ? perStep[0]! : ctx.op('Concat', perStep, { axis: 1 });
  }
  if (p.returnSequences) return seq;
  return finals.length === 2 ? ctx.op('Concat', finals, { axis: 1 }) : finals[0]!;
}

/**
 * torch's gate blocks reordered for ONNX (LSTM: ifgo → iofc; GRU: rzn → zrh), directions
 * stacked: W, R → [D, G·H, ·]; B → [D, 2·G·H] (input biases, then recurrent).
 */
function onnxWeights(ctx: LayerContext, cell: Cell, p: RecurrentParams, dirs: DirectionWeights[]) {
  const H = p.hiddenSize;
  const order = cell === 'LSTM' ? [0, 3, 1, 2] : cell === 'GRU' ? [1, 0, 2] : [0];
  const reorder = (v: string) => {
    if (order.length === 1) return v;
    const parts = split(ctx, v, order.length, H, 0);
    return ctx.op(
      'Concat',
      order.map((i) => parts[i]!),
      { axis: 0 },
    );
  };
  const stack = (vs: string[]) => {
    const u = vs.map((v) => ctx.op('Unsqueeze', [v, ctx.constInt([0])]));
    return u.length === 1 ? u[0]! : ctx.op('Concat', u, { axis: 0 });
  };
  const W = stack(dirs.map((d) => reorder(d.wih)));
  const R = stack(dirs.map((d) => reorder(d.whh)));
  const B = p.bias
    ? stack(dirs.map((d) => ctx.op('Concat', [reorder(d.bih!), reorder(d.bhh!)], { axis: 0 })))
    : undefined;
  return { W, R, B };
}

function lowerFused(ctx: LayerContext, cell: Cell, p: RecurrentParams, x: string, w: DirectionWeights[][]) {
  const H = p.hiddenSize;
  const D = p.bidirectional ? 2 : 1;
  // ONNX's default layout is sequence first; transpose around the op rather than rely on `layout`.
  let seq = ctx.op('Transpose', [x], { perm: [1, 0, 2] });
  let yh = '';
  for (let k = 0; k < p.numLayers; k++) {
    const { W, R, B } = onnxWeights(ctx, cell, p, w[k]!);
    const attrs: Record<string, unknown> = {
      hidden_size: H,
      direction: p.bidirectional ? 'bidirectional' : 'forward',
    };
    if (cell === 'GRU') attrs['linear_before_reset'] = 1;
    if (cell === 'RNN')
      attrs['activations'] = new Array<string>(D).fill(p.nonlinearity === 'relu' ? 'Relu' : 'Tanh');
    const outs = ctx.opN(cell, B ? [seq, W, R, B] : [seq, W, R], attrs, 2);
    const [y, h] = outs as [string, string];
    yh = h;
    // Y [L, D, N, H] → [L, N, D·H], the next layer's input (and torch's output, sequence first).
    seq = ctx.op('Reshape', [ctx.op('Transpose', [y], { perm: [0, 2, 1, 3] }), ctx.constInt([0, 0, -1])]);
  }
  if (p.returnSequences) return ctx.op('Transpose', [seq], { perm: [1, 0, 2] });
  // Y_h [D, N, H] → [N, D·H]: torch's h_n of the last layer, directions side by side.
  return ctx.op('Reshape', [ctx.op('Transpose', [yh], { perm: [1, 0, 2] }), ctx.constInt([0, -1])]);
}

function lowerRecurrent(
  ctx: LayerContext,
  inputs: Readonly<Record<string, string | undefined>>,
  p: RecurrentParams,
  cell: Cell,
): Record<string, string> {
  const x = req(inputs, 'x');
  const s = ctx.shape(x);
  if (ctx.type(x).dtype === 'int64') {
    ctx.fail(`${cell} expects float features per step; got int64 token ids — add an Embedding first`, {
      port: 'x',
    });
  }
  expectDType(ctx, x, 'float32', cell);
  if (s.length !== 3) {
    ctx.fail(
      `${cell} expects [N, L, F] (batch first: examples, steps, features); got ${formatShape(s, true)}` +
        (s.length === 2 ? ' — add a Reshape to [N, L, F], or an Embedding for token ids' : ''),
      { port: 'x' },
    );
  }
  const w = weights(ctx, cell, p, s[2]!);
  const y = ctx.mode === 'training' ? lowerUnrolled(ctx, cell, p, x, w) : lowerFused(ctx, cell, p, x, w);
  return { y };
}

const common = {
  hiddenSize: int(64, 'Hidden size'),
  numLayers: int(1, 'Layers (stacked)', 1, 8),
  bidirectional: bool(false, 'Bidirectional'),
  bias: bool(true, 'Bias'),
  returnSequences: bool(true, 'Return the whole sequence (else the last state)'),
};

const summary = (p: RecurrentParams) =>
  `${p.hiddenSize}${p.numLayers > 1 ? ` ×${p.numLayers}` : ''}${p.bidirectional ? ', bidirectional' : ''}${
    p.returnSequences ? '' : ', last'
  }`;

const ports = { inputs: [{ name: 'x' }], outputs: [{ name: 'y' }] };

export const rnnLayer = defineLayer({
  kind: 'RNN',
  family: 'recurrent',
  title: 'RNN',
  description: 'Elman recurrent layer: h = tanh(W x + U h + b) per step (torch.nn.RNN, batch first).',
  params: z.object({ ...common, nonlinearity: choice(['tanh', 'relu'], 'tanh', 'Nonlinearity') }),
  ...ports,
  summary: (p) => summary(p),
  lower: (ctx, inputs, p) => lowerRecurrent(ctx, inputs, p, 'RNN'),
});

export const lstmLayer = defineLayer({
  kind: 'LSTM',
  family: 'recurrent',
  title: 'LSTM',
  description:
    'Long short-term memory: gated cell state that carries information across many steps (torch.nn.LSTM).',
  params: z.object({ ...common }),
  ...ports,
  summary: (p) => summary(p),
  lower: (ctx, inputs, p) => lowerRecurrent(ctx, inputs, p, 'LSTM'),
});

export const gruLayer = defineLayer({
  kind: 'GRU',
  family: 'recurrent',
  title: 'GRU',
  description: 'Gated recurrent unit: update and reset gates, lighter than an LSTM (torch.nn.GRU).',
  params: z.object({ ...common }),
  ...ports,
  summary: (p) => summary(p),
  lower: (ctx, inputs, p) => lowerRecurrent(ctx, inputs, p, 'GRU'),
});

export const recurrentLayers: readonly AnyLayerDef[] = [rnnLayer, lstmLayer, gruLayer];

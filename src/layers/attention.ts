// Attention layers: MultiHeadAttention, TransformerEncoderLayer, TransformerDecoderLayer and
// PositionalEncoding, batch first, with torch.nn's weight names, initialisation and semantics
// (torch.nn.MultiheadAttention / TransformerEncoderLayer / TransformerDecoderLayer with
// batch_first=True), so a torch state_dict maps onto the weights 1:1.
//
// Everything is composed from opset-17 primitives (MatMul, Reshape, Transpose, Softmax,
// LayerNormalization, ...): opset 17 has no attention op, and the autodiff then trains these
// layers with the same rules as every other layer.
import { z } from 'zod';
import { defineLayer, expectDType, req } from './layer-def.ts';
import type { AnyLayerDef, LayerContext } from './layer-def.ts';
import { bool, choice, fanInUniform, float, int } from './params.ts';
import type { Shape } from '../ir/types.ts';
import { formatShape } from '../ir/types.ts';

const dropoutParam = (def: number, label: string) =>
  z.number().min(0).lt(1).default(def).describe(`${label} (0 ≤ p < 1; training only)`);

/** ONNX Dropout-13 in training mode only, as torch.nn.Dropout; the identity otherwise. */
function dropout(ctx: LayerContext, x: string, p: number): string {
  if (ctx.mode !== 'training' || p === 0) return x;
  // training_mode as a bool initializer (see regularization.ts); both outputs, so the autodiff
  // can scale the gradient by the mask.
  const [y] = ctx.opN('Dropout', [x, ctx.constFloat([p], []), ctx.constBool([true], [])], {}, 2);
  return y!;
}

/** x·Wᵀ + b over the last axis with torch's [out, in] weight layout (torch.nn.Linear). */
function linear(ctx: LayerContext, x: string, w: string, b: string | undefined): string {
  const y = ctx.op('MatMul', [x, ctx.op('Transpose', [w], { perm: [1, 0] })]);
  return b ? ctx.op('Add', [y, b]) : y;
}

/** Checks a sequence input is [N, L, F]; returns its shape. */
function expectSequence(ctx: LayerContext, v: string, layer: string, port: string, what = 'F'): Shape {
  const t = ctx.type(v);
  if (t.dtype === 'int64') {
    ctx.fail(
      `${layer} expects '${port}' as float vectors [N, L, ${what}]; got int64 ${formatShape(t.shape, true)} — ` +
        'token ids need an Embedding first',
      { port },
    );
  }
  expectDType(ctx, v, 'float32', layer, port);
  const s = t.shape;
  if (s.length !== 3) {
    const hint =
      s.length === 2
        ? ` — add Reshape to [N, L, ${what}] (a sequence of L vectors)`
        : s.length === 4
          ? ' — flatten the spatial axes into one sequence axis with Reshape'
          : '';
    ctx.fail(
      `${layer} expects '${port}' as [N, L, ${what}] (batch first); got ${formatShape(s, true)}${hint}`,
      {
        port,
      },
    );
  }
  return s;
}

function checkHeads(
  ctx: LayerContext,
  layer: string,
  dim: number,
  heads: number,
  dimField: string,
  headField: string,
): void {
  if (dim % heads !== 0) {
    // The divisors of dim either side of the asked-for head count.
    const divisors = Array.from({ length: dim }, (_, i) => i + 1).filter((d) => dim % d === 0);
    const below = divisors.filter((d) => d < heads).at(-1);
    const above = divisors.find((d) => d > heads);
    const near = [below, above].filter((d) => d !== undefined).join(' or ');
    ctx.fail(
      `${layer}: ${dimField} ${dim} is not divisible by ${headField} ${heads} — each head gets ${dimField} / ${headField} features; ` +
        `set ${headField} to a divisor of ${dim} (e.g. ${near})`,
      { field: headField },
    );
  }
}

interface AttentionWeights {
  readonly inW: string;
  readonly inB: string | undefined;
  readonly outW: string;
  readonly outB: string | undefined;
}

/** torch.nn.MultiheadAttention's parameters under `prefix`, in its state_dict order. */
function attentionWeights(ctx: LayerContext, prefix: string, e: number, bias: boolean): AttentionWeights {
  // torch: xavier_uniform_ on in_proj_weight [3E, E] (fan_in E, fan_out 3E), zero in-projection
  // bias; out_proj is a Linear (kaiming-uniform, bound 1/√E) whose bias is then zeroed.
  const inW = ctx.weight(`${prefix}in_proj_weight`, [3 * e, e], {
    kind: 'uniform',
    bound: Math.sqrt(6 / (4 * e)),
  });
  const inB = bias ? ctx.weight(`${prefix}in_proj_bias`, [3 * e], { kind: 'zeros' }) : undefined;
  const outW = ctx.weight(`${prefix}out_proj.weight`, [e, e], fanInUniform(e));
  const outB = bias ? ctx.weight(`${prefix}out_proj.bias`, [e], { kind: 'zeros' }) : undefined;
  return { inW, inB, outW, outB };
}

/** An additive mask [L, S]: 0 where query i may see key j ≤ i, −∞ after (torch's square subsequent mask). */
function causalMask(ctx: LayerContext, l: number, s: number): string {
  const m = new Float32Array(l * s);
  for (let i = 0; i < l; i++) for (let j = i + 1; j < s; j++) m[i * s + j] = -Infinity;
  return ctx.constFloat(m, [l, s]);
}

interface AttentionArgs {
  readonly q: string;
  /** undefined: self-attention (k = v = q), which projects q once with the whole in_proj_weight. */
  readonly kv: { readonly k: string; readonly v: string } | undefined;
  readonly e: number;
  readonly heads: number;
  readonly causal: boolean;
  readonly dropout: number;
  /** Keys to ignore: [N, S] (int64 or float32), non-zero where a key is padding (torch's key_padding_mask). */
  readonly keyPaddingMask?: string | undefined;
}

/**
 * torch.nn.functional.multi_head_attention_forward, batch first: returns the output [N, L, E] and
 * the attention weights [N, H, L, S] (after dropout, as torch returns them).
 */
function attention(ctx: LayerContext, w: AttentionWeights, a: AttentionArgs): { y: string; weights: string } {
  const { e, heads } = a;
  const d = e / heads;
  let q: string;
  let k: string;
  let v: string;
  if (!a.kv) {
    const qkv = linear(ctx, a.q, w.inW, w.inB);
    [q, k, v] = ctx.opN('Split', [qkv, ctx.constInt([e, e, e])], { axis: -1 }, 3) as [string, string, string];
  } else {
    const [wq, wk, wv] = ctx.opN('Split', [w.inW, ctx.constInt([e, e, e])], { axis: 0 }, 3) as [
      string,
      string,
      string,
    ];
    const [bq, bk, bv] = w.inB
      ? (ctx.opN('Split', [w.inB, ctx.constInt([e, e, e])], { axis: 0 }, 3) as [string, string, string])
      : [undefined, undefined, undefined];
    q = linear(ctx, a.q, wq, bq);
    k = linear(ctx, a.kv.k, wk, bk);
    v = linear(ctx, a.kv.v, wv, bv);
  }
  // [N, L, E] → [N, L, H, D]; 0 copies the batch (and length) so the export stays batch-agnostic.
  const heads4 = ctx.constInt([0, 0, heads, d]);
  const split = (x: string, perm: number[]): string =>
    ctx.op('Transpose', [ctx.op('Reshape', [x, heads4])], { perm });
  // torch scales q by 1/√D before the product (_scaled_dot_product_attention).
  const qh = ctx.op('Mul', [split(q, [0, 2, 1, 3]), ctx.constFloat([1 / Math.sqrt(d)], [])]);
  const kt = split(k, [0, 2, 3, 1]);
  const vh = split(v, [0, 2, 1, 3]);
  let scores = ctx.op('MatMul', [qh, kt]);
  if (a.causal) {
    const [, , l, s] = ctx.shape(scores);
    scores = ctx.op('Add', [scores, causalMask(ctx, l!, s!)]);
  }
  if (a.keyPaddingMask) {
    // torch's masked_fill with −∞ where the mask is set: [N, S] → [N, 1, 1, S] over heads and queries.
    const padded = ctx.op('Cast', [ctx.op('Unsqueeze', [a.keyPaddingMask, ctx.constInt([1, 2])])], { to: 9 });
    scores = ctx.op('Where', [padded, ctx.constFloat([-Infinity], []), scores]);
  }
  const weights = dropout(ctx, ctx.op('Softmax', [scores], { axis: -1 }), a.dropout);
  const ctxv = ctx.op('Transpose', [ctx.op('MatMul', [weights, vh])], { perm: [0, 2, 1, 3] });
  const merged = ctx.op('Reshape', [ctxv, ctx.constInt([0, 0, e])]);
  return { y: linear(ctx, merged, w.outW, w.outB), weights };
}

/** Checks a key padding mask is [N, S] for keys [N, S, E]; int64 or float32, non-zero = padding. */
function keyPaddingMask(
  ctx: LayerContext,
  mask: string | undefined,
  layer: string,
  keys: Shape,
): string | undefined {
  if (mask === undefined) return undefined;
  const t = ctx.type(mask);
  if (t.dtype !== 'int64' && t.dtype !== 'float32' && t.dtype !== 'bool') {
    ctx.fail(`${layer}: the key padding mask must be int64 or float32 (non-zero = padding); got ${t.dtype}`, {
      port: 'mask',
    });
  }
  if (t.shape.length !== 2 || t.shape[0] !== keys[0] || t.shape[1] !== keys[1]) {
    ctx.fail(
      `${layer}: the key padding mask must be [N, ${keys[1]}] (one flag per key, non-zero = padding); got ${formatShape(t.shape, true)}`,
      { port: 'mask' },
    );
  }
  return mask;
}

export const multiHeadAttentionLayer = defineLayer({
  kind: 'MultiHeadAttention',
  family: 'attention',
  title: 'Multi-head attention',
  description:
    'Scaled dot-product attention over H heads with input and output projections (torch.nn.MultiheadAttention, batch first). k defaults to q, v to k.',
  params: z.object({
    embedDim: int(64, 'Embedding size E (last axis of q, k, v)'),
    numHeads: int(4, 'Heads (must divide E)'),
    bias: bool(true, 'Projection biases'),
    causal: bool(false, 'Causal mask (query i sees keys ≤ i)'),
    dropout: dropoutParam(0, 'Dropout on attention weights'),
    needWeights: bool(false, 'Output the attention weights (mean over heads)'),
  }),
  inputs: [
    { name: 'q' },
    { name: 'k', optional: true },
    { name: 'v', optional: true },
    { name: 'mask', label: 'key padding mask', optional: true },
  ],
  outputs: (p) => (p.needWeights ? [{ name: 'y' }, { name: 'weights' }] : [{ name: 'y' }]),
  summary: (p) => `${p.embedDim}, ${p.numHeads} heads${p.causal ? ', causal' : ''}`,
  lower(ctx, inputs, p): Record<string, string> {
    const layer = 'MultiHeadAttention';
    const q = req(inputs, 'q');
    const k = inputs['k'] ?? q;
    const v = inputs['v'] ?? k;
    const sq = expectSequence(ctx, q, layer, 'q', 'E');
    const sk = k === q ? sq : expectSequence(ctx, k, layer, 'k', 'E');
    const sv = v === k ? sk : expectSequence(ctx, v, layer, 'v', 'E');
    const e = p.embedDim;
    for (const [port, s] of [
      ['q', sq],
      ['k', sk],
      ['v', sv],
    ] as const) {
      if (s[2] !== e) {
        ctx.fail(
          `${layer}: embedDim is ${e} but '${port}' has ${s[2]} features (${formatShape(s, true)}) — ` +
            `set embedDim to ${s[2]}, or add Dense(${e}) before '${port}'`,
          { field: 'embedDim' },
        );
      }
    }
    if (sk[1] !== sv[1]) {
      ctx.fail(
        `${layer}: k and v must have the same length; k is ${formatShape(sk, true)}, v is ${formatShape(sv, true)}`,
        { port: 'v' },
      );
    }
    checkHeads(ctx, layer, e, p.numHeads, 'embedDim', 'numHeads');
    if (p.causal && sq[1] !== sk[1]) {
      ctx.fail(
        `${layer}: a causal mask needs as many keys as queries; q has length ${sq[1]}, k has ${sk[1]} — ` +
          'turn causal off for cross-attention',
        { field: 'causal' },
      );
    }
    const mask = keyPaddingMask(ctx, inputs['mask'], layer, sk);
    const w = attentionWeights(ctx, '', e, p.bias);
    const { y, weights } = attention(ctx, w, {
      q,
      kv: k === q && v === q ? undefined : { k, v },
      e,
      heads: p.numHeads,
      causal: p.causal,
      dropout: p.dropout,
      keyPaddingMask: mask,
    });
    if (!p.needWeights) return { y };
    // torch's default average_attn_weights=True: the mean over heads, [N, L, S].
    return { y, weights: ctx.op('ReduceMean', [weights], { axes: [1], keepdims: 0 }) };
  },
});

const transformerParams = {
  dModel: int(64, 'Model size d (last axis)'),
  nHead: int(4, 'Attention heads (must divide d)'),
  dimFeedforward: int(256, 'Feed-forward size'),
  // torch's default for the Transformer layers (MultiheadAttention's own default is 0).
  dropout: dropoutParam(0.1, 'Dropout'),
  activation: choice(['relu', 'gelu'], 'relu', 'Feed-forward activation'),
  normFirst: bool(false, 'Pre-norm (LayerNorm before each block)'),
  layerNormEps: float(1e-5, 'LayerNorm ε', 0),
};

interface FeedForward {
  readonly w1: string;
  readonly b1: string;
  readonly w2: string;
  readonly b2: string;
}

function feedForwardWeights(ctx: LayerContext, d: number, f: number): FeedForward {
  return {
    w1: ctx.weight('linear1.weight', [f, d], fanInUniform(d)),
    b1: ctx.weight('linear1.bias', [f], fanInUniform(d)),
    w2: ctx.weight('linear2.weight', [d, f], fanInUniform(f)),
    b2: ctx.weight('linear2.bias', [d], fanInUniform(f)),
  };
}

/** torch's _ff_block: linear2(dropout(activation(linear1(x)))), then dropout2. */
function feedForward(
  ctx: LayerContext,
  x: string,
  w: FeedForward,
  activation: 'relu' | 'gelu',
  p: number,
): string {
  const h = linear(ctx, x, w.w1, w.b1);
  let a: string;
  if (activation === 'relu') {
    a = ctx.op('Relu', [h]);
  } else {
    // Exact GELU, x·Φ(x) = x/2·(1 + erf(x/√2)), as F.gelu; opset 17 has no Gelu op.
    const erf = ctx.op('Erf', [ctx.op('Mul', [h, ctx.constFloat([Math.SQRT1_2], [])])]);
    a = ctx.op('Mul', [
      ctx.op('Mul', [h, ctx.constFloat([0.5], [])]),
      ctx.op('Add', [erf, ctx.constFloat([1], [])]),
    ]);
  }
  return dropout(ctx, linear(ctx, dropout(ctx, a, p), w.w2, w.b2), p);
}

interface Norm {
  readonly w: string;
  readonly b: string;
}

function normWeights(ctx: LayerContext, name: string, d: number): Norm {
  return {
    w: ctx.weight(`${name}.weight`, [d], { kind: 'ones' }),
    b: ctx.weight(`${name}.bias`, [d], { kind: 'zeros' }),
  };
}

function layerNorm(ctx: LayerContext, x: string, n: Norm, eps: number): string {
  return ctx.op('LayerNormalization', [x, n.w, n.b], { axis: -1, epsilon: eps });
}

/** A residual block, post-norm (norm(x + f(x))) or pre-norm (x + f(norm(x))), as torch orders them. */
function residual(
  ctx: LayerContext,
  x: string,
  n: Norm,
  eps: number,
  normFirst: boolean,
  f: (x: string) => string,
): string {
  if (normFirst) return ctx.op('Add', [x, f(layerNorm(ctx, x, n, eps))]);
  return layerNorm(ctx, ctx.op('Add', [x, f(x)]), n, eps);
}

function checkModel(ctx: LayerContext, layer: string, s: Shape, d: number, port: string): void {
  if (s[2] !== d) {
    ctx.fail(
      `${layer}: dModel is ${d} but '${port}' has ${s[2]} features (${formatShape(s, true)}) — ` +
        `set dModel to ${s[2]}, or add Dense(${d}) before it`,
      { field: 'dModel' },
    );
  }
}

export const transformerEncoderLayer = defineLayer({
  kind: 'TransformerEncoderLayer',
  family: 'attention',
  title: 'Transformer encoder layer',
  description:
    'Self-attention then a feed-forward block, each with a residual and LayerNorm (torch.nn.TransformerEncoderLayer, batch first).',
  params: z.object({
    ...transformerParams,
    causal: bool(false, 'Causal mask (position i sees positions ≤ i)'),
  }),
  inputs: [{ name: 'x' }, { name: 'mask', label: 'key padding mask', optional: true }],
  outputs: [{ name: 'y' }],
  summary: (p) =>
    `${p.dModel}, ${p.nHead} heads, ff ${p.dimFeedforward}${p.normFirst ? ', pre-norm' : ''}${p.causal ? ', causal' : ''}`,
  lower(ctx, inputs, p) {
    const layer = 'TransformerEncoderLayer';
    const x = req(inputs, 'x');
    const s = expectSequence(ctx, x, layer, 'x', 'd');
    const d = p.dModel;
    checkModel(ctx, layer, s, d, 'x');
    checkHeads(ctx, layer, d, p.nHead, 'dModel', 'nHead');
    const mask = keyPaddingMask(ctx, inputs['mask'], layer, s);
    // torch's state_dict order: self_attn, linear1, linear2, norm1, norm2.
    const sa = attentionWeights(ctx, 'self_attn.', d, true);
    const ff = feedForwardWeights(ctx, d, p.dimFeedforward);
    const norm1 = normWeights(ctx, 'norm1', d);
    const norm2 = normWeights(ctx, 'norm2', d);
    const eps = p.layerNormEps;
    const selfAttn = (h: string): string =>
      dropout(
        ctx,
        attention(ctx, sa, {
          q: h,
          kv: undefined,
          e: d,
          heads: p.nHead,
          causal: p.causal,
          dropout: p.dropout,
          keyPaddingMask: mask,
        }).y,
        p.dropout,
      );
    const h = residual(ctx, x, norm1, eps, p.normFirst, selfAttn);
    const y = residual(ctx, h, norm2, eps, p.normFirst, (t) =>
      feedForward(ctx, t, ff, p.activation, p.dropout),
    );
    return { y };
  },
});

export const transformerDecoderLayer = defineLayer({
  kind: 'TransformerDecoderLayer',
  family: 'attention',
  title: 'Transformer decoder layer',
  description:
    'Self-attention over the target, cross-attention to the memory, then a feed-forward block, each with a residual and LayerNorm (torch.nn.TransformerDecoderLayer, batch first).',
  params: z.object({
    ...transformerParams,
    causal: bool(true, 'Causal self-attention (target i sees targets ≤ i)'),
  }),
  inputs: [{ name: 'x', label: 'tgt' }, { name: 'memory' }],
  outputs: [{ name: 'y' }],
  summary: (p) =>
    `${p.dModel}, ${p.nHead} heads, ff ${p.dimFeedforward}${p.normFirst ? ', pre-norm' : ''}${p.causal ? '' : ', not causal'}`,
  lower(ctx, inputs, p) {
    const layer = 'TransformerDecoderLayer';
    const x = req(inputs, 'x');
    const memory = req(inputs, 'memory');
    const s = expectSequence(ctx, x, layer, 'x', 'd');
    const sm = expectSequence(ctx, memory, layer, 'memory', 'd');
    const d = p.dModel;
    checkModel(ctx, layer, s, d, 'x');
    checkModel(ctx, layer, sm, d, 'memory');
    checkHeads(ctx, layer, d, p.nHead, 'dModel', 'nHead');
    // torch's state_dict order: self_attn, multihead_attn, linear1, linear2, norm1..3.
    const sa = attentionWeights(ctx, 'self_attn.', d, true);
    const ca = attentionWeights(ctx, 'multihead_attn.', d, true);
    const ff = feedForwardWeights(ctx, d, p.dimFeedforward);
    const norm1 = normWeights(ctx, 'norm1', d);
    const norm2 = normWeights(ctx, 'norm2', d);
    const norm3 = normWeights(ctx, 'norm3', d);
    const eps = p.layerNormEps;
    const common = { e: d, heads: p.nHead, dropout: p.dropout };
    const selfAttn = (h: string): string =>
      dropout(ctx, attention(ctx, sa, { ...common, q: h, kv: undefined, causal: p.causal }).y, p.dropout);
    const crossAttn = (h: string): string =>
      dropout(
        ctx,
        attention(ctx, ca, { ...common, q: h, kv: { k: memory, v: memory }, causal: false }).y,
        p.dropout,
      );
    const h1 = residual(ctx, x, norm1, eps, p.normFirst, selfAttn);
    const h2 = residual(ctx, h1, norm2, eps, p.normFirst, crossAttn);
    const y = residual(ctx, h2, norm3, eps, p.normFirst, (t) =>
      feedForward(ctx, t, ff, p.activation, p.dropout),
    );
    return { y };
  },
});

/** "Attention Is All You Need" §3.5, as the PyTorch tutorial builds it: sin on even, cos on odd columns. */
export function sinusoidalTable(length: number, dim: number): Float32Array {
  const out = new Float32Array(length * dim);
  for (let pos = 0; pos < length; pos++) {
    for (let i = 0; i < dim; i += 2) {
      // div_term = exp(i · −ln(10000) / d) for the even column i, shared with column i + 1.
      const angle = pos * Math.exp((i * -Math.log(10000)) / dim);
      out[pos * dim + i] = Math.sin(angle);
      if (i + 1 < dim) out[pos * dim + i + 1] = Math.cos(angle);
    }
  }
  return out;
}

export const positionalEncodingLayer = defineLayer({
  kind: 'PositionalEncoding',
  family: 'attention',
  title: 'Positional encoding',
  description:
    'Adds a position signal to each step of [N, L, D]: the fixed sinusoidal table of "Attention Is All You Need", or a learned [maxLen, D] table.',
  params: z.object({
    kind: choice(['sinusoidal', 'learned'], 'sinusoidal', 'Encoding'),
    maxLen: int(512, 'Longest sequence'),
  }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => `${p.kind}, ≤ ${p.maxLen}`,
  lower(ctx, inputs, p) {
    const layer = 'PositionalEncoding';
    const x = req(inputs, 'x');
    const s = expectSequence(ctx, x, layer, 'x', 'D');
    const l = s[1]!;
    const d = s[2]!;
    if (l > p.maxLen) {
      ctx.fail(
        `${layer}: the sequence has ${l} steps (${formatShape(s, true)}) but maxLen is ${p.maxLen} — raise maxLen to ${l}`,
        {
          field: 'maxLen',
        },
      );
    }
    if (p.kind === 'sinusoidal') {
      // A constant, not a parameter (the tutorial's register_buffer); only the rows used are kept.
      return { y: ctx.op('Add', [x, ctx.constFloat(sinusoidalTable(l, d), [l, d])]) };
    }
    // Learned positions: one trainable row per position, drawn from N(0, 0.02²) (GPT-2's choice;
    // torch has no stock module for this).
    const table = ctx.weight('weight', [p.maxLen, d], { kind: 'normal', mean: 0, std: 0.02 });
    const rows =
      l === p.maxLen
        ? table
        : ctx.op('Slice', [table, ctx.constInt([0]), ctx.constInt([l]), ctx.constInt([0])]);
    return { y: ctx.op('Add', [x, rows]) };
  },
});

/** The angle factors exp(−ln(10000)·2i/D) of sinusoidalTable's columns 2i and 2i + 1, i < D/2. */
export function sinusoidalFrequencies(dim: number): Float32Array {
  return Float32Array.from({ length: dim / 2 }, (_, i) => Math.exp((2 * i * -Math.log(10000)) / dim));
}

export const timestepEmbeddingLayer = defineLayer({
  kind: 'TimestepEmbedding',
  family: 'attention',
  title: 'Timestep embedding',
  description:
    'A number per example (a diffusion step t) as the sinusoidal vector of "Attention Is All You Need": sin on even, cos on odd columns, as Ho et al. 2020 embed t.',
  params: z.object({
    dim: int(32, 'Embedding size D (even)', 2),
  }),
  inputs: [{ name: 'x', label: 't' }],
  outputs: [{ name: 'y' }],
  summary: (p) => `${p.dim}`,
  lower(ctx, inputs, p) {
    const layer = 'TimestepEmbedding';
    const t = req(inputs, 'x');
    const tt = ctx.type(t);
    if (tt.shape.length !== 1) {
      ctx.fail(
        `${layer} expects one number per example [N] (an Input of shape []); got ${formatShape(tt.shape, true)}`,
        { port: 'x' },
      );
    }
    if (tt.dtype !== 'int64' && tt.dtype !== 'float32') ctx.fail(`${layer} expects int64 or float32 steps`);
    if (p.dim % 2 !== 0)
      ctx.fail(`${layer}: dim ${p.dim} must be even (sin and cos pairs)`, { field: 'dim' });
    const tf = tt.dtype === 'int64' ? ctx.op('Cast', [t], { to: 1 }) : t;
    const half = p.dim / 2;
    // [N, 1]·[1, D/2] → the angles; sin and cos side by side per frequency, then interleaved.
    const angles = ctx.op('Mul', [
      ctx.op('Unsqueeze', [tf, ctx.constInt([1])]),
      ctx.constFloat(sinusoidalFrequencies(p.dim), [1, half]),
    ]);
    const pair = ctx.op(
      'Concat',
      [
        ctx.op('Unsqueeze', [ctx.op('Sin', [angles]), ctx.constInt([2])]),
        ctx.op('Unsqueeze', [ctx.op('Cos', [angles]), ctx.constInt([2])]),
      ],
      { axis: 2 },
    );
    return { y: ctx.op('Reshape', [pair, ctx.constInt([0, p.dim])]) };
  },
});

export const attentionLayers: readonly AnyLayerDef[] = [
  multiHeadAttentionLayer,
  transformerEncoderLayer,
  transformerDecoderLayer,
  positionalEncodingLayer,
  timestepEmbeddingLayer,
];

// Attention layers: shape and parameter misfits as diagnostics on the node, field or port;
// parameter counts as torch counts them; exports that stay batch-agnostic.
import { describe, expect, test } from 'vitest';
import { lowerDocument } from '../../src/compile/lower.ts';
import type { Lowered } from '../../src/compile/lower.ts';
import type { Diagnostic } from '../../src/util/errors.ts';
import { chainDoc, doc, node } from '../helpers/doc.ts';

function errorOn(l: Lowered, id = 'n1'): Diagnostic {
  const d = l.diagnostics.find((x) => x.node === id && x.severity === 'error');
  if (!d) throw new Error(`no error: ${JSON.stringify(l.diagnostics)}`);
  return d;
}

function noErrors(l: Lowered): void {
  expect(l.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
}

const one = (shape: number[], kind: string, params: Record<string, unknown> = {}, dtype?: string) =>
  lowerDocument(chainDoc(shape, [{ kind, params }], dtype), { mode: 'inference', batch: 1 });

const mha = (ports: Record<string, number[]>, params: Record<string, unknown>) =>
  lowerDocument(
    doc(
      [
        ...Object.entries(ports).map(([p, s]) => node(`in_${p}`, 'Input', { shape: s }, p)),
        node('n1', 'MultiHeadAttention', params),
        node('out', 'Output', {}, 'out'),
      ],
      [...Object.keys(ports).map((p): [string, string] => [`in_${p}:y`, `n1:${p}`]), ['n1:y', 'out:x']],
    ),
    { mode: 'inference', batch: 1 },
  );

const decoder = (tgt: number[], memory: number[], params: Record<string, unknown>) =>
  lowerDocument(
    doc(
      [
        node('tgt', 'Input', { shape: tgt }, 'tgt'),
        node('memory', 'Input', { shape: memory }, 'memory'),
        node('n1', 'TransformerDecoderLayer', params),
        node('out', 'Output', {}, 'out'),
      ],
      [
        ['tgt:y', 'n1:x'],
        ['memory:y', 'n1:memory'],
        ['n1:y', 'out:x'],
      ],
    ),
    { mode: 'inference', batch: 1 },
  );

describe('attention diagnostics', () => {
  test('a flat feature vector asks for a sequence axis', () => {
    const l = mha({ q: [64] }, { embedDim: 64 });
    expect(errorOn(l)).toMatchObject({ port: 'q', code: 'shape-mismatch' });
    expect(errorOn(l).message).toBe(
      "MultiHeadAttention expects 'q' as [N, L, E] (batch first); got [N, 64] — add Reshape to [N, L, E] (a sequence of L vectors)",
    );
  });

  test('TransformerEncoderLayer on an image says how to make a sequence', () => {
    const d = errorOn(one([3, 8, 8], 'TransformerEncoderLayer', { dModel: 8 }));
    expect(d.port).toBe('x');
    expect(d.message).toBe(
      "TransformerEncoderLayer expects 'x' as [N, L, d] (batch first); got [N, 3, 8, 8] — flatten the spatial axes into one sequence axis with Reshape",
    );
  });

  test('token ids need an Embedding first', () => {
    const d = errorOn(one([10], 'PositionalEncoding', {}, 'int64'));
    expect(d.port).toBe('x');
    expect(d.message).toMatch(/got int64 \[N, 10\] — token ids need an Embedding first$/);
  });

  test('embedDim must divide into the heads', () => {
    const d = errorOn(mha({ q: [10, 64] }, { embedDim: 64, numHeads: 5 }));
    expect(d.field).toBe('numHeads');
    expect(d.message).toBe(
      'MultiHeadAttention: embedDim 64 is not divisible by numHeads 5 — each head gets embedDim / numHeads features; set numHeads to a divisor of 64 (e.g. 4 or 8)',
    );
    expect(errorOn(one([10, 12], 'TransformerEncoderLayer', { dModel: 12, nHead: 5 })).message).toMatch(
      /dModel 12 is not divisible by nHead 5 .* \(e\.g\. 4 or 6\)$/,
    );
  });

  test('embedDim must match the features', () => {
    const d = errorOn(mha({ q: [10, 32] }, { embedDim: 64 }));
    expect(d.field).toBe('embedDim');
    expect(d.message).toBe(
      "MultiHeadAttention: embedDim is 64 but 'q' has 32 features ([N, 10, 32]) — set embedDim to 32, or add Dense(64) before 'q'",
    );
    expect(errorOn(mha({ q: [10, 8], k: [7, 6] }, { embedDim: 8, numHeads: 2 })).message).toMatch(
      /'k' has 6 features/,
    );
  });

  test('k and v must have the same length', () => {
    const d = errorOn(mha({ q: [4, 8], k: [6, 8], v: [5, 8] }, { embedDim: 8, numHeads: 2 }));
    expect(d.port).toBe('v');
    expect(d.message).toBe(
      'MultiHeadAttention: k and v must have the same length; k is [N, 6, 8], v is [N, 5, 8]',
    );
  });

  test('a causal mask needs a square score matrix', () => {
    const d = errorOn(mha({ q: [4, 8], k: [6, 8] }, { embedDim: 8, numHeads: 2, causal: true }));
    expect(d.field).toBe('causal');
    expect(d.message).toMatch(/q has length 4, k has 6 — turn causal off for cross-attention$/);
  });

  test('the decoder memory must have dModel features', () => {
    const d = errorOn(decoder([4, 8], [6, 16], { dModel: 8, nHead: 2 }));
    expect(d.field).toBe('dModel');
    expect(d.message).toBe(
      "TransformerDecoderLayer: dModel is 8 but 'memory' has 16 features ([N, 6, 16]) — set dModel to 16, or add Dense(8) before it",
    );
  });

  test('a sequence longer than maxLen', () => {
    const d = errorOn(one([600, 16], 'PositionalEncoding', { maxLen: 512 }));
    expect(d.field).toBe('maxLen');
    expect(d.message).toBe(
      'PositionalEncoding: the sequence has 600 steps ([N, 600, 16]) but maxLen is 512 — raise maxLen to 600',
    );
  });

  test('bad parameters are placed on their field', () => {
    expect(errorOn(one([4, 8], 'TransformerEncoderLayer', { dModel: 8, dropout: 1 }))).toMatchObject({
      code: 'bad-param',
      field: 'dropout',
    });
    expect(errorOn(one([4, 8], 'TransformerEncoderLayer', { dModel: 8, activation: 'tanh' }))).toMatchObject({
      code: 'bad-param',
      field: 'activation',
    });
    expect(errorOn(one([4, 8], 'PositionalEncoding', { kind: 'rotary' }))).toMatchObject({
      code: 'bad-param',
      field: 'kind',
    });
  });
});

describe('parameter counts as torch counts them', () => {
  // torch: sum(p.numel() for p in m.parameters()) for MultiheadAttention(64, 4[, bias=False]),
  // TransformerEncoderLayer(64, 4, 256), TransformerDecoderLayer(64, 4, 256).
  test('MultiHeadAttention', () => {
    const l = mha({ q: [10, 64] }, { embedDim: 64, numHeads: 4 });
    noErrors(l);
    expect(l.nodes.get('n1')!.params).toBe(16640);
    expect(mha({ q: [10, 64] }, { embedDim: 64, numHeads: 4, bias: false }).nodes.get('n1')!.params).toBe(
      16384,
    );
  });
  test('TransformerEncoderLayer', () => {
    const l = one([10, 64], 'TransformerEncoderLayer', { dModel: 64, nHead: 4, dimFeedforward: 256 });
    noErrors(l);
    expect(l.nodes.get('n1')!.params).toBe(49984);
    expect(l.nodes.get('n1')!.flops).toBeGreaterThan(0);
  });
  test('TransformerDecoderLayer', () => {
    const l = decoder([10, 64], [7, 64], { dModel: 64, nHead: 4, dimFeedforward: 256 });
    noErrors(l);
    expect(l.nodes.get('n1')!.params).toBe(66752);
  });
  test('PositionalEncoding: the sinusoidal table is a constant, the learned one a parameter', () => {
    expect(one([10, 16], 'PositionalEncoding', { maxLen: 32 }).nodes.get('n1')!.params).toBe(0);
    expect(one([10, 16], 'PositionalEncoding', { kind: 'learned', maxLen: 32 }).nodes.get('n1')!.params).toBe(
      512,
    );
  });
});

test('Reshape targets copy the batch (0), never a concrete batch size', () => {
  const l = lowerDocument(
    chainDoc([5, 8], [{ kind: 'TransformerEncoderLayer', params: { dModel: 8, nHead: 2 } }]),
    { mode: 'training', batch: 7 },
  );
  noErrors(l);
  const reshapes = l.graph.ops.filter((o) => o.type === 'Reshape');
  expect(reshapes.length).toBeGreaterThan(0);
  for (const r of reshapes) {
    const target = l.graph.constants.get(r.inputs[1]!)!;
    expect(Number(target.data[0])).toBe(0);
  }
});

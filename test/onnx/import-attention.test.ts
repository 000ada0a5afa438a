// torch's attention as torch.onnx.export decomposes it folds back into Netloom's attention layers
// with torch's weights: MultiheadAttention's self-attention (batch first; twenty-one ops whose
// Reshapes spell out the batch) into a MultiHeadAttention layer (a small ViT), and a whole
// nn.TransformerEncoderLayer(batch_first=True) into one TransformerEncoderLayer. The files are
// test/fixtures/torch_zoo.py's (default export arguments). The folded models give torch's outputs
// (max |Δ| < 1e-4), and where nothing else in the file fixes the batch, also at twice the batch
// torch exported at: the input repeated gives torch's output repeated. Further down: torch's
// default layout (batch_first=False), norm_first=True, and a near miss that must not fold.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { importedToDocument } from '../../src/onnx/to-document.ts';
import { readNpy } from '../../src/runtime/npy.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import { requirePython } from '../helpers/references.ts';
import type { ZooModel } from '../helpers/torch-zoo.ts';
import { torchZoo } from '../helpers/torch-zoo.ts';

function twice(data: Float32Array): Float32Array {
  const out = new Float32Array(data.length * 2);
  out.set(data);
  out.set(data, data.length);
  return out;
}

function imported(name: string) {
  const python = requirePython(['torch', 'torchvision', 'onnx', 'numpy']);
  const m = torchZoo(python, [name]).get(name)!;
  return { m, ...importedToDocument(importOnnx(readFileSync(m.onnx), { path: m.onnx }), m.onnx) };
}

/** Runs the document at torch's batch (and at twice it) against torch's output. */
async function matchesTorch(
  doc: NetloomDocument,
  weights: Map<string, Float32Array>,
  m: ZooModel,
  batches: readonly number[],
): Promise<number> {
  let worst = 0;
  const x = readNpy(readFileSync(m.x), m.x);
  const y = readNpy(readFileSync(m.y), m.y);
  const input = doc.nodes.find((n) => n.kind === 'Input')!;
  for (const k of batches) {
    const { bytes } = exportDocument(doc, { weights, ...(k > 1 ? { batch: x.shape[0]! * k } : {}) });
    const data = k === 1 ? (x.data as Float32Array) : twice(x.data as Float32Array);
    const feed = { dtype: 'float32' as const, shape: [x.shape[0]! * k, ...x.shape.slice(1)], data };
    const out = Object.values(await runOnnx(bytes, { [input.name ?? input.id]: feed }))[0]!;
    const want = k === 1 ? (y.data as Float32Array) : twice(y.data as Float32Array);
    expect(out.shape).toEqual([y.shape[0]! * k, ...y.shape.slice(1)]);
    const got = out.data as Float32Array;
    const diff = got.reduce((w, v, i) => Math.max(w, Math.abs(v - want[i]!)), 0);
    expect(diff).toBeLessThan(1e-4);
    worst = Math.max(worst, diff);
  }
  return worst;
}

const count = (weights: Map<string, Float32Array>): number =>
  [...weights.values()].reduce((n, w) => n + w.length, 0);

/** A Transpose(perm [1, 0, 2]) ONNX op node: torch's [L, N, E] to batch first and back. */
const isSwap = (n: NetloomDocument['nodes'][number]): boolean =>
  n.kind === 'OnnxOp' &&
  n.params['op'] === 'Transpose' &&
  JSON.stringify(n.params['attrs']) === '{"perm":[1,0,2]}';

test("nn.TransformerEncoderLayer folds into one TransformerEncoderLayer with torch's outputs at any batch", async () => {
  const { m, doc, weights, genericOps } = imported('transformer_encoder_layer');
  expect(doc.nodes.map((n) => n.kind)).toEqual(['Input', 'TransformerEncoderLayer', 'Output']);
  expect(genericOps.size).toBe(0);
  const layer = doc.nodes[1]!;
  // nn.TransformerEncoderLayer(32, 4, 64, batch_first=True), its dropout not in torch's eval graph.
  expect(layer.params).toEqual({
    dModel: 32,
    nHead: 4,
    dimFeedforward: 64,
    dropout: 0,
    activation: 'relu',
    normFirst: false,
    layerNormEps: Math.fround(1e-5),
    causal: false,
  });
  // torch's state_dict names under the layer's id (the module was the top level).
  expect([...weights.keys()].sort()).toEqual(
    [
      'self_attn.in_proj_weight',
      'self_attn.in_proj_bias',
      'self_attn.out_proj.weight',
      'self_attn.out_proj.bias',
      'linear1.weight',
      'linear1.bias',
      'linear2.weight',
      'linear2.bias',
      'norm1.weight',
      'norm1.bias',
      'norm2.weight',
      'norm2.bias',
    ]
      .map((w) => `${layer.id}.${w}`)
      .sort(),
  );
  // The file's Reshapes spelled out batch 2; the layer runs at any batch.
  expect(doc.nodes[0]!.params['batch']).toBeUndefined();
  await matchesTorch(doc, weights, m, [1, 2]);
});

test("a ViT's attention folds into MultiHeadAttention layers with torch's outputs", async () => {
  const { m, doc, weights, genericOps } = imported('vit_small');
  const ids = [
    'encoder.layers.encoder_layer_0.self_attention',
    'encoder.layers.encoder_layer_1.self_attention',
  ];
  const attention = doc.nodes.filter((n) => n.kind === 'MultiHeadAttention');
  expect(attention.map((n) => n.id)).toEqual(ids);
  for (const n of attention)
    expect(n.params).toMatchObject({ embedDim: 64, numHeads: 4, bias: true, causal: false });
  // No Softmax or Slice of the attention is left as an ONNX op node.
  for (const op of ['Softmax', 'Slice']) expect(genericOps.has(op)).toBe(false);
  // ViT's blocks are its own module (ln_1, self_attention, ln_2, mlp), not TransformerEncoderLayer.
  expect(doc.nodes.some((n) => n.kind === 'TransformerEncoderLayer')).toBe(false);
  for (const id of ids)
    for (const w of ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias'])
      expect(weights.has(`${id}.${w}`), `${id}.${w}`).toBe(true);
  // The class token's Expand still fixes ViT's batch at torch's.
  await matchesTorch(doc, weights, m, [1]);
});

// torch's default layout, batch_first=False: x is [L, N, E] and its leading axis, which import
// reads as the batch, is the sequence. The attention layers are batch first, so they fold between
// two Transposes that swap L and N (the file's own ops did the same inside), and run at torch's
// shape only.
test("nn.MultiheadAttention(E, H) with torch's default layout folds between two Transposes", async () => {
  const { m, doc, weights, genericOps } = imported('mha_seq_first');
  expect(doc.nodes.map((n) => n.kind)).toEqual(['Input', 'OnnxOp', 'MultiHeadAttention', 'OnnxOp', 'Output']);
  expect(isSwap(doc.nodes[1]!) && isSwap(doc.nodes[3]!)).toBe(true);
  expect([...genericOps]).toEqual([['Transpose', 2]]);
  expect(doc.nodes[2]!.params).toMatchObject({ embedDim: 32, numHeads: 4, bias: true, causal: false });
  expect(count(weights)).toBe(m.params);
  const diff = await matchesTorch(doc, weights, m, [1]);
  console.log(`mha_seq_first max |Δ| ${diff.toExponential(2)}`);
});

test('default nn.TransformerEncoderLayer(d_model, nhead) layers fold into TransformerEncoderLayers', async () => {
  const { m, doc, weights } = imported('encoder_stack_seq_first');
  expect(doc.nodes.map((n) => n.kind)).toEqual([
    'Input',
    ...['OnnxOp', 'TransformerEncoderLayer', 'OnnxOp'],
    ...['OnnxOp', 'TransformerEncoderLayer', 'OnnxOp'],
    'Dense',
    'Output',
  ]);
  expect(doc.nodes.filter((n) => n.kind === 'OnnxOp').every(isSwap)).toBe(true);
  for (const id of ['layer0', 'layer1']) {
    expect(doc.nodes.find((n) => n.id === id)?.params).toMatchObject({
      dModel: 32,
      nHead: 4,
      dimFeedforward: 64,
      activation: 'relu',
      normFirst: false,
    });
    expect(weights.has(`${id}.self_attn.in_proj_weight`) && weights.has(`${id}.norm2.bias`)).toBe(true);
  }
  expect(count(weights)).toBe(m.params);
  const diff = await matchesTorch(doc, weights, m, [1]);
  console.log(`encoder_stack_seq_first max |Δ| ${diff.toExponential(2)}`);
});

test('nn.TransformerEncoderLayer(norm_first=True) folds into a pre-norm TransformerEncoderLayer', async () => {
  const { m, doc, weights } = imported('encoder_norm_first_seq_first');
  expect(doc.nodes.map((n) => n.kind)).toEqual([
    'Input',
    'OnnxOp',
    'TransformerEncoderLayer',
    'OnnxOp',
    'Output',
  ]);
  expect(doc.nodes[2]!.params).toMatchObject({ dModel: 32, nHead: 4, dimFeedforward: 64, normFirst: true });
  expect(weights.has('encoder_layer.norm1.weight') && weights.has('encoder_layer.norm2.weight')).toBe(true);
  expect(count(weights)).toBe(m.params);
  const diff = await matchesTorch(doc, weights, m, [1]);
  console.log(`encoder_norm_first_seq_first max |Δ| ${diff.toExponential(2)}`);
});

test('attention without the in-projection bias is no MultiHeadAttention(bias=True): it stays op nodes', async () => {
  const { m, doc, weights, genericOps } = imported('mha_seq_first_no_bias');
  expect(doc.nodes.some((n) => n.kind === 'MultiHeadAttention')).toBe(false);
  for (const op of ['Slice', 'MatMul']) expect(genericOps.has(op), op).toBe(true);
  expect(count(weights)).toBe(m.params);
  await matchesTorch(doc, weights, m, [1]);
});

// torch's attention as torch.onnx.export decomposes it folds back into Netloom's attention layers
// with torch's weights: MultiheadAttention's self-attention (batch first; twenty-one ops whose
// Reshapes spell out the batch) into a MultiHeadAttention layer (a small ViT), and a whole
// nn.TransformerEncoderLayer(batch_first=True) into one TransformerEncoderLayer. The files are
// test/fixtures/torch_zoo.py's (default export arguments). The folded models give torch's outputs
// (max |Δ| < 1e-4), and where nothing else in the file fixes the batch, also at twice the batch
// torch exported at: the input repeated gives torch's output repeated.
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
): Promise<void> {
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
    expect(got.reduce((w, v, i) => Math.max(w, Math.abs(v - want[i]!)), 0)).toBeLessThan(1e-4);
  }
}

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

test("nn.MultiheadAttention with torch's default layout (batch_first=False) folds between two Transposes", async () => {
  const { m, doc, weights, genericOps } = imported('mha_seq_first');
  console.log(doc.nodes.map((n) => `${n.kind}:${n.id}:${JSON.stringify(n.params)}`), [...genericOps]);
  await matchesTorch(doc, weights, m, [1]);
});

test('default nn.TransformerEncoderLayers (batch_first=False) fold', async () => {
  const { m, doc, weights, genericOps } = imported('encoder_stack_seq_first');
  console.log(doc.nodes.map((n) => `${n.kind}:${n.id}`), [...genericOps]);
  await matchesTorch(doc, weights, m, [1]);
});

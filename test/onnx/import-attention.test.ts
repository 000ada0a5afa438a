// torch's MultiheadAttention (batch first, self-attention) as torch.onnx.export decomposes it —
// twenty-one ops whose Reshapes spell out the batch — folds back into one MultiHeadAttention
// layer with torch's weights: nn.TransformerEncoderLayer and a small ViT (test/fixtures/torch_zoo.py,
// default export arguments). The folded model gives torch's outputs (max |Δ| ≤ 1e-4), and, since the
// layer no longer spells out the batch, it also runs at twice the batch torch exported it at:
// the input repeated gives torch's output repeated.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { importedToDocument } from '../../src/onnx/to-document.ts';
import { readNpy } from '../../src/runtime/npy.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import { requirePython } from '../helpers/references.ts';
import { torchZoo } from '../helpers/torch-zoo.ts';

function twice(data: Float32Array): Float32Array {
  const out = new Float32Array(data.length * 2);
  out.set(data);
  out.set(data, data.length);
  return out;
}

test.each([
  ['transformer_encoder_layer', ['self_attn'], { embedDim: 32, numHeads: 4 }, true],
  [
    'vit_small',
    ['encoder.layers.encoder_layer_0.self_attention', 'encoder.layers.encoder_layer_1.self_attention'],
    { embedDim: 64, numHeads: 4 },
    false,
  ],
] as const)(
  "%s: torch's attention folds into MultiHeadAttention layers with torch's outputs",
  async (name, ids, params, anyBatch) => {
    const python = requirePython(['torch', 'torchvision', 'onnx', 'numpy']);
    const m = torchZoo(python, [name]).get(name)!;
    const { doc, weights, genericOps } = importedToDocument(
      importOnnx(readFileSync(m.onnx), { path: m.onnx }),
      m.onnx,
    );
    const attention = doc.nodes.filter((n) => n.kind === 'MultiHeadAttention');
    expect(attention.map((n) => n.id)).toEqual(ids);
    for (const n of attention) expect(n.params).toMatchObject({ ...params, bias: true, causal: false });
    // No Softmax, Slice or Reshape of the attention is left as an ONNX op node.
    for (const op of ['Softmax', 'Slice', 'Split']) expect(genericOps.has(op)).toBe(false);
    // torch's state_dict names for the attention's weights.
    for (const id of ids)
      for (const w of ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias'])
        expect(weights.has(`${id}.${w}`), `${id}.${w}`).toBe(true);

    const x = readNpy(readFileSync(m.x), m.x);
    const y = readNpy(readFileSync(m.y), m.y);
    const input = doc.nodes.find((n) => n.kind === 'Input')!;
    const inputName = input.name ?? input.id;
    const feed = (data: Float32Array, shape: number[]) => ({
      [inputName]: { dtype: 'float32' as const, shape, data },
    });
    const worst = (a: Float32Array, b: Float32Array) =>
      a.reduce((w, v, i) => Math.max(w, Math.abs(v - b[i]!)), 0);
    // At torch's batch, and at twice it where the file allows another batch (ViT's class token
    // Expand still fixes its batch at 1, so the document keeps that batch).
    expect(input.params['batch'] === undefined).toBe(anyBatch);
    const atBatch = anyBatch ? [1, 2] : [1];
    for (const k of atBatch) {
      const { bytes } = exportDocument(doc, { weights, ...(k > 1 ? { batch: x.shape[0]! * k } : {}) });
      const data = k === 1 ? (x.data as Float32Array) : twice(x.data as Float32Array);
      const shape = [x.shape[0]! * k, ...x.shape.slice(1)];
      const out = Object.values(await runOnnx(bytes, feed(data, shape)))[0]!;
      const want = k === 1 ? (y.data as Float32Array) : twice(y.data as Float32Array);
      expect(out.shape).toEqual([y.shape[0]! * k, ...y.shape.slice(1)]);
      expect(worst(out.data as Float32Array, want)).toBeLessThan(1e-4);
    }
  },
);

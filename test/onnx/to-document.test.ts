// ONNX files open as editable documents: torch-exported models fold back into layers (Gemm and
// MatMul + Add → Dense, Conv → Conv2d, BatchNormalization → BatchNorm2d, …) with their weights, and
// the document exports a model whose outputs match torch's; Netloom's own templates come back
// the same; an op with no layer stays an ONNX op node; a model of layers that keep any batch opens
// with its batch free.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { hasErrors } from '../../src/compile/diagnostics.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { formatDiagnostics } from '../../src/compile/diagnostics.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { encodeModel } from '../../src/onnx/proto.ts';
import { importedToDocument } from '../../src/onnx/to-document.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import type { HostTensor } from '../../src/runtime/tensors.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';

const dir = join(import.meta.dirname, '../fixtures/onnx');
const torchCases = JSON.parse(readFileSync(join(dir, 'torch-models.json'), 'utf8')) as Record<
  string,
  {
    file: string;
    inputs: Record<string, { shape: number[]; data: number[] }>;
    outputs: Record<string, { shape: number[]; data: number[] }>;
  }
>;

const float = (t: { shape: readonly number[]; data: ArrayLike<number> }): HostTensor => ({
  dtype: 'float32',
  shape: [...t.shape],
  data: Float32Array.from(t.data),
});

function worst(a: HostTensor, b: { data: ArrayLike<number> } | Float32Array): number {
  const bd = b instanceof Float32Array ? b : b.data;
  let m = 0;
  (a.data as Float32Array).forEach((v, i) => (m = Math.max(m, Math.abs(v - Number(bd[i])))));
  return m;
}

describe('ONNX → document', () => {
  test.each(['mlp', 'cnn'])(
    'torch-exported %s opens as layers and exports what torch computes',
    async (name) => {
      const c = torchCases[name]!;
      const { doc, weights } = importedToDocument(importOnnx(readFileSync(join(dir, c.file))), c.file);
      const lowered = lowerDocument(doc);
      expect(hasErrors(lowered), formatDiagnostics(lowered)).toBe(false);
      // Every weight the layers declare comes from the file.
      expect(lowered.graph.weights.map((w) => w.id).sort()).toEqual([...weights.keys()].sort());
      const kinds = doc.nodes.map((n) => n.kind);
      if (name === 'cnn')
        expect(kinds).toEqual(
          expect.arrayContaining(['Conv2d', 'BatchNorm2d', 'MaxPool2d', 'Flatten', 'Dense']),
        );
      else expect(kinds.filter((k) => k === 'Dense').length).toBeGreaterThanOrEqual(2);
      const { bytes } = exportDocument(doc, { weights });
      const out = await runOnnx(bytes, { x: float(c.inputs['x']!) });
      expect(worst(out['y']!, c.outputs['y']!)).toBeLessThan(1e-5);
    },
  );

  test.each(['lenet5', 'mlp', 'playground'])(
    'the %s template comes back with the same outputs',
    async (name) => {
      const original = loadTemplate(name)!;
      const first = exportDocument(original, { seed: 3 });
      const { doc, weights } = importedToDocument(importOnnx(first.bytes), `${name}.onnx`);
      const again = exportDocument(doc, { weights });
      const input = first.lowered.graph.inputs.find((i) => i.batched)!;
      const shape = [2, ...first.lowered.graph.values.get(input.value)!.shape.slice(1)];
      const n = shape.reduce((p, d) => p * d, 1);
      const x: HostTensor = {
        dtype: 'float32',
        shape,
        data: Float32Array.from({ length: n }, (_, i) => Math.sin(i)),
      };
      const a = await runOnnx(first.bytes, { [input.name]: x });
      const b = await runOnnx(again.bytes, { [input.name]: x });
      const out = Object.keys(a)[0]!;
      expect(worst(b[out]!, a[out]!.data as Float32Array)).toBeLessThan(1e-6);
    },
  );

  test("torch's LSTM with a dynamic batch folds into an LSTM layer that runs at any batch", async () => {
    // torch computes the zero initial state from the input's shape; import reads it at batch 1.
    const c = torchCases['lstm']!;
    const { doc, weights, genericOps } = importedToDocument(
      importOnnx(readFileSync(join(dir, c.file)), { path: c.file }),
      c.file,
    );
    expect(doc.nodes.map((n) => n.kind)).toEqual(['Input', 'LSTM', 'Output']);
    expect(genericOps.size).toBe(0);
    const { bytes } = exportDocument(doc, { weights });
    const x = float(c.inputs['x']!);
    expect(x.shape[0]).toBe(2);
    const out = await runOnnx(bytes, { x });
    expect(worst(out['y']!, c.outputs['y']!)).toBeLessThan(1e-5);
  });

  test('an op with no layer becomes an ONNX op node that exports what the file computes', async () => {
    const file = encodeModel({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        node: [
          { name: 'sin', opType: 'Sin', input: ['x'], output: ['s'] },
          {
            name: 'fc',
            opType: 'Gemm',
            input: ['s', 'w'],
            output: ['y'],
            attribute: [{ name: 'transB', type: 2, i: 1 }],
          },
        ],
        input: [
          {
            name: 'x',
            type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 3 }] } } },
          },
        ],
        initializer: [{ name: 'w', dims: [2, 3], dataType: 1, floatData: [0.5, -1, 2, 1.5, 0.25, -0.75] }],
        output: [{ name: 'y' }],
      },
    });
    const { doc, weights, genericOps } = importedToDocument(
      importOnnx(file, { path: 'sin.onnx' }),
      'sin.onnx',
    );
    const op = doc.nodes.find((n) => n.kind === 'OnnxOp');
    expect(op?.params).toMatchObject({ op: 'Sin' });
    expect([...genericOps]).toEqual([['Sin', 1]]);
    expect(doc.nodes.map((n) => n.kind)).toContain('Dense');
    const x: HostTensor = {
      dtype: 'float32',
      shape: [2, 3],
      data: Float32Array.of(0.1, -2, 3, 0.7, 1.2, -0.4),
    };
    // onnxruntime on the original file is the reference.
    const want = await runOnnx(file, { x });
    const got = await runOnnx(exportDocument(doc, { weights }).bytes, { x });
    expect(worst(got['y']!, want['y']!.data as Float32Array)).toBeLessThan(1e-6);
  });

  test.each(['mlp', 'cnn'])(
    "torch's %s, made of layers that keep any batch, opens with its batch free: it lowers at another batch",
    (name) => {
      const c = torchCases[name]!;
      const { doc } = importedToDocument(importOnnx(readFileSync(join(dir, c.file))), c.file);
      for (const n of doc.nodes) if (n.kind === 'Input') expect(n.params['batch']).toBeUndefined();
      // What the import's own probe asks of a model before it leaves the batch free.
      const probe = lowerDocument(doc, { batch: 3 });
      expect(hasErrors(probe), formatDiagnostics(probe)).toBe(false);
      expect(probe.graph.outputs.map((o) => probe.graph.values.get(o.value)?.shape[0])).toEqual(
        probe.graph.outputs.map(() => 3),
      );
    },
  );
});

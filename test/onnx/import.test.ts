// ONNX import: torch-exported files and Netloom's own exports come back as IR graphs whose
// re-export computes what the original file computes (onnxruntime on both, and torch's numbers);
// bad files fail with one line naming what is wrong.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Graph } from '../../src/ir/types.ts';
import { hasErrors } from '../../src/compile/diagnostics.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { formatDiagnostics } from '../../src/compile/diagnostics.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { decodeModel, encodeModel } from '../../src/onnx/proto.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import type { HostTensor } from '../../src/runtime/tensors.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { NetloomError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/random.ts';
import { checkOnnxModels } from '../helpers/onnx-checker.ts';

const dir = join(import.meta.dirname, '../fixtures/onnx');

interface TorchCase {
  readonly file: string;
  readonly inputs: Record<string, { shape: number[]; data: number[] }>;
  readonly outputs: Record<string, { shape: number[]; data: number[] }>;
}
const torchCases = JSON.parse(readFileSync(join(dir, 'torch-models.json'), 'utf8')) as Record<
  string,
  TorchCase
>;

const reexported = new Map<string, Uint8Array>();

function maxDiff(a: HostTensor, b: { shape: readonly number[]; data: ArrayLike<number> }): number {
  expect([...a.shape]).toEqual([...b.shape]);
  let m = 0;
  const ad = a.data as Float32Array;
  for (let i = 0; i < ad.length; i++) m = Math.max(m, Math.abs(ad[i]! - b.data[i]!));
  return m;
}

/** Random feeds for every graph input, batch `n` on batched inputs. */
function feedsFor(graph: Graph, n: number, seed: number): Record<string, HostTensor> {
  const rng = new Rng(seed);
  const feeds: Record<string, HostTensor> = {};
  for (const i of graph.inputs) {
    const v = graph.values.get(i.value)!;
    const shape = i.batched ? [n, ...v.shape.slice(1)] : [...v.shape];
    const size = shape.reduce((p, d) => p * d, 1);
    feeds[i.name] =
      v.dtype === 'int64'
        ? {
            dtype: 'int64',
            shape,
            data: BigInt64Array.from({ length: size }, () => BigInt(Math.floor(rng.uniform(0, 3)))),
          }
        : { dtype: 'float32', shape, data: Float32Array.from({ length: size }, () => rng.normal()) };
  }
  return feeds;
}

function importError(bytes: Uint8Array, path?: string): NetloomError {
  try {
    importOnnx(bytes, path ? { path } : {});
  } catch (e) {
    if (e instanceof NetloomError) return e;
    throw e;
  }
  throw new Error('import did not fail');
}

describe('torch-exported models', () => {
  // The LSTM comes in as ONNX's fused LSTM op (an IR row since the recurrent layers).
  for (const name of ['mlp', 'cnn', 'lstm']) {
    test(`${name}: re-export matches the original file and torch`, async () => {
      const c = torchCases[name]!;
      const bytes = readFileSync(join(dir, c.file));
      // Built for batch 1, fed torch's batch of 2: the batch must stay free through import.
      const x = c.inputs['x']!;
      // torch's LSTM export builds its zero initial state from the traced batch; folded at import,
      // that size is fixed, so this model is imported for the batch it will be fed.
      const m = importOnnx(bytes, { path: c.file, ...(name === 'lstm' ? { batch: x.shape[0]! } : {}) });
      expect(m.opset).toBe(17);
      expect(m.producer).toMatch(/^pytorch/);
      const out = exportOnnx(m.graph, m.weights, { name });
      reexported.set(name, out);
      const feeds: Record<string, HostTensor> = {
        x: { dtype: 'float32', shape: x.shape, data: Float32Array.from(x.data) },
      };
      const mine = await runOnnx(out, feeds);
      const theirs = await runOnnx(bytes, feeds);
      const y = c.outputs['y']!;
      expect(maxDiff(mine['y']!, y)).toBeLessThan(1e-5);
      expect(
        maxDiff(mine['y']!, { shape: theirs['y']!.shape, data: theirs['y']!.data as Float32Array }),
      ).toBe(0);
    });
  }

  test('weights keep torch names, node and role (BatchNorm running stats are state)', () => {
    const m = importOnnx(readFileSync(join(dir, 'cnn.onnx')));
    const byId = new Map(m.graph.weights.map((w) => [w.id, w]));
    expect(byId.get('conv1.weight')).toMatchObject({
      node: 'conv1',
      name: 'weight',
      role: 'param',
      shape: [4, 1, 3, 3],
    });
    expect(byId.get('bn1.running_mean')).toMatchObject({ node: 'bn1', name: 'running_mean', role: 'state' });
    expect(byId.get('bn1.running_var')?.role).toBe('state');
    expect(byId.get('bn1.weight')?.role).toBe('param');
    expect(m.weights.get('fc.weight')?.length).toBe(3 * 6);
    // view(size(0), -1) is Shape → Gather → Unsqueeze → Concat → Reshape; folded, it copies the batch axis.
    const reshape = m.graph.ops.find((o) => o.type === 'Reshape')!;
    const target = m.graph.constants.get(reshape.inputs[1]!)!;
    expect(Array.from(target.data as BigInt64Array, Number)).toEqual([0, -1]);
    expect(m.graph.ops.map((o) => o.type)).toEqual([
      'Conv',
      'BatchNormalization',
      'Relu',
      'MaxPool',
      'Conv',
      'Relu',
      'Reshape',
      'Gemm',
    ]);
    expect(m.warnings).toEqual([]);
  });

  test('a batch option sizes the symbolic batch axis', () => {
    const m = importOnnx(readFileSync(join(dir, 'cnn.onnx')), { batch: 3 });
    const x = m.graph.inputs[0]!;
    expect(x.batched).toBe(true);
    expect(m.graph.values.get(x.value)?.shape).toEqual([3, 1, 8, 8]);
    expect(m.graph.values.get('y')?.shape).toEqual([3, 3]);
  });
});

describe('Netloom exports come back the same', () => {
  for (const name of ['mlp', 'lenet5', 'dcgan', 'playground', 'resnet18']) {
    test(name, async () => {
      const doc = loadTemplate(name)!;
      const lowered = lowerDocument(doc, { mode: 'inference', batch: 1 });
      if (hasErrors(lowered)) throw new Error(formatDiagnostics(lowered));
      const { bytes } = exportDocument(doc, { seed: 3 });
      const m = importOnnx(bytes);
      // Inputs that only feed a loss (labels) are not in an inference export.
      const fileInputs = (decodeModel(bytes) as { graph: { input: { name: string }[] } }).graph.input;
      expect(m.graph.inputs.map((i) => i.name)).toEqual(fileInputs.map((i) => i.name));
      expect(m.graph.inputs.every((i) => i.batched)).toBe(true);
      expect(m.graph.outputs.map((o) => o.name)).toEqual(
        lowered.graph.outputs.filter((o) => o.role === 'output').map((o) => o.name),
      );
      const again = exportOnnx(m.graph, m.weights, { name });
      if (name !== 'resnet18') reexported.set(`template ${name}`, again);
      const feeds = feedsFor(m.graph, 2, 7);
      const a = await runOnnx(bytes, feeds);
      const b = await runOnnx(again, feeds);
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
      for (const [k, t] of Object.entries(a)) {
        expect(maxDiff(b[k]!, { shape: t.shape, data: t.data as Float32Array }), k).toBe(0);
      }
    });
  }
});

/** A hand-made ModelProto (plain object, as protobufjs takes it). */
function model(graph: Record<string, unknown> | undefined, opset = 17): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    ...(graph ? { graph } : {}),
  });
}

const floatInput = (name: string, dims: (number | string)[]): Record<string, unknown> => ({
  name,
  type: {
    tensorType: {
      elemType: 1,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  },
});

function oneNode(
  node: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: 'g',
    node: [node],
    input: [floatInput('x', ['N', 4])],
    output: [{ name: 'y' }],
    ...extra,
  };
}

describe('bad files fail with one line', () => {
  test('bytes that are not protobuf', () => {
    const e = importError(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]), 'junk.onnx');
    expect(e.code).toBe('invalid-onnx');
    expect(e.message).toMatch(/^junk\.onnx: not an ONNX model \(/);
    expect(e.path).toBe('junk.onnx');
  });

  test('a truncated file', () => {
    const bytes = readFileSync(join(dir, 'mlp.onnx'));
    const e = importError(bytes.subarray(0, bytes.length >> 1), 'models/mlp.onnx');
    expect(e.code).toBe('invalid-onnx');
    expect(e.message.split('\n')).toHaveLength(1);
    // The file's name, then what is wrong with it.
    expect(e.message).toMatch(/^models\/mlp\.onnx: not an ONNX model \(.+\)$/);
    expect(e.path).toBe('models/mlp.onnx');
  });

  test('a text file', () => {
    const e = importError(new TextEncoder().encode('{"format": "netloom", "nodes": []}\n'));
    expect(e.code).toBe('invalid-onnx');
  });

  test('a model without a graph', () => {
    const e = importError(model(undefined));
    expect(e.message).toBe('the file holds no graph');
  });

  test('an opset newer than we read', () => {
    const e = importError(model(oneNode({ opType: 'Relu', input: ['x'], output: ['y'] }), 19));
    expect(e.code).toBe('unsupported-version');
    expect(e.message).toBe('opset 19 is newer than Netloom reads (13–18); export with opset 17');
  });

  test('an opset older than we read', () => {
    const e = importError(model(oneNode({ opType: 'Relu', input: ['x'], output: ['y'] }), 11));
    expect(e.message).toBe('opset 11 is older than Netloom reads (13–18); export with opset 17');
  });

  test('an op without a row', () => {
    const e = importError(
      model(oneNode({ name: 'nms_1', opType: 'NonMaxSuppression', input: ['x'], output: ['y'] })),
    );
    expect(e.code).toBe('unsupported-op');
    expect(e.message).toBe("Netloom cannot run this op: NonMaxSuppression (1 node: 'nms_1')");
    expect(e.nodeId).toBe('nms_1');
  });

  test('every op it cannot run is named at once, not only the first', () => {
    const e = importError(
      model({
        name: 'g',
        node: [
          { name: 'nms_1', opType: 'NonMaxSuppression', input: ['x'], output: ['a'] },
          { name: 'r', opType: 'Relu', input: ['a'], output: ['b'] },
          { name: 'nms_2', opType: 'NonMaxSuppression', input: ['b'], output: ['c'] },
          { name: 'f', opType: 'FusedGemm', domain: 'com.microsoft', input: ['c'], output: ['y'] },
        ],
        input: [floatInput('x', ['N', 4])],
        output: [{ name: 'y' }],
      }),
    );
    expect(e.code).toBe('unsupported-op');
    expect(e.message).toBe(
      "Netloom cannot run these 2 ops: NonMaxSuppression (2 nodes: 'nms_1', 'nms_2'); com.microsoft.FusedGemm (1 node: 'f')",
    );
    expect(e.nodeId).toBe('nms_1');
  });

  test('an op from another domain', () => {
    const e = importError(
      model(
        oneNode({ name: 'f', opType: 'FusedGemm', domain: 'com.microsoft', input: ['x'], output: ['y'] }),
      ),
    );
    expect(e.message).toBe("Netloom cannot run this op: com.microsoft.FusedGemm (1 node: 'f')");
  });

  test('an attribute the op does not have', () => {
    const e = importError(
      model(
        oneNode({
          name: 'r',
          opType: 'Relu',
          input: ['x'],
          output: ['y'],
          attribute: [{ name: 'beta', type: 1, f: 2 }],
        }),
      ),
    );
    expect(e.message).toBe("Netloom cannot run this op: Relu with attribute 'beta' (1 node: 'r')");
  });

  test('a node reading an undefined value', () => {
    const e = importError(model(oneNode({ name: 'r', opType: 'Relu', input: ['nowhere'], output: ['y'] })));
    expect(e.message).toBe(
      "node 'r' (Relu) reads 'nowhere', which no earlier node, input or initializer defines",
    );
  });

  test('shapes that do not fit are blamed on the node', () => {
    const e = importError(
      model(
        oneNode(
          { name: 'mm', opType: 'MatMul', input: ['x', 'w'], output: ['y'] },
          {
            initializer: [{ name: 'w', dims: [5, 3], dataType: 1, floatData: new Array<number>(15).fill(0) }],
          },
        ),
      ),
    );
    expect(e.code).toBe('invalid-onnx');
    expect(e.message).toMatch(/^node 'mm' \(MatMul\): /);
    expect(e.nodeId).toBe('mm');
  });

  test('a symbolic dimension past the batch needs a size', () => {
    const bytes = model({
      name: 'g',
      node: [{ name: 'r', opType: 'Relu', input: ['x'], output: ['y'] }],
      input: [floatInput('x', ['N', 'seq', 4])],
      output: [{ name: 'y' }],
    });
    expect(importError(bytes).message).toBe(
      "input 'x' has a symbolic dimension 'seq' at axis 1; Netloom needs static shapes — give its size",
    );
    expect(importOnnx(bytes, { dims: { seq: 6 } }).graph.values.get('y')?.shape).toEqual([1, 6, 4]);
  });

  test('a data type the IR does not hold', () => {
    const e = importError(
      model(
        oneNode(
          { name: 'a', opType: 'Add', input: ['x', 'w'], output: ['y'] },
          { initializer: [{ name: 'w', dims: [4], dataType: 11, doubleData: [1, 2, 3, 4] }] },
        ),
      ),
    );
    expect(e.message).toBe(
      "initializer 'w': data type DOUBLE is not supported (Netloom holds FLOAT, INT64 and BOOL)",
    );
  });

  test('weights stored in an external file', () => {
    const e = importError(
      model(
        oneNode(
          { name: 'a', opType: 'Add', input: ['x', 'w'], output: ['y'] },
          { initializer: [{ name: 'w', dims: [4], dataType: 1, dataLocation: 1 }] },
        ),
      ),
    );
    expect(e.message).toMatch(/^initializer 'w': its data is stored in an external file/);
  });

  test('an output nothing computes', () => {
    const bytes = model({
      name: 'g',
      node: [{ name: 'r', opType: 'Relu', input: ['x'], output: ['y'] }],
      input: [floatInput('x', ['N', 4])],
      output: [{ name: 'z' }],
    });
    expect(importError(bytes).message).toBe("output 'z' is not computed by any node");
  });
});

describe('hand-made graphs', () => {
  test('Constant nodes become constants; scalars and int64 initializers are not weights', async () => {
    const bytes = model({
      name: 'g',
      node: [
        {
          name: 'c',
          opType: 'Constant',
          output: ['two'],
          attribute: [{ name: 'value_float', type: 1, f: 2 }],
        },
        { name: 'm', opType: 'Mul', input: ['x', 'two'], output: ['t'] },
        { name: 'a', opType: 'Add', input: ['t', 'b'], output: ['u'] },
        { name: 'r', opType: 'Reshape', input: ['u', 'shape'], output: ['y'] },
      ],
      initializer: [
        { name: 'b', dims: [4], dataType: 1, floatData: [1, 2, 3, 4] },
        { name: 'shape', dims: [3], dataType: 7, int64Data: [0, 2, 2] },
      ],
      input: [floatInput('x', ['N', 4])],
      output: [{ name: 'y' }],
    });
    const m = importOnnx(bytes);
    expect(m.graph.weights.map((w) => [w.id, w.role])).toEqual([['b', 'param']]);
    expect([...m.graph.constants.keys()].sort()).toEqual(['shape', 'two']);
    expect(m.graph.values.get('y')?.shape).toEqual([1, 2, 2]);
    const out = await runOnnx(exportOnnx(m.graph, m.weights), {
      x: { dtype: 'float32', shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i) },
    });
    expect(out['y']!.shape).toEqual([3, 2, 2]);
    expect(Array.from(out['y']!.data as Float32Array)).toEqual(
      Array.from({ length: 12 }, (_, i) => 2 * i + ((i % 4) + 1)),
    );
  });
});

// Last in the file, after the tests above have re-exported their models.
test('every re-exported model passes onnx.checker (full_check)', () => {
  expect(reexported.size).toBeGreaterThan(0);
  expect(checkOnnxModels(reexported)).toEqual({});
});

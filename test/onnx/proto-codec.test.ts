// The ONNX protobuf codec that compiles nothing (it runs under the desktop app's CSP): against
// protobufjs's own generated codec, on torch-exported files and Netloom's exports of every template.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs/light.js';
import { describe, expect, test } from 'vitest';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { ModelProto, decodeModel, encodeModel } from '../../src/onnx/proto.ts';
import { loadTemplate, templateNames } from '../../src/templates/catalogue.ts';
import { onnxFixtureDir } from '../helpers/fixtures.ts';

/** protobufjs's reference path (code generated with new Function; fine in Node). */
function referenceDecode(bytes: Uint8Array): unknown {
  return ModelProto.toObject(ModelProto.decode(bytes), {
    longs: Number,
    enums: Number,
    bytes: Uint8Array,
    defaults: false,
  });
}
function referenceEncode(obj: Record<string, unknown>): Uint8Array {
  return ModelProto.encode(ModelProto.fromObject(obj)).finish();
}

/** Buffer and Uint8Array views compared as plain bytes (by digest: weights are megabytes). */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return `${v.length} bytes ${createHash('sha256').update(v).digest('hex')}`;
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

const files: [string, Uint8Array][] = [
  ...['mlp.onnx', 'cnn.onnx', 'lstm.onnx'].map(
    (f) => [f, new Uint8Array(readFileSync(join(onnxFixtureDir, f)))] as [string, Uint8Array],
  ),
  ...templateNames()
    .filter((n) => n !== 'resnet18' && n !== 'dcgan')
    .map((n) => [`template ${n}`, exportDocument(loadTemplate(n)!).bytes] as [string, Uint8Array]),
];

describe('ONNX codec without run-time code generation', () => {
  test.each(files)('%s: decodes as protobufjs does and encodes back to the same bytes', (_, bytes) => {
    const ours = decodeModel(bytes);
    expect(plain(ours)).toEqual(plain(referenceDecode(bytes)));
    // Compared whole (a deep toEqual walks megabytes one element at a time).
    expect(Buffer.compare(encodeModel(ours), referenceEncode(ours))).toBe(0);
  });

  test('works with protobufjs’s code generation switched off (as a CSP without unsafe-eval does)', () => {
    const codegen = protobuf.util.codegen;
    (protobuf.util as { codegen: unknown }).codegen = () => {
      throw new EvalError('code generation is not allowed here');
    };
    try {
      const bytes = exportDocument(loadTemplate('lenet5')!).bytes;
      const again = encodeModel(decodeModel(bytes));
      expect(Buffer.compare(again, bytes)).toBe(0);
    } finally {
      (protobuf.util as { codegen: unknown }).codegen = codegen;
    }
  });

  test('packed and unpacked repeated numbers both read (protobuf readers must accept both)', () => {
    const obj = {
      irVersion: 8,
      graph: { initializer: [{ name: 'w', dims: [2, 3], dataType: 1, floatData: [1, 2, 3, 4, 5, 6.5] }] },
    };
    // floatData is [packed = true] in onnx.proto, dims is not: both ways round the trip.
    const bytes = encodeModel(obj);
    expect(Buffer.compare(bytes, referenceEncode(obj))).toBe(0);
    expect(decodeModel(bytes)).toEqual(obj);
    // The same floats unpacked (one tag per value), as some writers emit them.
    const unpacked = Uint8Array.of(
      ...[1, 2].flatMap((v) => [0x25, ...new Uint8Array(Float32Array.of(v).buffer)]), // TensorProto.float_data = 4, wire 5
    );
    const tensor = Uint8Array.of(0x0a, 0x01, 0x01, ...unpacked); // dims: [1]
    const graph = Uint8Array.of(0x2a, tensor.length, ...tensor); // GraphProto.initializer = 5
    const model = Uint8Array.of(0x3a, graph.length, ...graph);
    expect(decodeModel(model)).toEqual({ graph: { initializer: [{ dims: [1], floatData: [1, 2] }] } });
    expect(decodeModel(model)).toEqual(referenceDecode(model));
  });

  test('malformed input is an Error, never a hang or a wrong object', () => {
    // Field 1 of ModelProto (ir_version, a varint) sent as a length-delimited field.
    expect(() => decodeModel(Uint8Array.of(0x0a, 0x01, 0x00))).toThrow(/wire type 2 for a int64/);
    // A graph (field 7) whose length runs past the end of the file.
    expect(() => decodeModel(Uint8Array.of(0x3a, 0x10, 0x00))).toThrow();
    // Graphs nested in attributes 200 levels deep.
    let g = new Uint8Array(0);
    for (let i = 0; i < 200; i++) {
      const attr = Uint8Array.of(0x32, g.length, ...g); // AttributeProto.g = 6
      const node = Uint8Array.of(0x2a, attr.length, ...attr); // NodeProto.attribute = 5
      g = Uint8Array.of(0x0a, node.length, ...node); // GraphProto.node = 1
      if (g.length > 120) break;
    }
    expect(() => decodeModel(Uint8Array.of(0x3a, g.length, ...g))).not.toThrow();
    expect(() => encodeModel({ irVersion: 'eight' })).toThrow(
      /internal: ModelProto\.irVersion is not a int64/,
    );
  });
});

// ONNX protobuf messages, from the official onnx.proto through protobufjs's reflection and wire
// format (proto-codec.ts walks them). The descriptor is generated once by scripts/gen-onnx-proto.mjs.
import protobuf from 'protobufjs/light.js';
import { onnxProtoDescriptor } from './onnx-proto.ts';
import { decodeMessageBytes, encodeMessageBytes } from './proto-codec.ts';

const root = protobuf.Root.fromJSON(onnxProtoDescriptor as unknown as protobuf.INamespace);

export const ModelProto = root.lookupType('onnx.ModelProto');

// onnx.proto enums, by the names the spec gives them.
export const TensorDataType = { FLOAT: 1, UINT8: 2, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

/** IR version 8 goes with opset 17 (onnx 1.12). */
export const onnxIrVersion = 8;
export const onnxOpset = 17;

/**
 * A ModelProto (plain object, fields by their camelCase names) as bytes. Throws Error('internal: …')
 * for a field of the wrong kind. No code is compiled at run time (see proto-codec.ts): this runs
 * under the desktop app's Content-Security-Policy.
 */
export function encodeModel(model: Record<string, unknown>): Uint8Array {
  return encodeMessageBytes(ModelProto, model);
}

/** Decodes bytes into a plain object (int64 as numbers, bytes as Uint8Array). */
export function decodeModel(bytes: Uint8Array): Record<string, unknown> {
  return decodeMessageBytes(ModelProto, bytes);
}

// The parts of a decoded ONNX ModelProto that import reads, narrowed from unknown with zod, and
// TensorProto/AttributeProto → IR values. Anything outside what Netloom can represent (doubles,
// external data, subgraphs) is refused with a message that names the tensor or attribute.
import { z } from 'zod';
import type { AttrValue, ConstTensor, DType } from '../ir/types.ts';
import { numel } from '../ir/types.ts';
import { NetloomError } from '../util/errors.ts';
import { AttributeType, TensorDataType } from './proto.ts';

const num = z.number();
const strs = z.array(z.string()).default([]);

export const tensorSchema = z.object({
  name: z.string().default(''),
  dims: z.array(num).default([]),
  dataType: num.default(0),
  floatData: z.array(num).default([]),
  int32Data: z.array(num).default([]),
  int64Data: z.array(num).default([]),
  doubleData: z.array(num).default([]),
  rawData: z.instanceof(Uint8Array).optional(),
  dataLocation: num.default(0),
});

export const attributeSchema = z.object({
  name: z.string(),
  type: num.default(0),
  f: num.optional(),
  i: num.optional(),
  s: z.instanceof(Uint8Array).optional(),
  t: tensorSchema.optional(),
  g: z.unknown().optional(),
  floats: z.array(num).default([]),
  ints: z.array(num).default([]),
  strings: z.array(z.instanceof(Uint8Array)).default([]),
  graphs: z.array(z.unknown()).default([]),
});

export const nodeSchema = z.object({
  name: z.string().default(''),
  opType: z.string().default(''),
  domain: z.string().default(''),
  input: strs,
  output: strs,
  attribute: z.array(attributeSchema).default([]),
});

const dimSchema = z.object({ dimValue: num.optional(), dimParam: z.string().optional() });

export const valueInfoSchema = z.object({
  name: z.string(),
  type: z
    .object({
      tensorType: z
        .object({
          elemType: num.default(0),
          shape: z.object({ dim: z.array(dimSchema).default([]) }).optional(),
        })
        .optional(),
    })
    .optional(),
});

export const graphSchema = z.object({
  name: z.string().default(''),
  node: z.array(nodeSchema).default([]),
  initializer: z.array(tensorSchema).default([]),
  sparseInitializer: z.array(z.unknown()).default([]),
  input: z.array(valueInfoSchema).default([]),
  output: z.array(valueInfoSchema).default([]),
});

export const modelSchema = z.object({
  irVersion: num.default(0),
  producerName: z.string().default(''),
  producerVersion: z.string().default(''),
  opsetImport: z.array(z.object({ domain: z.string().default(''), version: num.default(0) })).default([]),
  graph: graphSchema.optional(),
});

export type OnnxModel = z.infer<typeof modelSchema>;
export type OnnxGraph = z.infer<typeof graphSchema>;
export type OnnxNode = z.infer<typeof nodeSchema>;
export type OnnxTensor = z.infer<typeof tensorSchema>;
export type OnnxAttribute = z.infer<typeof attributeSchema>;
export type OnnxValueInfo = z.infer<typeof valueInfoSchema>;

const dataTypeNames: Record<number, string> = {
  0: 'UNDEFINED',
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
};

export function dataTypeName(t: number): string {
  return dataTypeNames[t] ?? `type ${t}`;
}

/** The IR dtype of an ONNX element type, or undefined where the IR has none. */
export function irDType(t: number): DType | undefined {
  if (t === TensorDataType.FLOAT) return 'float32';
  if (t === TensorDataType.INT64) return 'int64';
  if (t === TensorDataType.BOOL) return 'bool';
  return undefined;
}

/** `what` names the tensor in messages, e.g. "initializer 'fc.weight'". */
export function decodeTensor(t: OnnxTensor, what: string): ConstTensor {
  const bad = (why: string): never => {
    throw new NetloomError('invalid-onnx', `${what}: ${why}`);
  };
  // ONNX TensorProto.DataLocation EXTERNAL = 1: the bytes sit in a side file we were not given.
  if (t.dataLocation === 1)
    bad('its data is stored in an external file; save the model with the weights inside');
  const dtype =
    irDType(t.dataType) ??
    bad(`data type ${dataTypeName(t.dataType)} is not supported (Netloom holds FLOAT, INT64 and BOOL)`);
  const shape = t.dims.map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    bad(`dims [${shape.slice(0, 8).join(', ')}${shape.length > 8 ? ', …' : ''}] are not valid`);
  }
  const n = numel(shape);
  const raw = t.rawData;
  let data: Float32Array | BigInt64Array | Uint8Array;
  if (raw && raw.byteLength > 0) {
    const width = dtype === 'bool' ? 1 : dtype === 'int64' ? 8 : 4;
    if (raw.byteLength !== n * width) {
      bad(`raw data holds ${raw.byteLength} bytes; dims [${shape.join(', ')}] need ${n * width}`);
    }
    // A copy: the decoded bytes may sit at any offset of the file buffer, and typed arrays need
    // alignment. ONNX raw_data is little-endian, as is every platform we run on. Not slice():
    // in Node the bytes are a Buffer, whose slice() is a view into the shared pool.
    const copy = new Uint8Array(raw);
    data =
      dtype === 'float32'
        ? new Float32Array(copy.buffer, 0, n)
        : dtype === 'int64'
          ? new BigInt64Array(copy.buffer, 0, n)
          : copy;
  } else {
    const src = dtype === 'float32' ? t.floatData : dtype === 'int64' ? t.int64Data : t.int32Data;
    if (src.length !== n) bad(`holds ${src.length} values; dims [${shape.join(', ')}] need ${n}`);
    data =
      dtype === 'float32'
        ? Float32Array.from(src)
        : dtype === 'int64'
          ? BigInt64Array.from(src, (x) => BigInt(x))
          : Uint8Array.from(src, (x) => (x ? 1 : 0));
  }
  return { shape, dtype, data };
}

const utf8 = new TextDecoder();

/** The attribute's value as the IR holds it. */
export function decodeAttribute(a: OnnxAttribute, what: string): AttrValue {
  let type = a.type;
  if (type === 0) {
    // IR version 1 files may leave the type out; the filled field says it.
    type =
      a.f !== undefined
        ? AttributeType.FLOAT
        : a.i !== undefined
          ? AttributeType.INT
          : a.s !== undefined
            ? AttributeType.STRING
            : a.t !== undefined
              ? AttributeType.TENSOR
              : a.floats.length
                ? AttributeType.FLOATS
                : a.ints.length
                  ? AttributeType.INTS
                  : a.strings.length
                    ? AttributeType.STRINGS
                    : 0;
  }
  switch (type) {
    case AttributeType.FLOAT:
      return a.f ?? 0;
    case AttributeType.INT:
      return a.i ?? 0;
    case AttributeType.STRING:
      return a.s ? utf8.decode(a.s) : '';
    case AttributeType.TENSOR:
      return decodeTensor(a.t ?? tensorSchema.parse({}), what);
    case AttributeType.FLOATS:
      return a.floats;
    case AttributeType.INTS:
      return a.ints;
    case AttributeType.STRINGS:
      return a.strings.map((s) => utf8.decode(s));
    default:
      throw new NetloomError(
        'unsupported-op',
        `${what}: attribute type ${type === 5 || type === 10 ? 'GRAPH (a subgraph)' : type} is not supported`,
      );
  }
}

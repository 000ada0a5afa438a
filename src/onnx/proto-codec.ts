// Protobuf encode and decode of ONNX messages by walking protobufjs's reflection (its Type and
// Field objects), with protobufjs's own Reader and Writer for the wire format.
//
// Why not protobufjs's encode/decode: it builds each message's codec as JavaScript source and
// compiles it with `new Function`, which the desktop app's Content-Security-Policy (script-src
// 'self' 'wasm-unsafe-eval', no 'unsafe-eval') forbids — in the window and in the training worker
// ONNX export and import failed with an EvalError. This walk compiles nothing.
//
// The objects are what protobufjs's toObject gives with { longs: Number, enums: Number, bytes:
// Uint8Array, defaults: false }: fields by their camelCase names, only those present, 64-bit
// integers as numbers. Decoding is bounded: nesting deeper than maxDepth is refused, as is a field
// whose wire type is not its type's.
import protobuf from 'protobufjs/light.js';

type Json = Record<string, unknown>;

/** Deeper than any ONNX model nests (a graph in an attribute in a node in a graph…). */
export const maxDepth = 64;

/** protobufjs's Long (from the long package, or its own bits), or a number where it has neither. */
type LongLike = number | { toNumber(): number } | { low: number; high: number };

const scalarWire: Readonly<Record<string, number>> = protobuf.types.basic;
const packable: Readonly<Record<string, number>> = protobuf.types.packed;

function fieldType(f: protobuf.Field): string {
  return f.resolvedType instanceof protobuf.Enum ? 'int32' : f.type;
}

function fieldsOf(t: protobuf.Type): protobuf.Field[] {
  return t.fieldsArray.map((f) => f.resolve());
}

/** Reads one scalar of `type` as the object form holds it. */
function readScalar(r: protobuf.Reader, type: string): unknown {
  switch (type) {
    case 'double':
      return r.double();
    case 'float':
      return r.float();
    case 'int32':
      return r.int32();
    case 'uint32':
      return r.uint32();
    case 'sint32':
      return r.sint32();
    case 'fixed32':
      return r.fixed32();
    case 'sfixed32':
      return r.sfixed32();
    case 'int64':
      return toNumber(r.int64() as LongLike);
    case 'uint64':
      return toNumber(r.uint64() as LongLike);
    case 'sint64':
      return toNumber(r.sint64() as LongLike);
    case 'fixed64':
      return toNumber(r.fixed64() as LongLike);
    case 'sfixed64':
      return toNumber(r.sfixed64() as LongLike);
    case 'bool':
      return r.bool();
    case 'string':
      return r.string();
    case 'bytes':
      return r.bytes();
    default:
      throw new Error(`unknown scalar type ${type}`);
  }
}

function toNumber(v: LongLike): number {
  if (typeof v === 'number') return v;
  if ('toNumber' in v) return v.toNumber();
  return v.high * 2 ** 32 + (v.low >>> 0);
}

function decodeMessage(type: protobuf.Type, r: protobuf.Reader, end: number, depth: number): Json {
  if (depth > maxDepth) throw new Error(`messages nest deeper than ${maxDepth} levels`);
  const byId = new Map(fieldsOf(type).map((f) => [f.id, f]));
  const out: Json = {};
  while (r.pos < end) {
    const tag = r.uint32();
    const id = tag >>> 3;
    const wire = tag & 7;
    const f = byId.get(id);
    if (!f) {
      r.skipType(wire);
      continue;
    }
    const t = fieldType(f);
    const scalar = scalarWire[t];
    if (scalar === undefined) {
      // A message (never a group in ONNX).
      if (wire !== 2 || !(f.resolvedType instanceof protobuf.Type)) {
        throw new Error(`field ${type.name}.${f.name}: wire type ${wire} for a message`);
      }
      const len = r.uint32();
      const stop = r.pos + len;
      if (stop > end) throw new Error(`field ${type.name}.${f.name} runs past its message`);
      const value = decodeMessage(f.resolvedType, r, stop, depth + 1);
      r.pos = stop;
      if (f.repeated) ((out[f.name] ??= []) as unknown[]).push(value);
      else out[f.name] = value;
      continue;
    }
    if (f.repeated && wire === 2 && packable[t] !== undefined) {
      // Packed: a length, then values back to back (accepted whether or not the field says packed).
      const len = r.uint32();
      const stop = r.pos + len;
      if (stop > end) throw new Error(`field ${type.name}.${f.name} runs past its message`);
      const list = (out[f.name] ??= []) as unknown[];
      while (r.pos < stop) list.push(readScalar(r, t));
      if (r.pos !== stop) throw new Error(`field ${type.name}.${f.name}: a packed value runs past its end`);
      continue;
    }
    if (wire !== scalar) throw new Error(`field ${type.name}.${f.name}: wire type ${wire} for a ${t}`);
    const value = readScalar(r, t);
    if (f.repeated) ((out[f.name] ??= []) as unknown[]).push(value);
    else out[f.name] = value;
  }
  if (r.pos !== end) throw new Error(`${type.name} runs past its end`);
  return out;
}

/** Decodes bytes as `type` into the object form. Throws Error on anything malformed. */
export function decodeMessageBytes(type: protobuf.Type, bytes: Uint8Array): Json {
  const r = protobuf.Reader.create(bytes);
  return decodeMessage(type, r, r.len, 0);
}

function checkScalar(type: protobuf.Type, f: protobuf.Field, t: string, v: unknown): void {
  const ok =
    t === 'string'
      ? typeof v === 'string'
      : t === 'bytes'
        ? v instanceof Uint8Array
        : t === 'bool'
          ? typeof v === 'boolean'
          : t === 'double' || t === 'float'
            ? typeof v === 'number'
            : typeof v === 'number' && Number.isInteger(v);
  if (!ok) throw new Error(`internal: ${type.name}.${f.name} is not a ${t} (${typeof v})`);
}

function writeScalar(w: protobuf.Writer, t: string, v: unknown): void {
  switch (t) {
    case 'double':
      w.double(v as number);
      break;
    case 'float':
      w.float(v as number);
      break;
    case 'int32':
      w.int32(v as number);
      break;
    case 'uint32':
      w.uint32(v as number);
      break;
    case 'sint32':
      w.sint32(v as number);
      break;
    case 'fixed32':
      w.fixed32(v as number);
      break;
    case 'sfixed32':
      w.sfixed32(v as number);
      break;
    case 'int64':
      w.int64(v as number);
      break;
    case 'uint64':
      w.uint64(v as number);
      break;
    case 'sint64':
      w.sint64(v as number);
      break;
    case 'fixed64':
      w.fixed64(v as number);
      break;
    case 'sfixed64':
      w.sfixed64(v as number);
      break;
    case 'bool':
      w.bool(v as boolean);
      break;
    case 'string':
      w.string(v as string);
      break;
    case 'bytes':
      w.bytes(v as Uint8Array);
      break;
    default:
      throw new Error(`unknown scalar type ${t}`);
  }
}

function encodeMessage(type: protobuf.Type, m: Json, w: protobuf.Writer, depth: number): void {
  if (depth > maxDepth) throw new Error(`internal: messages nest deeper than ${maxDepth} levels`);
  // Known fields in field-number order, as the encoding guide asks.
  for (const f of fieldsOf(type).sort((a, b) => a.id - b.id)) {
    if (!Object.hasOwn(m, f.name)) continue;
    const v = m[f.name];
    if (v === null || v === undefined) continue;
    const t = fieldType(f);
    const scalar = scalarWire[t];
    const values = f.repeated ? v : [v];
    if (!Array.isArray(values)) throw new Error(`internal: ${type.name}.${f.name} is repeated; not an array`);
    if (values.length === 0) continue;
    if (scalar === undefined) {
      const sub = f.resolvedType;
      if (!(sub instanceof protobuf.Type))
        throw new Error(`internal: ${type.name}.${f.name} has no message type`);
      for (const item of values) {
        if (typeof item !== 'object' || item === null) {
          throw new Error(`internal: ${type.name}.${f.name} is not a ${sub.name}`);
        }
        w.uint32(((f.id << 3) | 2) >>> 0).fork();
        encodeMessage(sub, item as Json, w, depth + 1);
        w.ldelim();
      }
      continue;
    }
    for (const item of values) checkScalar(type, f, t, item);
    if (f.repeated && f.packed && packable[t] !== undefined) {
      w.uint32(((f.id << 3) | 2) >>> 0).fork();
      for (const item of values) writeScalar(w, t, item);
      w.ldelim();
    } else {
      for (const item of values) {
        w.uint32(((f.id << 3) | scalar) >>> 0);
        writeScalar(w, t, item);
      }
    }
  }
}

/** Encodes the object form of `type`. Throws Error('internal: …') for a field of the wrong kind. */
export function encodeMessageBytes(type: protobuf.Type, m: Json): Uint8Array {
  const w = protobuf.Writer.create();
  encodeMessage(type, m, w, 0);
  return w.finish();
}

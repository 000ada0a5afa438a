// Trained weights beside a project, in the safetensors format (Hugging Face's: an 8-byte
// little-endian header length, a JSON header naming each tensor's dtype, shape and byte range, then
// the raw little-endian data). The project JSON stays small and diffable; the sidecar loads in
// PyTorch with `safetensors.torch.load_file`, and its names are torch's state_dict names.
import type { Weight } from './types.ts';
import { formatShape } from './types.ts';
import { z } from 'zod';
import { NetloomError } from '../util/errors.ts';
import { clip, echo, firstFew } from '../util/text.ts';
import { jsonNestingTooDeep } from '../util/json-nesting.ts';

/** safetensors is little-endian; weights are copied as bytes, swapped only on a big-endian host. */
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface NamedTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The sidecar's conventional name: model.json → model.safetensors. */
export function weightsFileName(projectFile: string): string {
  return projectFile.replace(/\.json$/i, '') + '.safetensors';
}

export function encodeSafetensors(
  tensors: ReadonlyMap<string, NamedTensor>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header['__metadata__'] = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.length * 4;
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // The format asks for the data to start 8-byte aligned; JSON may be padded with spaces.
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let o = 8 + head.length;
  for (const t of tensors.values()) {
    const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(raw, o);
    if (!littleEndianHost) swapEvery4(out.subarray(o, o + raw.length));
    o += raw.length;
  }
  return out;
}

/** The format's element types and their sizes in bits (safetensors' Dtype). */
const dtypeBits: Readonly<Record<string, number>> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  F64: 64,
  I64: 64,
  U64: 64,
};

/** The reference reader's bound on the header (HeaderTooLarge). */
const maxHeaderBytes = 100_000_000;

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const tensorInfoSchema = z.object({
  dtype: z.string(),
  shape: z.array(count),
  data_offsets: z.tuple([count, count]),
});
const metadataSchema = z.record(z.string(), z.string());

/**
 * Reads a safetensors file, checked as the reference implementation checks it: the header length
 * within the file, a JSON object header, every entry a {dtype, shape, data_offsets} of the right
 * types, and the tensors' byte ranges contiguous and in order from the start of the data, each
 * exactly its shape's size, together covering the data to the last byte. Netloom holds F32
 * weights; a tensor of another dtype is refused by name.
 */
export function decodeSafetensors(bytes: Uint8Array, path: string): Map<string, NamedTensor> {
  const bad = (message: string, position?: number): never => {
    const at = position !== undefined ? ` (at byte ${position})` : '';
    throw new NetloomError('invalid-file', `${path}: ${message}${at}`, { path });
  };
  if (bytes.length < 8) bad('too short to be a safetensors file (no header length)', 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(maxHeaderBytes)) bad(`the header claims ${n64} bytes, more than the format allows`, 0);
  const n = Number(n64);
  if (8 + n > bytes.length)
    bad(`the header claims ${n} bytes but the file has ${bytes.length - 8} after the length`, 0);
  if (bytes[8] !== 0x7b) bad('the header does not start with "{"', 8);
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
    const deep = jsonNestingTooDeep(text, 8);
    if (deep >= 0) bad('the header nests deeper than a safetensors header does', 8 + deep);
    header = JSON.parse(text);
  } catch (e) {
    if (e instanceof NetloomError) throw e;
    return bad(`the header is not valid JSON (${echo(e instanceof Error ? e.message : String(e))})`, 8);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    bad('the header is not a JSON object', 8);
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as object)) {
    if (name === '__metadata__') {
      if (!metadataSchema.safeParse(raw).success) bad('"__metadata__" is not a map of strings to strings');
      continue;
    }
    const info = tensorInfoSchema.safeParse(raw);
    if (!info.success) {
      const issue = info.error.issues[0];
      const where = issue && issue.path.length ? `${issue.path.join('.')}: ` : '';
      return bad(`tensor '${echo(name)}' is not described right (${where}${issue?.message ?? 'invalid'})`);
    }
    const {
      dtype,
      shape,
      data_offsets: [begin, end],
    } = info.data;
    if (dtypeBits[dtype] === undefined) bad(`tensor '${echo(name)}' has an unknown dtype ${echo(dtype)}`);
    entries.push({ name, dtype, shape, begin, end });
  }
  // As the reference's Metadata::validate: in offset order, each range starts where the last ended.
  const ordered = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const t of ordered) {
    const label = `tensor '${echo(t.name)}' ${clip(formatShape(t.shape), 60)}`;
    if (t.begin !== at || t.end < t.begin) {
      bad(
        `${label}: its data_offsets [${t.begin}, ${t.end}] ` +
          (t.begin > at
            ? `leave bytes ${at}–${t.begin} unused`
            : t.end < t.begin
              ? 'end before they begin'
              : `overlap the tensor before it (which ends at ${at})`),
        dataStart + Math.min(t.begin, dataLength),
      );
    }
    const elements = t.shape.reduce((p, d) => p * d, 1);
    const size = (elements * dtypeBits[t.dtype]!) / 8;
    if (!Number.isSafeInteger(size)) bad(`${label} is too large to hold`);
    if (t.end - t.begin !== size) {
      bad(`${label} needs ${size} bytes; its data_offsets [${t.begin}, ${t.end}] hold ${t.end - t.begin}`);
    }
    at = t.end;
  }
  const last = ordered.at(-1);
  if (at > dataLength && last) {
    bad(
      `tensor '${echo(last.name)}' ${clip(formatShape(last.shape), 60)}: its data_offsets [${last.begin}, ${last.end}] run past the end of the file (${dataLength} bytes of data after the header)`,
      dataStart + Math.min(last.begin, dataLength),
    );
  }
  if (at < dataLength) {
    bad(`${dataLength - at} bytes after the last tensor's data belong to no tensor`, dataStart + at);
  }
  const out = new Map<string, NamedTensor>();
  for (const t of entries) {
    if (t.dtype !== 'F32') bad(`tensor '${echo(t.name)}' is ${t.dtype}; Netloom reads F32 weights`);
    const values = (t.end - t.begin) / 4;
    out.set(t.name, { shape: t.shape, data: float32LittleEndian(bytes, dataStart + t.begin, values) });
  }
  return out;
}

/**
 * The bytes themselves, not values read one by one: a float read into a JavaScript number and
 * stored back may lose a NaN's payload (found by the fuzz suite), and a weight must be its bytes.
 */
function float32LittleEndian(bytes: Uint8Array, start: number, values: number): Float32Array {
  const data = new Float32Array(values);
  const raw = new Uint8Array(data.buffer);
  raw.set(bytes.subarray(start, start + values * 4));
  if (!littleEndianHost) swapEvery4(raw);
  return data;
}

function swapEvery4(raw: Uint8Array): void {
  for (let i = 0; i < raw.length; i += 4) {
    const a = raw[i]!;
    const b = raw[i + 1]!;
    raw[i] = raw[i + 3]!;
    raw[i + 1] = raw[i + 2]!;
    raw[i + 2] = b;
    raw[i + 3] = a;
  }
}

/**
 * A warning naming the tensors that hold NaN or ±Inf (a model trained past divergence): they load,
 * since the file is what it says, but the user should know. Undefined when all are finite.
 */
export function nonFiniteWarning(
  tensors: ReadonlyMap<string, NamedTensor>,
  path: string,
): string | undefined {
  const bad: string[] = [];
  for (const [name, t] of tensors) {
    let n = 0;
    for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i]!)) n++;
    if (n > 0) bad.push(`'${echo(name)}' (${n} of ${t.data.length} values)`);
  }
  if (bad.length === 0) return undefined;
  return `${path}: weights hold NaN or infinite values: ${firstFew(bad, 4, 'more tensors').join(', ')}`;
}

/**
 * The file's tensors as weight values for a model; every mismatch (a missing weight, a wrong shape,
 * an unknown name) is listed in one message so the user sees all of them at once.
 */
export function weightsForModel(
  tensors: ReadonlyMap<string, NamedTensor>,
  weights: readonly Weight[],
  path: string,
): Map<string, Float32Array> {
  const problems: string[] = [];
  const missing: string[] = [];
  const out = new Map<string, Float32Array>();
  const known = new Set(weights.map((w) => w.id));
  for (const w of weights) {
    const t = tensors.get(w.id);
    if (!t) missing.push(`'${echo(w.id)}'`);
    else if (t.shape.length !== w.shape.length || t.shape.some((d, i) => d !== w.shape[i])) {
      problems.push(
        `'${echo(w.id)}' is ${clip(formatShape(t.shape), 60)} in the file; the model needs ${formatShape(w.shape)}`,
      );
    } else out.set(w.id, t.data);
  }
  for (const name of tensors.keys())
    if (!known.has(name)) problems.push(`'${echo(name)}' is not a weight of this model`);
  if (missing.length) {
    problems.push(
      `${missing.length === 1 ? 'weight' : `${missing.length} weights`} missing: ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''}`,
    );
  }
  if (problems.length) {
    throw new NetloomError(
      'invalid-file',
      `${path} does not fit this model: ${problems.slice(0, 6).join('; ')}${problems.length > 6 ? `; and ${problems.length - 6} more` : ''}`,
      { path },
    );
  }
  return out;
}

/** The model's weights as a safetensors sidecar, in the model's weight order, torch's names. */
export function weightsFileBytes(
  weights: readonly Weight[],
  values: ReadonlyMap<string, Float32Array>,
  modelName: string,
): Uint8Array {
  const tensors = new Map(
    weights.flatMap((w) => {
      const data = values.get(w.id);
      return data ? [[w.id, { shape: w.shape, data }] as const] : [];
    }),
  );
  return encodeSafetensors(tensors, { format: 'pt', producer: 'netloom', model: modelName });
}

// Trained weights beside a project, in the safetensors format (Hugging Face's: an 8-byte
// little-endian header length, a JSON header naming each tensor's dtype, shape and byte range, then
// the raw little-endian data). The project JSON stays small and diffable; the sidecar loads in
// PyTorch with `safetensors.torch.load_file`, and its names are torch's state_dict names.
import type { Weight } from './types.ts';
import { formatShape, numel } from './types.ts';
import { NetloomError } from '../util/errors.ts';

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
    for (let i = 0; i < t.data.length; i++, o += 4) view.setFloat32(o, t.data[i]!, true);
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array, path: string): Map<string, NamedTensor> {
  const bad = (message: string, position?: number): never => {
    const at = position !== undefined ? ` (at byte ${position})` : '';
    throw new NetloomError('invalid-file', `${path}: ${message}${at}`, { path });
  };
  if (bytes.length < 8) bad('too short to be a safetensors file (no header length)', 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length)
    bad(`the header claims ${n} bytes but the file has ${bytes.length - 8} after the length`, 0);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n))) as Record<
      string,
      unknown
    >;
  } catch (e) {
    return bad(`the header is not valid JSON (${e instanceof Error ? e.message : String(e)})`, 8);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    bad('the header is not a JSON object', 8);
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const out = new Map<string, NamedTensor>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (info.dtype !== 'F32') bad(`tensor '${name}' is ${String(info.dtype)}; Netloom reads F32 weights`);
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      bad(`tensor '${name}' has no valid shape`);
    }
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isInteger(d))) {
      return bad(`tensor '${name}' has no valid data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    const count = numel(shape as number[]);
    if (end - begin !== count * 4 || begin < 0 || end > dataLength) {
      bad(
        `tensor '${name}' ${formatShape(shape as number[])} needs ${count * 4} bytes; its data_offsets [${begin}, ${end}] ` +
          (end > dataLength ? `run past the end of the file` : `hold ${end - begin}`),
        dataStart + Math.max(0, begin),
      );
    }
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + begin + i * 4, true);
    out.set(name, { shape: shape as number[], data });
  }
  return out;
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
    if (!t) missing.push(`'${w.id}'`);
    else if (t.shape.length !== w.shape.length || t.shape.some((d, i) => d !== w.shape[i])) {
      problems.push(
        `'${w.id}' is ${formatShape(t.shape)} in the file; the model needs ${formatShape(w.shape)}`,
      );
    } else out.set(w.id, t.data);
  }
  for (const name of tensors.keys())
    if (!known.has(name)) problems.push(`'${name}' is not a weight of this model`);
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

// NumPy .npy files (format 1.0–3.0 read, 1.0 written): float32 and int64, C order, little endian.
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import type { DType } from '../ir/types.ts';
import { NetloomError } from '../util/errors.ts';
import { clip, echo } from '../util/text.ts';
import type { HostTensor } from './tensors.ts';
import { numel } from '../ir/types.ts';

const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const descrs: Readonly<Record<string, { dtype: DType; bytes: number }>> = {
  '<f4': { dtype: 'float32', bytes: 4 },
  '<i8': { dtype: 'int64', bytes: 8 },
  '|b1': { dtype: 'bool', bytes: 1 },
};

function bad(file: string, message: string): never {
  throw new NetloomError('invalid-file', `${file}: ${message}`, { path: file });
}

/**
 * Reads the header dict — `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` — as
 * NumPy's reader does (a Python literal with exactly these three keys), strictly: anything else in
 * it, a key twice, or something after it but the padding is refused, so a damaged header is never
 * read as some other array.
 */
function parseHeader(text: string, file: string): { descr: string; fortran: boolean; shape: number[] } {
  const garbled = (): never => bad(file, `not a valid .npy header: ${echo(text.trim())}`);
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const expect = (c: string): void => {
    ws();
    if (text[i] !== c) garbled();
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') return garbled();
    const end = text.indexOf(q, i + 1);
    if (end < 0) return garbled();
    const v = text.slice(i + 1, end);
    i = end + 1;
    return v;
  };
  const int = (): number => {
    ws();
    const m = /^\d{1,16}L?/.exec(text.slice(i, i + 17));
    if (!m) return garbled();
    i += m[0].length;
    const n = Number(m[0].replace(/L$/, ''));
    if (!Number.isSafeInteger(n)) bad(file, `bad dimension '${m[0]}' in the .npy shape`);
    return n;
  };
  const values: { descr?: string; fortran?: boolean; shape?: number[] } = {};
  expect('{');
  for (;;) {
    ws();
    if (text[i] === '}') break;
    const key = str();
    expect(':');
    ws();
    if (key === 'descr' && values.descr === undefined) values.descr = str();
    else if (key === 'fortran_order' && values.fortran === undefined) {
      if (text.startsWith('True', i)) values.fortran = true;
      else if (text.startsWith('False', i)) values.fortran = false;
      else garbled();
      i += values.fortran ? 4 : 5;
    } else if (key === 'shape' && values.shape === undefined) {
      expect('(');
      const shape: number[] = [];
      ws();
      while (text[i] !== ')') {
        shape.push(int());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ')') garbled();
        ws();
      }
      i++;
      // A one-element tuple needs its comma in Python: "(2)" is not a shape.
      if (shape.length === 1 && !/,\s*\)$/.test(text.slice(0, i))) garbled();
      values.shape = shape;
    } else garbled();
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') garbled();
  }
  i++;
  // Only the padding may follow: spaces, then the newline that ends the header.
  if (!/^ *\n?$/.test(text.slice(i))) garbled();
  const { descr, fortran, shape } = values;
  if (descr === undefined || fortran === undefined || shape === undefined) return garbled();
  return { descr, fortran, shape };
}

export function readNpy(bytes: Uint8Array, file = '<npy>'): HostTensor {
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b))
    bad(file, 'not a NumPy .npy file (no \\x93NUMPY magic)');
  const major = bytes[6]!;
  if (major < 1 || major > 3) bad(file, `.npy format version ${major} is not supported (1, 2 or 3 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) bad(file, 'the .npy header runs past the end of the file');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(start, start + headerLen),
  );
  const { descr, fortran, shape } = parseHeader(header, file);
  const kind = descrs[descr];
  if (!kind)
    bad(
      file,
      `dtype '${echo(descr)}' is not supported: save float32 or int64 (e.g. x.astype(np.float32)) in little-endian order`,
    );
  if (fortran && shape.length > 1)
    bad(file, 'Fortran-order arrays are not supported: save np.ascontiguousarray(x)');
  const n = numel(shape);
  const offset = start + headerLen;
  const need = n * kind.bytes;
  const have = bytes.length - offset;
  // Exactly: a shorter file is truncated, a longer one holds more than its header says (a header
  // damaged into a smaller shape would otherwise read as a different array).
  if (have < need)
    bad(
      file,
      `the data is truncated: shape (${clip(shape.join(', '), 60)}) needs ${need} bytes, the file has ${have}`,
    );
  if (have > need)
    bad(
      file,
      `the file holds ${have} bytes of data; its header's shape (${clip(shape.join(', '), 60)}) ${kind.dtype} needs ${need}`,
    );
  // Copy so the tensor is aligned and independent of the file buffer.
  // (Node's Buffer.slice is a view, so copy explicitly.)
  const raw = new Uint8Array(need);
  raw.set(bytes.subarray(offset, offset + need));
  const data =
    kind.dtype === 'float32'
      ? new Float32Array(raw.buffer)
      : kind.dtype === 'int64'
        ? new BigInt64Array(raw.buffer)
        : new Uint8Array(raw.buffer);
  return { dtype: kind.dtype, shape, data };
}

export function writeNpy(t: HostTensor): Uint8Array {
  const descr = t.dtype === 'float32' ? '<f4' : t.dtype === 'int64' ? '<i8' : '|b1';
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // The whole preamble is padded with spaces to a multiple of 64 bytes and ends in a newline.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const data = t.data as Float32Array | BigInt64Array | Uint8Array;
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(total + body.length);
  out.set(magic, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(body, total);
  return out;
}

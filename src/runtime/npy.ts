// NumPy .npy files (format 1.0–3.0 read, 1.0 written): float32 and int64, C order, little endian.
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import type { DType } from '../ir/types.ts';
import { NetloomError } from '../util/errors.ts';
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

/** Reads the header dict: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } */
function parseHeader(text: string, file: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    bad(file, `not a valid .npy header: ${JSON.stringify(text.trim().slice(0, 80))}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) bad(file, `bad dimension '${s}' in the .npy shape`);
      return n;
    });
  return { descr, fortran: fortran === 'True', shape };
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
      `dtype '${descr}' is not supported: save float32 or int64 (e.g. x.astype(np.float32)) in little-endian order`,
    );
  if (fortran && shape.length > 1)
    bad(file, 'Fortran-order arrays are not supported: save np.ascontiguousarray(x)');
  const n = numel(shape);
  const offset = start + headerLen;
  const need = n * kind.bytes;
  if (bytes.length - offset < need)
    bad(
      file,
      `the data is truncated: shape (${shape.join(', ')}) needs ${need} bytes, the file has ${bytes.length - offset}`,
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

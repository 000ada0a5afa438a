// .npy files against NumPy itself: numpy writes, we read; we write, numpy reads.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readNpy, writeNpy } from '../../src/runtime/npy.ts';
import { requirePython } from '../helpers/references.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-npy-'));
const py = (code: string) =>
  execFileSync(requirePython(['numpy']), ['-c', `import numpy as np\n${code}`], {
    encoding: 'utf8',
    cwd: dir,
  });

test('reads float32 and int64 arrays numpy saved, including scalars and 1-element shapes', () => {
  py(
    [
      "np.save('f.npy', np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7)",
      "np.save('i.npy', np.array([[-3, 5], [2**40, 0]], dtype=np.int64))",
      "np.save('s.npy', np.float32(2.5))",
      "np.save('one.npy', np.zeros((1,), np.float32))",
    ].join('\n'),
  );
  const f = readNpy(readFileSync(join(dir, 'f.npy')));
  expect(f.dtype).toBe('float32');
  expect(f.shape).toEqual([2, 3, 4]);
  expect((f.data as Float32Array)[23]).toBeCloseTo(23 / 7, 6);
  const i = readNpy(readFileSync(join(dir, 'i.npy')));
  expect(i.shape).toEqual([2, 2]);
  expect(Array.from(i.data as BigInt64Array)).toEqual([-3n, 5n, 2n ** 40n, 0n]);
  expect(readNpy(readFileSync(join(dir, 's.npy'))).shape).toEqual([]);
  expect(readNpy(readFileSync(join(dir, 'one.npy'))).shape).toEqual([1]);
});

test('numpy reads what we write', () => {
  writeFileSync(
    join(dir, 'w.npy'),
    writeNpy({ dtype: 'float32', shape: [3, 2], data: Float32Array.of(1, 2, 3, 4, 5, 6.5) }),
  );
  writeFileSync(
    join(dir, 'v.npy'),
    writeNpy({ dtype: 'int64', shape: [4], data: BigInt64Array.of(1n, -2n, 3n, 9n) }),
  );
  const out = py(
    "w = np.load('w.npy'); v = np.load('v.npy')\nprint(w.dtype, w.shape, w[2,1], v.dtype, v.shape, v.tolist())",
  );
  expect(out.trim()).toBe('float32 (3, 2) 6.5 int64 (4,) [1, -2, 3, 9]');
});

test('other dtypes, Fortran order, truncated files and garbled headers are refused with the file named', () => {
  py(
    [
      "np.save('d.npy', np.zeros((2,), np.float64))",
      "np.save('fo.npy', np.asfortranarray(np.zeros((2, 3), np.float32)))",
      "np.save('t.npy', np.zeros((100,), np.float32))",
    ].join('\n'),
  );
  expect(() => readNpy(readFileSync(join(dir, 'd.npy')), 'd.npy')).toThrow(
    /^d\.npy: dtype '<f8' is not supported/,
  );
  expect(() => readNpy(readFileSync(join(dir, 'fo.npy')), 'fo.npy')).toThrow(/Fortran-order/);
  const t = readFileSync(join(dir, 't.npy'));
  expect(() => readNpy(t.subarray(0, t.length - 8), 't.npy')).toThrow(/t\.npy: the data is truncated/);
  expect(() => readNpy(new TextEncoder().encode('hello world'), 'x.npy')).toThrow(
    /x\.npy: not a NumPy \.npy file/,
  );
  // The magic and version are right but the header dict is garbled.
  const garbled = new Uint8Array(readFileSync(join(dir, 't.npy')));
  garbled.set(new TextEncoder().encode("{'descx'"), 10);
  expect(() => readNpy(garbled, 'g.npy')).toThrow(/^g\.npy: not a valid \.npy header/);
});

test('the data must be exactly what the header says: a shape smaller than the data is refused', () => {
  const six = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
  const header = (dict: string) => {
    const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
    const h = dict.padEnd(total - 11, ' ') + '\n';
    const out = new Uint8Array(10 + h.length + six.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(out.buffer).setUint16(8, h.length, true);
    out.set(new TextEncoder().encode(h), 10);
    out.set(six, 10 + h.length);
    return out;
  };
  expect(readNpy(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }")).shape).toEqual([
    2, 3,
  ]);
  expect(() => readNpy(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"), 's.npy')).toThrow(
    "s.npy: the file holds 24 bytes of data; its header's shape (2) float32 needs 8",
  );
  // Header damage that numpy's own reader would not accept is refused, not read as another array.
  for (const dict of [
    "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }junk",
    "{'descr': '<f4', 'shape': (2,), 'fortran_order': False, 'shape': (6,), }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (6), }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'extra': 1, }",
    "{'descr': '<f4', 'fortran_order': Fals, 'shape': (6,), }",
  ]) {
    expect(() => readNpy(header(dict), 'h.npy'), dict).toThrow(/^h\.npy: not a valid \.npy header/);
  }
});

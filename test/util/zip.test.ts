// The store-only zip writer: CRC-32's check value from the standard, and an archive that Python's
// zipfile (an outside reader) opens, with every CRC checked and names in UTF-8.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { crc32, zipStore } from '../../src/util/zip.ts';
import { requirePython } from '../helpers/references.ts';

test('CRC-32 check value', () => {
  // ISO 3309 / ITU-T V.42: CRC-32 of "123456789" is 0xCBF43926.
  expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  expect(crc32(new Uint8Array())).toBe(0);
});

test('Python reads the archive back, byte for byte', () => {
  const python = requirePython([], 'Python zipfile');
  const big = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) & 0xff);
  const zip = zipStore([
    { path: 'a.txt', bytes: new TextEncoder().encode('hello\n') },
    { path: 'data/big.bin', bytes: big },
    { path: 'empty', bytes: new Uint8Array() },
    { path: 'données/ü.txt', bytes: new TextEncoder().encode('ü') },
  ]);
  const file = join(mkdtempSync(join(tmpdir(), 'netloom-zip-')), 'x.zip');
  writeFileSync(file, zip);
  const out = execFileSync(
    python,
    [
      '-c',
      'import sys, zipfile, json, hashlib; z = zipfile.ZipFile(sys.argv[1]); print(json.dumps([z.testzip(), z.namelist(), [hashlib.sha256(z.read(n)).hexdigest()[:12] for n in z.namelist()]]))',
      file,
    ],
    { encoding: 'utf8' },
  );
  const [bad, names, hashes] = JSON.parse(out) as [string | null, string[], string[]];
  expect(bad).toBeNull();
  expect(names).toEqual(['a.txt', 'data/big.bin', 'empty', 'données/ü.txt']);
  const sha = (b: Uint8Array) =>
    execFileSync(
      python,
      ['-c', 'import sys, hashlib; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:12])'],
      { input: b, encoding: 'utf8' },
    ).trim();
  expect(hashes[1]).toBe(sha(big));
});

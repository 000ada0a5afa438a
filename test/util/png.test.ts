// The PNG writer: files that torchvision's decoder (libpng, an outside reader) opens with exactly
// the pixels we wrote, in grey and RGB, both as written in Node (rows behind each of PNG's five
// filters, zlib-compressed) and as in the browser (unfiltered rows in stored deflate blocks, more
// than one); and the grid's layout.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { encodePng, imageGrid, type RasterImage } from '../../src/util/png.ts';
import { requirePython } from '../helpers/references.ts';

/** encodePng where the host has no zlib (the browser): stored deflate blocks. */
function encodeStored(image: RasterImage): Uint8Array {
  const host = process as { getBuiltinModule?: unknown };
  const saved = host.getBuiltinModule;
  host.getBuiltinModule = undefined;
  try {
    return encodePng(image);
  } finally {
    host.getBuiltinModule = saved;
  }
}

/** The filter type in front of each row of a PNG we wrote (one IDAT chunk, after the 13-byte IHDR). */
function rowFilters(png: Uint8Array, image: RasterImage): number[] {
  const idat = png.subarray(8 + 25 + 8, png.length - 12 - 4);
  const rows = inflateSync(idat);
  const stride = image.width * image.channels + 1;
  return Array.from({ length: image.height }, (_, y) => rows[y * stride]!);
}

/** Each file's shape and the SHA-256 of its pixels, rows of channel-interleaved bytes. */
function decodeWithTorchvision(pngs: readonly Uint8Array[]): { shape: number[]; sha256: string }[] {
  const python = requirePython(['torchvision']);
  const dir = mkdtempSync(join(tmpdir(), 'netloom-png-'));
  try {
    const files = pngs.map((png, i) => {
      const file = join(dir, `${i}.png`);
      writeFileSync(file, png);
      return file;
    });
    const out = execFileSync(
      python,
      [
        '-c',
        'import sys, json, hashlib, torchvision.io as io\n' +
          'r = []\n' +
          'for f in sys.argv[1:]:\n' +
          '  t = io.read_image(f)\n' +
          '  b = t.permute(1, 2, 0).contiguous().numpy().tobytes()\n' +
          '  r.append({"shape": list(t.shape), "sha256": hashlib.sha256(b).hexdigest()})\n' +
          'print(json.dumps(r))',
        ...files,
      ],
      { encoding: 'utf8' },
    );
    return JSON.parse(out) as { shape: number[]; sha256: string }[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('libpng reads back grey and RGB images byte for byte, filtered and deflated or stored', () => {
  const grey: RasterImage = {
    width: 300,
    height: 250, // 75,250 bytes of rows: two stored deflate blocks
    channels: 1,
    pixels: Uint8Array.from({ length: 300 * 250 }, (_, i) => (i * 7 + (i >> 9)) & 0xff),
  };
  const rgb: RasterImage = {
    width: 5,
    height: 3,
    channels: 3,
    pixels: Uint8Array.from({ length: 45 }, (_, i) => (i * 37) & 0xff),
  };
  // A sample grid's shape: mostly black, where deflate pays.
  const digits = imageGrid(
    Float32Array.from({ length: 16 * 28 * 28 }, (_, i) => (i % 28 > 9 && i % 28 < 18 ? (i % 7) / 6 : 0)),
    [16, 1, 28, 28],
  );
  const smooth: RasterImage = {
    width: 40,
    height: 30,
    channels: 3,
    pixels: Uint8Array.from({ length: 40 * 30 * 3 }, (_, i) => {
      const [x, y, c] = [Math.floor(i / 3) % 40, Math.floor(i / 120), i % 3];
      return (x * 3 + y * 5 + c * 40 + ((x * y) % 7)) & 0xff;
    }),
  };
  // Each pixel the mean of its left and upper neighbours: the Average filter's image.
  const averaged: RasterImage = { width: 32, height: 32, channels: 1, pixels: new Uint8Array(32 * 32) };
  for (let y = 0; y < 32; y++)
    for (let x = 0; x < 32; x++)
      averaged.pixels[y * 32 + x] =
        x === 0 || y === 0
          ? (x * 53 + y * 97) & 0xff
          : (averaged.pixels[y * 32 + x - 1]! + averaged.pixels[(y - 1) * 32 + x]!) >> 1;
  const images = [grey, rgb, digits, smooth, averaged];
  const stored = images.map(encodeStored);
  const deflated = images.map((im) => encodePng(im));
  // Every filter is used somewhere, so libpng judges each; stored rows are unfiltered.
  expect(new Set(images.flatMap((im, k) => rowFilters(deflated[k]!, im)))).toEqual(new Set([0, 1, 2, 3, 4]));
  expect(new Set(images.flatMap((im, k) => rowFilters(stored[k]!, im)))).toEqual(new Set([0]));
  expect(deflated[2]!.length).toBeLessThan(stored[2]!.length / 4);
  const decoded = decodeWithTorchvision([...stored, ...deflated]);
  const expected = images.map((im) => ({
    shape: [im.channels, im.height, im.width],
    sha256: createHash('sha256').update(im.pixels).digest('hex'),
  }));
  expect(decoded).toEqual([...expected, ...expected]);
});

test('a grid lays images out row by row with padding, as make_grid does', () => {
  // Three 2×2 grey images of constant value 0.2, 0.6, 1.0 → 2 columns, 2 rows, padding 1.
  const values = [0.2, 0.2, 0.2, 0.2, 0.6, 0.6, 0.6, 0.6, 1.5, 1, 1, -3];
  const im = imageGrid(values, [3, 1, 2, 2], { padding: 1 });
  expect([im.width, im.height, im.channels]).toEqual([7, 7, 1]);
  const at = (x: number, y: number) => im.pixels[y * im.width + x];
  expect(at(0, 0)).toBe(0); // padding
  expect(at(1, 1)).toBe(51); // round(0.2 · 255)
  expect(at(4, 2)).toBe(153); // second image, top right → x 4..5
  expect(at(1, 4)).toBe(255); // third image, clipped from 1.5
  expect(at(2, 5)).toBe(0); // clipped from -3
  expect(at(4, 4)).toBe(0); // no fourth image
  expect(() => imageGrid(values, [3, 2, 2, 1])).toThrow(/1 or 3 channels/);
  expect(() => encodePng({ width: 2, height: 2, channels: 1, pixels: new Uint8Array(3) })).toThrow(
    /has 4 bytes; got 3/,
  );
});

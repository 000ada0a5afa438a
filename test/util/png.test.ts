// The PNG writer: files that torchvision's decoder (libpng, an outside reader) opens with the
// pixels we wrote, in grey and RGB, over more than one deflate block; and the grid's layout.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { encodePng, imageGrid, type RasterImage } from '../../src/util/png.ts';
import { requirePython } from '../helpers/references.ts';

function decodeWithTorchvision(
  images: readonly RasterImage[],
): { shape: number[]; sum: number; first: number[] }[] {
  const python = requirePython(['torchvision']);
  const dir = mkdtempSync(join(tmpdir(), 'netloom-png-'));
  const files = images.map((im, i) => {
    const file = join(dir, `${i}.png`);
    writeFileSync(file, encodePng(im));
    return file;
  });
  const out = execFileSync(
    python,
    [
      '-c',
      'import sys, json, torchvision.io as io\n' +
        'r = []\n' +
        'for f in sys.argv[1:]:\n' +
        '  t = io.read_image(f).permute(1, 2, 0).contiguous().view(-1).long()\n' +
        '  r.append({"shape": list(io.read_image(f).shape), "sum": int(t.sum()), "first": t[:16].tolist()})\n' +
        'print(json.dumps(r))',
      ...files,
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as { shape: number[]; sum: number; first: number[] }[];
}

test('libpng reads back grey and RGB images byte for byte', () => {
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
  const [g, c] = decodeWithTorchvision([grey, rgb]);
  const sum = (p: Uint8Array) => p.reduce((s, v) => s + v, 0);
  expect(g!.shape).toEqual([1, 250, 300]);
  expect(g!.sum).toBe(sum(grey.pixels));
  expect(g!.first).toEqual([...grey.pixels.subarray(0, 16)]);
  expect(c!.shape).toEqual([3, 3, 5]);
  expect(c!.sum).toBe(sum(rgb.pixels));
  expect(c!.first).toEqual([...rgb.pixels.subarray(0, 16)]);
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

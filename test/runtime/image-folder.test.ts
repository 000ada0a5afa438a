// An image folder as a dataset: PNG and JPEG decoded in Node without native code, resized as PIL
// resizes (box filter down, bilinear up), bad files counted and named, and `netloom train
// --dataset folder` training on it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadImageFolder } from '../../src/cli/image-folder.ts';
import { trainCommand } from '../../src/cli/train.ts';
import { serializeDocument } from '../../src/document/parse.ts';
import { describeBadImages } from '../../src/runtime/datasets/image-folder.ts';
import { Rng } from '../../src/util/random.ts';
import { captureIO } from '../helpers/cli-io.ts';
import { requirePython } from '../helpers/references.ts';
import { chainDoc } from '../helpers/doc.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-images-'));
const root = join(dir, 'pets');

function rgbaImage(w: number, h: number, rng: Rng, grey = false): Uint8Array {
  const d = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const v = rng.int(256);
    d[4 * i] = v;
    d[4 * i + 1] = grey ? v : rng.int(256);
    d[4 * i + 2] = grey ? v : rng.int(256);
    d[4 * i + 3] = 255;
  }
  return d;
}

function png(w: number, h: number, data: Uint8Array): Buffer {
  const p = new PNG({ width: w, height: h });
  p.data = Buffer.from(data);
  return PNG.sync.write(p);
}

beforeAll(() => {
  const rng = new Rng(5);
  for (const cls of ['cats', 'dogs', 'owls']) mkdirSync(join(root, cls), { recursive: true });
  // cats: PNGs twice the Input's size (box filter), dogs: half its size (bilinear), owls: JPEGs.
  for (let i = 0; i < 6; i++)
    writeFileSync(join(root, 'cats', `c${i}.png`), png(16, 16, rgbaImage(16, 16, rng)));
  for (let i = 0; i < 5; i++) writeFileSync(join(root, 'dogs', `d${i}.png`), png(4, 4, rgbaImage(4, 4, rng)));
  for (let i = 0; i < 4; i++) {
    const data = new Uint8Array(12 * 10 * 4).map((_, k) => (k % 4 === 3 ? 255 : [200, 40, 90][k % 4]!));
    writeFileSync(join(root, 'owls', `o${i}.jpg`), jpeg.encode({ width: 12, height: 10, data }, 95).data);
  }
  // What a real folder also holds.
  writeFileSync(join(root, 'cats', 'notes.txt'), 'not a picture');
  writeFileSync(join(root, 'dogs', 'broken.png'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  writeFileSync(join(root, 'owls', 'grey.png'), png(8, 8, rgbaImage(8, 8, rng, true)));
  writeFileSync(join(root, 'owls', '.DS_Store'), 'finder');
  writeFileSync(join(root, 'README.md'), 'beside the class folders: not looked at');
});

describe('image folder', () => {
  test('classes in alphabetical order, counts, and every unusable file named with its reason', async () => {
    const io = captureIO(dir);
    const f = await loadImageFolder(io, 'pets', [3, 8, 8], false);
    expect(f.dataset.classNames).toEqual(['cats', 'dogs', 'owls']);
    expect(f.counts).toEqual([6, 5, 4]);
    expect(f.dataset.size).toBe(15);
    expect(f.dataset.featureShape).toEqual([3, 8, 8]);
    expect(f.bad.map((b) => b.path).sort()).toEqual(['cats/notes.txt', 'dogs/broken.png', 'owls/grey.png']);
    expect(f.bad.find((b) => b.path === 'cats/notes.txt')!.reason).toBe('not a PNG or JPEG file');
    expect(f.bad.find((b) => b.path === 'dogs/broken.png')!.reason).toMatch(/^unreadable/);
    expect(f.bad.find((b) => b.path === 'owls/grey.png')!.reason).toMatch(/greyscale/);
    expect(describeBadImages(f.bad, 2)).toMatch(/^3 files could not be used: .*, and 1 more$/);
    // A grey Input takes the grey image (and the luma of colour ones).
    const grey = await loadImageFolder(io, 'pets', [1, 8, 8], false);
    expect(grey.counts).toEqual([6, 5, 5]);
  });

  test('resized as PIL does: box filter when shrinking, bilinear when enlarging; JPEG colours kept', async () => {
    const f = await loadImageFolder(captureIO(dir), 'pets', [3, 8, 8], false);
    const script = `
import json, sys
import numpy as np
from PIL import Image
out = []
for name, flt in (("cats/c0.png", Image.BOX), ("dogs/d0.png", Image.BILINEAR)):
    im = Image.open(sys.argv[1] + "/" + name).convert("RGB").resize((8, 8), flt)
    out.append((np.asarray(im, dtype=np.float32) / 255).transpose(2, 0, 1).flatten().tolist())
print(json.dumps(out))`;
    const [cat, dog] = JSON.parse(
      // PIL comes with torchvision.
      execFileSync(requirePython(['numpy', 'torchvision'], 'PIL'), ['-c', script, root], {
        encoding: 'utf8',
      }),
    ) as number[][];
    const y = Array.from(f.dataset.y);
    const image = (cls: number) =>
      Array.from(f.dataset.x.subarray(y.indexOf(cls) * 192, (y.indexOf(cls) + 1) * 192));
    const worst = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    // PIL works in fixed point and rounds to bytes: within one level.
    expect(worst(image(0), cat!)).toBeLessThan(1 / 255 + 1e-6);
    expect(worst(image(1), dog!)).toBeLessThan(1 / 255 + 1e-6);
    const owl = image(2);
    const mean = (c: number) => owl.slice(c * 64, (c + 1) * 64).reduce((s, v) => s + v, 0) / 64;
    expect([mean(0), mean(1), mean(2)].map((v) => Math.round(v * 255))).toEqual([
      expect.closeTo(200, -1),
      expect.closeTo(40, -1),
      expect.closeTo(90, -1),
    ]);
  });

  test('standardised with the set\u2019s own per-channel mean and std', async () => {
    const f = await loadImageFolder(captureIO(dir), 'pets', [3, 8, 8], true);
    const stats = f.dataset.pixelStats!;
    expect(stats.mean).toHaveLength(3);
    for (let c = 0; c < 3; c++) {
      let s = 0;
      let s2 = 0;
      for (let n = 0; n < f.dataset.size; n++)
        for (let i = 0; i < 64; i++) {
          const v = f.dataset.x[(n * 3 + c) * 64 + i]!;
          s += v;
          s2 += v * v;
        }
      const count = f.dataset.size * 64;
      expect(s / count).toBeCloseTo(0, 5);
      expect(Math.sqrt(s2 / count)).toBeCloseTo(1, 4);
    }
  });

  test('a folder without two classes of images is refused with the reason', async () => {
    mkdirSync(join(dir, 'lonely', 'only'), { recursive: true });
    writeFileSync(join(dir, 'lonely', 'only', 'a.png'), png(2, 2, rgbaImage(2, 2, new Rng(1))));
    await expect(loadImageFolder(captureIO(dir), 'lonely', [3, 8, 8], false)).rejects.toThrow(
      /needs at least two class sub-folders .* found only "only"/,
    );
    mkdirSync(join(dir, 'empty'), { recursive: true });
    await expect(loadImageFolder(captureIO(dir), 'empty', [3, 8, 8], false)).rejects.toThrow(
      /no class sub-folders/,
    );
  });

  test('netloom train --dataset <folder> trains, with the classes and the bad files reported', async () => {
    const doc = chainDoc(
      [3, 8, 8],
      [
        { kind: 'Conv2d', params: { outChannels: 4, kernelSize: [3, 3] } },
        { kind: 'Flatten' },
        { kind: 'Dense', params: { units: 3 } },
      ],
    );
    writeFileSync(join(dir, 'tiny.json'), serializeDocument(doc));
    const io = captureIO(dir);
    const code = await trainCommand.run(
      ['tiny.json', '--dataset', 'pets', '--epochs', '2', '--batch', '4', '--flip', '--crop-padding', '1'],
      io,
    );
    expect(code).toBe(0);
    expect(io.stdout[0]).toBe('pets: 15 images in 3 classes (cats 6, dogs 5, owls 4)');
    expect(io.stderr.join('\n')).toMatch(
      /^pets: 3 files could not be used: cats\/notes\.txt \(not a PNG or JPEG file\)/,
    );
    expect(io.stdout.join('\n')).toMatch(/augment: flip, crop padding 1/);
    expect(io.stdout.filter((l) => l.startsWith('epoch'))).toHaveLength(2);
  });

  test('a model with fewer outputs than the folder has classes is refused before training', async () => {
    const doc = chainDoc([3, 8, 8], [{ kind: 'Flatten' }, { kind: 'Dense', params: { units: 2 } }]);
    writeFileSync(join(dir, 'two.json'), serializeDocument(doc));
    const io = captureIO(dir);
    await expect(trainCommand.run(['two.json', '--dataset', 'pets', '--epochs', '1'], io)).rejects.toThrow(
      /has 3 classes but the model's prediction has 2/,
    );
  });
});

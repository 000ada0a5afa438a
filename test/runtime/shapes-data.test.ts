// The generated shapes set and the image augmentations: the set is fixed by its seed, balanced,
// its masks mark the shape, and each augmented image is a flip and a shift of the original (its
// mask moving with it).
import { describe, expect, test } from 'vitest';
import { batchOf } from '../../src/runtime/datasets/dataset.ts';
import type { Dataset } from '../../src/runtime/datasets/dataset.ts';
import { imageAugmenter } from '../../src/runtime/datasets/images.ts';
import { generateShapes, shapeClasses, shapesDataset } from '../../src/runtime/datasets/shapes.ts';
import { toyByName } from '../../src/runtime/datasets/catalogue.ts';
import { Rng } from '../../src/util/random.ts';

describe('shapes', () => {
  const a = generateShapes(300);

  test('the same images from the same seed, other images from another', () => {
    const b = generateShapes(300);
    expect(Buffer.from(b.pixels).equals(Buffer.from(a.pixels))).toBe(true);
    expect(Buffer.from(b.masks).equals(Buffer.from(a.masks))).toBe(true);
    const c = generateShapes(300, 99);
    expect(Buffer.from(c.pixels).equals(Buffer.from(a.pixels))).toBe(false);
  });

  test('ten classes, balanced in every prefix; each mask marks its class where the shape is', () => {
    expect(shapeClasses).toHaveLength(10);
    for (let k = 0; k < 10; k++) expect(a.labels.filter((l) => l === k)).toHaveLength(30);
    expect(Array.from(a.labels.subarray(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let n = 0; n < a.count; n++) {
      const mask = a.masks.subarray(n * 1024, (n + 1) * 1024);
      const on = mask.filter((v) => v !== 0);
      expect(on.every((v) => v === a.labels[n]! + 1)).toBe(true);
      // Visible: at least a 5×5 patch of pixels, never the whole image.
      expect(on.length).toBeGreaterThan(25);
      expect(on.length).toBeLessThan(1024);
    }
  });

  test('the shape stands out from its background in colour', () => {
    let weakest = Infinity;
    for (let n = 0; n < a.count; n++) {
      const inside = new Float64Array(3);
      const outside = new Float64Array(3);
      let nIn = 0;
      for (let i = 0; i < 1024; i++) {
        const isShape = a.masks[n * 1024 + i] !== 0;
        if (isShape) nIn++;
        const sums = isShape ? inside : outside;
        for (let c = 0; c < 3; c++) sums[c] = sums[c]! + a.pixels[n * 3072 + c * 1024 + i]! / 255;
      }
      const d = Math.sqrt(
        [0, 1, 2].reduce((s, c) => s + (inside[c]! / nIn - outside[c]! / (1024 - nIn)) ** 2, 0) / 3,
      );
      weakest = Math.min(weakest, d);
    }
    expect(weakest).toBeGreaterThan(0.1);
  });

  test('as datasets: standardised per channel, classes or masks as targets, names for both', () => {
    const d = shapesDataset('classes', true, 300);
    expect(d.featureShape).toEqual([3, 32, 32]);
    expect(d.classNames).toEqual([...shapeClasses]);
    for (let c = 0; c < 3; c++) {
      let s = 0;
      let s2 = 0;
      for (let n = 0; n < d.size; n++)
        for (let i = 0; i < 1024; i++) {
          const v = d.x[(n * 3 + c) * 1024 + i]!;
          s += v;
          s2 += v * v;
        }
      expect(s / (d.size * 1024)).toBeCloseTo(0, 4);
      expect(s2 / (d.size * 1024)).toBeCloseTo(1, 3);
      const raw = d.x[c * 1024]! * d.pixelStats!.std[c]! + d.pixelStats!.mean[c]!;
      expect(raw * 255).toBeCloseTo(a.pixels[c * 1024]!, 3);
    }
    const m = shapesDataset('masks', false, 300);
    expect(m.targetShape).toEqual([32, 32]);
    expect(m.classes).toBe(11);
    expect(m.classNames![0]).toBe('background');
    expect(Array.from(m.y.subarray(0, 1024))).toEqual(Array.from(a.masks.subarray(0, 1024)));
    expect(toyByName('shapes-masks').size).toBe(6000);
  });
});

describe('augmentation', () => {
  /** Every (flip, dy, dx) within the padding that turns `src` into `out` (pad as given). */
  function matches(
    src: ArrayLike<number>,
    out: ArrayLike<number>,
    c: number,
    side: number,
    p: number,
    pad: number[],
  ) {
    const found: string[] = [];
    for (const flip of [false, true])
      for (let dy = -p; dy <= p; dy++)
        for (let dx = -p; dx <= p; dx++) {
          let ok = true;
          for (let ch = 0; ch < c && ok; ch++)
            for (let y = 0; y < side && ok; y++)
              for (let x = 0; x < side && ok; x++) {
                const sy = y + dy;
                const sx = (flip ? side - 1 - x : x) + dx;
                const want =
                  sy >= 0 && sy < side && sx >= 0 && sx < side
                    ? src[ch * side * side + sy * side + sx]!
                    : pad[ch]!;
                if (Math.abs(out[ch * side * side + y * side + x]! - want) > 1e-6) ok = false;
              }
          if (ok) found.push(`${flip}:${dy}:${dx}`);
        }
    return found;
  }

  test('each image is a random crop of itself padded with black, flipped half the time; the mask moves with it', () => {
    const d = shapesDataset('masks', true, 40);
    const aug = imageAugmenter({ flip: true, cropPadding: 3 }, d)!;
    const idx = Array.from({ length: 40 }, (_, i) => i);
    const b = batchOf(d, idx);
    const out = aug(b, new Rng(3));
    const black = d.pixelStats!.mean.map((m, c) => -m / d.pixelStats!.std[c]!);
    const seen = new Set<string>();
    for (let n = 0; n < 40; n++) {
      const img = matches(
        d.x.subarray(n * 3072, (n + 1) * 3072),
        (out.x.data as Float32Array).subarray(n * 3072, (n + 1) * 3072),
        3,
        32,
        3,
        black,
      );
      expect(img.length).toBeGreaterThan(0);
      const mask = matches(
        d.y.subarray(n * 1024, (n + 1) * 1024),
        Float32Array.from((out.y.data as BigInt64Array).subarray(n * 1024, (n + 1) * 1024), Number),
        1,
        32,
        3,
        [0],
      );
      expect(mask.filter((t) => img.includes(t)).length).toBeGreaterThan(0);
      for (const t of img) seen.add(t);
    }
    // Both flips and several shifts were drawn.
    expect([...seen].some((t) => t.startsWith('true'))).toBe(true);
    expect([...seen].some((t) => t.startsWith('false'))).toBe(true);
    expect(new Set([...seen].map((t) => t.slice(t.indexOf(':')))).size).toBeGreaterThan(10);
    // The batch it was given is left as it was.
    expect(b.x.data).toEqual(batchOf(d, idx).x.data);
  });

  test('nothing to do gives no augmenter; a set that is not images is refused with the setting named', () => {
    const d = shapesDataset('classes', true, 20);
    expect(imageAugmenter({ flip: false, cropPadding: 0 }, d)).toBeUndefined();
    expect(imageAugmenter(undefined, d)).toBeUndefined();
    const flat: Dataset = toyByName('moons');
    expect(() => imageAugmenter({ flip: true, cropPadding: 0 }, flat)).toThrow(
      /works on images \[C, H, W\]; dataset "moons"/,
    );
  });
});

// Images fitted to an imported model's input (src/runtime/datasets/image-fit.ts) as torch does it:
// F.interpolate(bilinear, align_corners=False), grey repeated to colour
// (test/fixtures/image_fit.py writes the reference).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { fitFeatures } from '../../src/runtime/datasets/catalogue.ts';
import type { Dataset } from '../../src/runtime/datasets/dataset.ts';
import { fitImages, imagesFit } from '../../src/runtime/datasets/image-fit.ts';

interface Tensor {
  shape: number[];
  data: number[];
}
const cases = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/data/image-fit.json'), 'utf8'),
) as { name: string; x: Tensor; y: Tensor }[];

function images(x: Tensor): Dataset {
  const [n, ...featureShape] = x.shape as [number, ...number[]];
  return {
    name: 'images',
    task: 'classification',
    featureShape,
    targetShape: [],
    size: n,
    x: Float32Array.from(x.data),
    y: new Float32Array(n),
    classes: 2,
  };
}

for (const c of cases) {
  test(`${c.name}: as torch resizes it`, () => {
    const shape = c.y.shape.slice(1);
    const fitted = fitImages(images(c.x), shape);
    expect(fitted.featureShape).toEqual(shape);
    expect(fitted.x).toHaveLength(c.y.data.length);
    let worst = 0;
    fitted.x.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - c.y.data[i]!))));
    expect(worst).toBeLessThan(1e-5);
  });
}

test('only images fit images: [C, H, W] to the same C, or grey to colour', () => {
  expect(imagesFit([1, 28, 28], [3, 32, 32])).toBe(true);
  expect(imagesFit([3, 8, 8], [3, 32, 32])).toBe(true);
  expect(imagesFit([3, 8, 8], [1, 32, 32])).toBe(false);
  expect(imagesFit([784], [3, 32, 32])).toBe(false);
  // A dataset that cannot fit is refused with the input's name.
  expect(() => fitFeatures(images(cases[1]!.x), [1, 4, 4], 'pixels')).toThrow(/pixels/);
});

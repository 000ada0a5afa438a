// The outside judge of generated digits (test/tools/judge_digits.py, a small CNN trained in torch by
// test/fixtures/mnist_judge.py): real held-out MNIST digits, tiled into PNG grids by the writer
// `netloom sample -o` uses, are judged as the digits they are. The judge reads a conditional GAN's
// grids the same way: `netloom sample cgan-mnist --digit D --count 20 -o gD.png`, then
// `python3 test/tools/judge_digits.py --count 20 0=g0.png … 9=g9.png`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { encodePng, imageGrid } from '../../src/util/png.ts';
import { requirePython } from '../helpers/references.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-judge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Verdicts {
  [file: string]: { asked?: number; judged?: number[]; agree: number; of: number };
}

test('the judge tells held-out real digits from their PNG grids', () => {
  // The judge trained on all but every tenth digit of the shipped set, the digit files 0…9 read one
  // after another (test/fixtures/mnist_judge.py); these are from every tenth.
  const folder = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const per = 12;
  const args: string[] = [];
  let offset = 0;
  for (let d = 0; d < 10; d++) {
    const pixels = (JSON.parse(readFileSync(join(folder, `${d}.json`), 'utf8')) as { data: number[] }).data;
    const count = pixels.length / 784;
    const picked = Array.from({ length: count }, (_, i) => i).filter((i) => (offset + i) % 10 === 0);
    offset += count;
    const images = new Float32Array(per * 784);
    picked.slice(0, per).forEach((i, k) => images.set(pixels.slice(i * 784, (i + 1) * 784), k * 784));
    const file = join(dir, `real${d}.png`);
    writeFileSync(file, encodePng(imageGrid(images, [per, 1, 28, 28])));
    args.push(`${d}=${file}`);
  }
  const out = execFileSync(
    requirePython(['torch', 'numpy']),
    [join(import.meta.dirname, '../tools/judge_digits.py'), ...args],
    { encoding: 'utf8' },
  );
  const verdicts = JSON.parse(out) as Verdicts;
  console.log(
    Object.values(verdicts)
      .map((v) => `${v.asked ?? 'all'}: ${v.agree}/${v.of}`)
      .join(', '),
  );
  expect(verdicts['all']!.of).toBe(10 * per);
  // 97.6 % on the 1,000 held out when trained (the fixture says so); a grid misread would be ~10 %.
  expect(verdicts['all']!.agree / verdicts['all']!.of).toBeGreaterThanOrEqual(0.93);
});

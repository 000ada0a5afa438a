// The Embedding + LSTM text classifier end to end: the generated reviews (int64 word ids, where word
// order decides the label), `netloom train text-lstm`, its ONNX through onnx.checker, and the exported
// model telling apart two reviews made of the same words in another order.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { trainCommand } from '../../src/cli/train.ts';
import {
  reviewLength,
  reviewsDataset,
  reviewTokens,
  reviewWords,
} from '../../src/runtime/datasets/reviews.ts';
import { textSet } from '../../src/runtime/datasets/text.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import { captureIO } from '../helpers/cli-io.ts';
import { checkOnnxFiles } from '../helpers/onnx-checker.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-text-'));

/** The words of example i, padding dropped. */
function words(x: Float32Array, i: number): string[] {
  return Array.from(x.subarray(i * reviewLength, (i + 1) * reviewLength))
    .filter((t) => t !== 0)
    .map((t) => reviewWords[t]!);
}

describe('the reviews set', () => {
  test('balanced int64 word ids, left-padded; the same words in another order can mean the opposite', () => {
    const d = textSet('reviews');
    expect(d).toMatchObject({ featureDType: 'int64', featureShape: [reviewLength], classes: 2 });
    expect(d.y.reduce((s, v) => s + v, 0)).toBe(d.size / 2);
    // Built the same every time.
    expect(reviewsDataset().x).toEqual(d.x);
    // Padding (0) only before the first word.
    for (let i = 0; i < d.size; i++) {
      const row = Array.from(d.x.subarray(i * reviewLength, (i + 1) * reviewLength));
      expect(row.slice(row.findIndex((t) => t !== 0)).includes(0), `review ${i}`).toBe(false);
    }
    // A bag of words cannot be right on every review: some word multisets carry both labels.
    const byBag = new Map<string, Set<number>>();
    for (let i = 0; i < d.size; i++) {
      const bag = words(d.x, i).sort().join(' ');
      byBag.set(bag, (byBag.get(bag) ?? new Set()).add(d.y[i]!));
    }
    const both = [...byBag.values()].filter((s) => s.size === 2).length;
    console.log(`reviews: ${byBag.size} distinct bags of words, ${both} of them with both labels`);
    expect(both).toBeGreaterThan(0);
  });
});

describe('netloom train text-lstm', () => {
  test('reaches ≥ 95% validation accuracy in 2 epochs; the model reads word order', async () => {
    const io = captureIO(dir);
    const code = await trainCommand.run(['text-lstm', '--epochs', '2', '--json', '--out', 'text.onnx'], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const last = JSON.parse(io.stdout.at(-1)!) as { valAccuracy: number; valLoss: number };
    console.log(`text-lstm after 2 epochs: val accuracy ${last.valAccuracy}, val loss ${last.valLoss}`);
    expect(last.valAccuracy).toBeGreaterThanOrEqual(0.95);
    const onnx = join(dir, 'text.onnx');
    expect(checkOnnxFiles([onnx])).toEqual({ [onnx]: null });

    // Same words, clauses swapped: the clause after "but" decides.
    const a = 'the film was good but the music was not great';
    const b = 'the music was not great but the film was good';
    const ids = [a, b].flatMap((s) => reviewTokens(s.split(' ')));
    const out = await runOnnx(new Uint8Array(readFileSync(onnx)), {
      words: { dtype: 'int64', shape: [2, reviewLength], data: BigInt64Array.from(ids, (t) => BigInt(t)) },
    });
    const logits = out['logits']!.data as Float32Array;
    expect(logits[1]! < logits[0]!, `"${a}" is negative`).toBe(true);
    expect(logits[3]! > logits[2]!, `"${b}" is positive`).toBe(true);
  }, 120_000);
});

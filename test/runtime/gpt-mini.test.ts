// GPT-mini end to end: the shipped sonnets as character windows, a short `netloom train` whose
// held-out loss per character beats a unigram model counted here from the same split, its ONNX
// through onnx.checker, and `netloom sample` continuing a prompt with the runtime's sampler.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sampleCommand } from '../../src/cli/sample.ts';
import { trainCommand } from '../../src/cli/train.ts';
import { trainValSplit } from '../../src/runtime/datasets/dataset.ts';
import { sonnetsText } from '../../src/runtime/datasets/sonnets.ts';
import {
  charVocabSize,
  decodeChars,
  encodeChars,
  textSet,
  textWindow,
} from '../../src/runtime/datasets/text.ts';
import { sampleToken } from '../../src/runtime/generate.ts';
import { gptMini } from '../../src/templates/sequence.ts';
import { Rng } from '../../src/util/random.ts';
import { runCommand } from '../helpers/cli-io.ts';
import { checkOnnxFiles } from '../helpers/onnx-checker.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-gpt-'));
const text = sonnetsText.trimStart();

function run(cmd: Parameters<typeof runCommand>[0], ...argv: string[]) {
  return runCommand(cmd, dir, argv);
}

describe('the sonnets as character windows', () => {
  test('targets are the inputs one character on; validation is the end of the text, apart from training', () => {
    const d = textSet('sonnets');
    expect(d.featureShape).toEqual([textWindow]);
    expect(gptMini.vocab).toBe(charVocabSize);
    expect(gptMini.context).toBe(textWindow);
    expect(d.size).toBe(text.length - textWindow);
    const window = (i: number, a: Float32Array) =>
      decodeChars(a.subarray(i * textWindow, (i + 1) * textWindow));
    expect(window(0, d.x)).toBe(text.slice(0, textWindow));
    expect(window(0, d.y)).toBe(text.slice(1, textWindow + 1));
    expect(window(d.size - 1, d.y)).toBe(text.slice(-textWindow));
    const { train, val } = trainValSplit(d, 0.1, 0);
    // The last training window ends before the first validation window starts.
    expect(train.size - 1 + textWindow).toBeLessThan(d.size - val.size);
    expect(window(0, val.x)).toBe(text.slice(d.size - val.size, d.size - val.size + textWindow));
    expect(decodeChars(encodeChars('Shall I\n~'))).toBe('Shall I\n~');
    expect(() => encodeChars('ab\ncé', 'the prompt')).toThrow(
      /the prompt, line 2, column 2: the character "é"/,
    );
  });
});

describe('sampling one token', () => {
  test('temperature and top-k draw from softmax(logits / T) over the k best, as counted', () => {
    const logits = [0.5, 2, -1, 1.5, 0, 1];
    const t = 0.7;
    // The three best are tokens 1, 3, 5; expected shares computed here from the formula.
    const e = [1, 3, 5].map((i) => Math.exp(logits[i]! / t));
    const z = e.reduce((s, v) => s + v, 0);
    const counts = new Array<number>(logits.length).fill(0);
    const rng = new Rng(7);
    const n = 20000;
    for (let i = 0; i < n; i++) counts[sampleToken(logits, { temperature: t, topK: 3 }, rng)]!++;
    expect(counts[0]! + counts[2]! + counts[4]!).toBe(0);
    [1, 3, 5].forEach((tok, j) => expect(Math.abs(counts[tok]! / n - e[j]! / z)).toBeLessThan(0.015));
    expect(sampleToken(logits, { temperature: 0 }, rng)).toBe(1);
    expect(sampleToken(logits, { topK: 1 }, rng)).toBe(1);
  });
});

/** Held-out cross-entropy (nats per character) of a unigram model counted on the training text. */
function unigramCrossEntropy(train: string, held: string): number {
  const counts = new Map<string, number>();
  for (const c of train) counts.set(c, (counts.get(c) ?? 0) + 1);
  const total = train.length + charVocabSize; // add-one over the 96-character vocabulary
  let nll = 0;
  for (const c of held) nll -= Math.log(((counts.get(c) ?? 0) + 1) / total);
  return nll / held.length;
}

describe('netloom train gpt-mini, then netloom sample', () => {
  test('a short run beats a unigram model on held-out text; the ONNX passes the checker; sample writes text', async () => {
    const steps = 150;
    const r = await run(
      trainCommand,
      'gpt-mini',
      '--steps',
      String(steps),
      '--json',
      '--out',
      'gpt.onnx',
      '--save-weights',
      'gpt.safetensors',
    );
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const last = JSON.parse(r.out.at(-1)!) as { valLoss: number; loss: number };
    const n = text.length - textWindow;
    const nVal = Math.round(n * 0.1);
    // Training windows' characters, and the characters validation predicts (its targets).
    const trainText = text.slice(0, n - nVal);
    const heldText = text.slice(n - nVal + 1);
    const unigram = unigramCrossEntropy(trainText, heldText);
    console.log(
      `gpt-mini after ${steps} steps: val loss ${last.valLoss.toFixed(4)} nats/char; unigram ${unigram.toFixed(4)}`,
    );
    expect(unigram).toBeGreaterThan(3);
    expect(last.valLoss).toBeLessThan(unigram - 0.4);
    expect(checkOnnxFiles([join(dir, 'gpt.onnx')])).toEqual({ [join(dir, 'gpt.onnx')]: null });

    const args = ['--weights', 'gpt.safetensors', '--prompt', 'Shall I', '--length', '80', '--top-k', '8'];
    const a = await run(sampleCommand, 'gpt-mini', ...args, '--seed', '3', '-o', 'a.txt');
    expect(a.err).toEqual([]);
    expect(a.code).toBe(0);
    const sample = readFileSync(join(dir, 'a.txt'), 'utf8');
    expect(sample.startsWith('Shall I')).toBe(true);
    expect(sample).toHaveLength('Shall I'.length + 80);
    expect(() => encodeChars(sample)).not.toThrow();
    // The same seed draws the same text; printed to stdout without -o.
    const b = await run(sampleCommand, 'gpt-mini', ...args, '--seed', '3');
    expect(b.out.join('\n')).toBe(sample);

    const bad = await run(sampleCommand, 'gpt-mini', '--prompt', 'naïve', '--length', '2').catch(
      (e: Error) => e,
    );
    expect(String(bad)).toMatch(/the prompt, line 1, column 3: the character "ï" is not in the vocabulary/);
    await expect(run(sampleCommand, 'gpt-mini', '-o', 'out.png')).rejects.toThrow(
      /GPT-mini \(characters\) is a text model/,
    );
    await expect(run(sampleCommand, 'gpt-mini', '--temperature=-1')).rejects.toThrow(
      /temperature must be between 0 and 10; got -1/,
    );
    await expect(run(sampleCommand, 'mlp')).rejects.toThrow(
      /MLP 784-256-128-10: text generation needs an int64 token Input \[L\]/,
    );
  }, 300_000);
});

// The sequence templates (src/templates/sequence.ts: GRU, bidirectional LSTM, the Embedding + LSTM
// text classifier, GPT-mini with a tied head) against the PyTorch modules of
// test/tools/reference_sequence.py: the same parameter count and the same weight shapes in
// state_dict order (a tied tensor once, as torch's parameters() counts it).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lowerDocument } from '../../src/compile/lower.ts';
import { reviewLength, reviewWords } from '../../src/runtime/datasets/reviews.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { textClassifier } from '../../src/templates/sequence.ts';
import { requirePython } from '../helpers/references.ts';

type Reference = Record<string, { params: number; shapes: number[][] }>;

let cached: Reference | undefined;

function torchReference(): Reference {
  cached ??= JSON.parse(
    execFileSync(requirePython(['torch']), [join(import.meta.dirname, '../tools/reference_sequence.py')], {
      encoding: 'utf8',
      cwd: join(import.meta.dirname, '../tools'),
    }),
  ) as Reference;
  return cached;
}

test.each(['gru', 'bilstm', 'text-lstm', 'gpt-mini-tied'])(
  '%s has the PyTorch module’s parameter count and weight shapes',
  (name) => {
    const ref = torchReference()[name]!;
    const lowered = lowerDocument(loadTemplate(name)!);
    expect(lowered.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const params = [...lowered.nodes.values()].reduce((s, n) => s + n.params, 0);
    expect(params, `${name} parameters`).toBe(ref.params);
    expect(lowered.graph.weights.map((w) => [...w.shape])).toEqual(ref.shapes);
  },
);

test('the text classifier’s vocabulary and length are the reviews set’s', () => {
  expect(textClassifier.vocab).toBe(reviewWords.length);
  expect(textClassifier.length).toBe(reviewLength);
});

// The sequence templates (src/templates/sequence.ts: GRU, bidirectional LSTM, the Embedding + LSTM
// text classifier, GPT-mini with a tied head) against the PyTorch modules of
// test/tools/reference_sequence.py: the same parameter count and the same weight shapes in
// state_dict order (a tied tensor once, as torch's parameters() counts it); the tied GPT-mini's
// starting loss against ln 96, the loss of a uniform guess over its characters.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lowerDocument } from '../../src/compile/lower.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { charVocabSize, textSet, textWindow } from '../../src/runtime/datasets/text.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import { int64Tensor } from '../../src/runtime/tensors.ts';
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

/** Mean next-character cross-entropy (nats) of a document's initial weights on the first sonnet windows. */
async function startingLoss(doc: NetloomDocument, count: number): Promise<number> {
  const { bytes, lowered } = exportDocument(doc, { seed: 0, batch: count });
  const d = textSet('sonnets');
  const input = lowered.graph.inputs.find((i) => i.node === 'tokens')!;
  const out = lowered.graph.outputs.find((o) => o.node === 'logits')!;
  const tokens = Array.from(d.x.subarray(0, count * textWindow));
  const r = await runOnnx(bytes, { [input.name]: int64Tensor(tokens, [count, textWindow]) });
  const logits = r[out.name]!.data as Float32Array;
  const v = charVocabSize;
  let nll = 0;
  for (let k = 0; k < count * textWindow; k++) {
    const row = logits.subarray(k * v, (k + 1) * v);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0));
    nll += lse - row[d.y[k]!]!;
  }
  return nll / (count * textWindow);
}

test('gpt-mini-tied starts near ln 96 nats per character: its shared table is drawn from N(0, 0.02²)', async () => {
  const doc = loadTemplate('gpt-mini-tied')!;
  const tied = await startingLoss(doc, 8);
  // The same network with torch's nn.Embedding draw, N(0, 1), for contrast: products of unit
  // vectors make the first logits tens of nats apart.
  const unit = await startingLoss(
    {
      ...doc,
      nodes: doc.nodes.map((n) =>
        n.kind === 'Embedding' ? { ...n, params: { ...n.params, initStd: 1 } } : n,
      ),
    },
    8,
  );
  console.log(
    `gpt-mini-tied starting loss: ${tied.toFixed(3)} (ln 96 = ${Math.log(96).toFixed(3)}); at N(0, 1): ${unit.toFixed(1)}`,
  );
  expect(Math.abs(tied - Math.log(charVocabSize))).toBeLessThan(0.15);
  expect(unit).toBeGreaterThan(20);
});

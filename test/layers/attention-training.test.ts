// Training through the attention layers with the ordinary autodiff: one SGD step (lr 1) of a
// Transformer encoder and decoder document, compared with torch's loss and gradients
// (test/fixtures/attention_training.py), so every rule on the attention path is exercised.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { preparedStepRunner, prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import type { FixtureTensor } from '../helpers/fixtures.ts';
import { compareClose, fixtureDir, toHost } from '../helpers/fixtures.ts';
import { chainDoc, doc, node } from '../helpers/doc.ts';

interface StepFixture {
  weights: Record<string, FixtureTensor>;
  inputs: Record<string, FixtureTensor>;
  loss: number;
  grads: Record<string, FixtureTensor>;
}

const fx = JSON.parse(readFileSync(join(fixtureDir, 'attention-training.json'), 'utf8')) as {
  encoder: StepFixture;
  decoder: StepFixture;
};

/** A step runner on `d` with MSE against the 'target' input, SGD at `lr`, from torch's weights. */
async function sgdRunner(d: NetloomDocument, f: StepFixture, features: string, lr: number) {
  const setup = parseTrainingSetup({
    objectives: [{ loss: { kind: 'mse', output: 'output' }, optimizer: { name: 'sgd', lr } }],
    inputs: { features, targets: 'target' },
  });
  const batch = f.inputs[features]!.shape[0]!;
  const given = new Map(Object.entries(f.weights).map(([k, t]) => [k, Float32Array.from(t.data)]));
  const p = prepareDocumentTraining(d, setup, { batchSize: batch, weights: given });
  const { store, runner } = await preparedStepRunner(p);
  const feeds = Object.fromEntries(Object.entries(f.inputs).map(([k, t]) => [k, toHost(t)]));
  return { ids: p.weights.map((w) => w.id), given, store, runner, feeds };
}

/** One SGD step at lr 1 from torch's weights: the change in each weight is minus its gradient. */
async function sgdStep(d: NetloomDocument, f: StepFixture, features: string): Promise<void> {
  const { ids, given, store, runner, feeds } = await sgdRunner(d, f, features, 1);
  try {
    expect([...ids].sort()).toEqual(Object.keys(f.grads).sort());
    const { loss } = await runner.run(feeds, 1);
    expect(Math.abs(loss - f.loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(f.loss)));
    const after = await store.read(ids);
    for (const [id, want] of Object.entries(f.grads)) {
      const before = given.get(id)!;
      const now = after.get(id)!;
      const grad = Array.from(before, (v, i) => v - now[i]!);
      const cmp = compareClose(grad, want.data, 2e-5, 1e-3);
      expect(cmp.ok, `gradient of ${id}: ${cmp.worst}`).toBe(true);
      // A gradient that is zero everywhere would pass against a zero reference: torch's is not.
      expect(
        want.data.some((v) => Math.abs(v) > 1e-4),
        `torch's gradient of ${id} is not all zero`,
      ).toBe(true);
    }
  } finally {
    await runner.release();
    store.dispose();
  }
}

describe('one training step matches torch autograd', () => {
  test('PositionalEncoding (learned) → causal TransformerEncoderLayer (GELU), MSE', async () => {
    const d = chainDoc(
      [5, 8],
      [
        { id: 'pe', kind: 'PositionalEncoding', params: { kind: 'learned', maxLen: 6 } },
        {
          id: 'enc',
          kind: 'TransformerEncoderLayer',
          params: { dModel: 8, nHead: 2, dimFeedforward: 16, activation: 'gelu', causal: true, dropout: 0 },
        },
      ],
    );
    await sgdStep(d, fx.encoder, 'input');
  });

  test('pre-norm causal TransformerDecoderLayer with a memory input, MSE', async () => {
    const d = doc(
      [
        node('tgt', 'Input', { shape: [4, 8] }, 'tgt'),
        node('memory', 'Input', { shape: [6, 8] }, 'memory'),
        node('dec', 'TransformerDecoderLayer', {
          dModel: 8,
          nHead: 2,
          dimFeedforward: 12,
          normFirst: true,
          dropout: 0,
        }),
        node('output', 'Output', {}, 'output'),
      ],
      [
        ['tgt:y', 'dec:x'],
        ['memory:y', 'dec:memory'],
        ['dec:y', 'output:x'],
      ],
    );
    await sgdStep(d, fx.decoder, 'tgt');
  });
});

test('dropout appears only in the training graph: attention weights, both residual branches, the feed-forward', () => {
  const d = chainDoc(
    [5, 8],
    [{ kind: 'TransformerEncoderLayer', params: { dModel: 8, nHead: 2, dropout: 0.1 } }],
  );
  const count = (mode: 'training' | 'inference'): number =>
    lowerDocument(d, { mode, batch: 2 }).graph.ops.filter((o) => o.type === 'Dropout').length;
  // torch.nn.TransformerEncoderLayer: self_attn's dropout, dropout1, dropout (inside _ff_block), dropout2.
  expect(count('training')).toBe(4);
  expect(count('inference')).toBe(0);
});

test('with dropout the training step loads in onnxruntime and masks: the loss moves off the dropout-free one', async () => {
  const f = fx.encoder;
  const d = chainDoc(
    [5, 8],
    [
      { id: 'pe', kind: 'PositionalEncoding', params: { kind: 'learned', maxLen: 6 } },
      {
        id: 'enc',
        kind: 'TransformerEncoderLayer',
        params: { dModel: 8, nHead: 2, dimFeedforward: 16, activation: 'gelu', causal: true, dropout: 0.5 },
      },
    ],
  );
  const { store, runner, feeds } = await sgdRunner(d, f, 'input', 0.01);
  try {
    const { loss } = await runner.run(feeds, 0.01);
    expect(Number.isFinite(loss)).toBe(true);
    // Half the activations dropped (and the rest doubled) cannot leave torch's dropout-free loss.
    expect(Math.abs(loss - f.loss)).toBeGreaterThan(1e-3);
  } finally {
    await runner.release();
    store.dispose();
  }
});

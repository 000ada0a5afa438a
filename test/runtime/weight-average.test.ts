// training.ema: the trainer's moving average of the weights against torch.optim.swa_utils.AveragedModel
// (test/fixtures/weight_average.py) after a few Adam steps of a small MLP, with and without the
// decay's warm-up; and a decay outside (0, 1) refused with the field named.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import { prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import type { Dataset } from '../../src/runtime/datasets/dataset.ts';
import { train } from '../../src/runtime/train-loop.ts';
import { NetloomError } from '../../src/util/errors.ts';
import { chainDoc } from '../helpers/doc.ts';
import { requirePython } from '../helpers/references.ts';

const script = join(import.meta.dirname, '../fixtures/weight_average.py');

const setup = (ema: Record<string, unknown>) =>
  parseTrainingSetup({
    objectives: [
      { loss: { kind: 'cross-entropy', output: 'output' }, optimizer: { name: 'adam', lr: 0.05 } },
    ],
    ema,
  });

describe('training.ema', () => {
  for (const ema of [{ decay: 0.9 }, { decay: 0.6, warmup: false }]) {
    test(`the trained weights are AveragedModel's after 6 Adam steps: ${JSON.stringify(ema)}`, async () => {
      const python = requirePython(['torch']);
      const doc = chainDoc(
        [4],
        [{ kind: 'Dense', params: { units: 5 } }, { kind: 'Tanh' }, { kind: 'Dense', params: { units: 3 } }],
      );
      const s = setup(ema);
      const p = prepareDocumentTraining(doc, s, { batchSize: 6, seed: 5 });
      const size = 6;
      const x = Float32Array.from({ length: size * 4 }, (_, i) => Math.sin(i * 1.3) * 1.5);
      const y = Float32Array.from([0, 1, 2, 2, 1, 0]);
      const data: Dataset = {
        name: 'six',
        task: 'classification',
        featureShape: [4],
        targetShape: [],
        size,
        x,
        y,
        classes: 3,
      };
      // One batch of the whole set per step: the shuffle only reorders rows, so each step's
      // gradient is the full batch's, as torch's.
      const r = await train({ ...p, train: data, batchSize: size, steps: 6, seed: 1 });
      const dir = mkdtempSync(join(tmpdir(), 'netloom-ema-'));
      try {
        const ids = ['n1.weight', 'n1.bias', 'n3.weight', 'n3.bias'];
        writeFileSync(
          join(dir, 'case.json'),
          JSON.stringify({
            init: Object.fromEntries(ids.map((id) => [id, Array.from(p.initial.get(id)!)])),
            x: Array.from(x),
            y: Array.from(y),
            lr: 0.05,
            steps: 6,
            decay: s.ema!.decay,
            warmup: s.ema!.warmup,
          }),
        );
        execFileSync(python, [script, join(dir, 'case.json'), join(dir, 'out.json')]);
        const ref = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
          averaged: Record<string, number[]>;
          last: Record<string, number[]>;
        };
        let fromLast = 0;
        for (const id of ids) {
          const got = r.weights.get(id)!;
          const want = ref.averaged[id]!;
          expect(got.length).toBe(want.length);
          want.forEach((v, i) => {
            if (Math.abs(got[i]! - v) > 1e-5 * Math.max(1, Math.abs(v))) {
              throw new Error(`${id}[${i}]: ${got[i]} vs AveragedModel's ${v}`);
            }
            fromLast = Math.max(fromLast, Math.abs(got[i]! - ref.last[id]![i]!));
          });
        }
        // The average is not the last step's weights: the comparison above could tell them apart.
        expect(fromLast).toBeGreaterThan(1e-3);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('a decay outside (0, 1) is refused, naming training.ema.decay', () => {
    for (const decay of [1, 0, 1.5]) {
      let err: unknown;
      try {
        setup({ decay });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NetloomError);
      expect((err as Error).message).toContain('training.ema.decay: decay must lie between 0 and 1');
      expect((err as NetloomError).path).toBe('training.ema.decay');
    }
  });
});

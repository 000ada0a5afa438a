// One SGD and one Adam step on models exported by torch.onnx.export with its defaults match
// torch's updated weights (test/fixtures/import_training.py): through `netloom step` on the file
// (fused LSTM/GRU unrolled, one-element parameters included) and through the imported document
// the Train panel trains (layers folded back: LSTM, GRU, ConvTranspose2d, grouped Conv2d, PReLU,
// LayerNorm, GELU, Dense). Every parameter moves.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import { decodeTensor, modelSchema } from '../../src/onnx/import-proto.ts';
import { decodeModel } from '../../src/onnx/proto.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { importedToDocument } from '../../src/onnx/to-document.ts';
import { preparedStepRunner, prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import { readNpy } from '../../src/runtime/npy.ts';
import { captureIO } from '../helpers/cli-io.ts';

interface Tensor {
  readonly shape: number[];
  readonly data: number[];
}
interface Step {
  readonly lr: number;
  /** Weights after the step by ONNX initializer name (the model exported again). */
  readonly onnx: Record<string, Tensor>;
  /** Weights after the step by torch parameter name. */
  readonly torch: Record<string, Tensor>;
}
interface Case {
  readonly file: string;
  readonly input: string;
  readonly x: string;
  readonly y: string;
  readonly loss: 'mse' | 'cross-entropy' | 'bce-logits';
  readonly lossBefore: number;
  readonly params: number;
  readonly sgd: Step;
  readonly adam: Step;
}

const here = join(import.meta.dirname, '../fixtures');
const cases = JSON.parse(readFileSync(join(here, 'data/import-training.json'), 'utf8')) as Record<
  string,
  Case
>;
const fixture = (f: string): string => join(here, 'onnx', f);

/** The largest difference relative to the largest reference value, per tensor. */
function relDiff(ours: ArrayLike<number>, ref: Tensor): number {
  let d = 0;
  let scale = 0;
  for (let i = 0; i < ref.data.length; i++) {
    d = Math.max(d, Math.abs(ours[i]! - ref.data[i]!));
    scale = Math.max(scale, Math.abs(ref.data[i]!));
  }
  return d / Math.max(scale, 1e-12);
}

function initializers(bytes: Uint8Array): Map<string, Float32Array> {
  const m = modelSchema.parse(decodeModel(bytes));
  const out = new Map<string, Float32Array>();
  for (const t of m.graph!.initializer) {
    const c = decodeTensor(t, t.name);
    if (c.dtype === 'float32') out.set(t.name, c.data as Float32Array);
  }
  return out;
}

const optimizers = [
  ['sgd', 'sgd'],
  ['adam', 'adam'],
] as const;

describe('netloom step on a torch-exported file', () => {
  for (const [name, c] of Object.entries(cases)) {
    for (const [key, opt] of optimizers) {
      test(`${name}, one ${opt} step: every parameter as torch updates it`, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'netloom-import-step-'));
        const io = captureIO(dir);
        const out = join(dir, 'updated.onnx');
        const code = await main(
          [
            'step',
            fixture(c.file),
            '--input',
            `${c.input}=${fixture(c.x)}`,
            '--target',
            `target=${fixture(c.y)}`,
            '--loss',
            c.loss,
            '--optimizer',
            opt,
            '--lr',
            String(c[key].lr),
            '-o',
            out,
          ],
          io,
        );
        expect(code, io.stderr.join('\n')).toBe(0);
        const imported = importOnnx(readFileSync(fixture(c.file)));
        const before = imported.weights;
        const params = imported.graph.weights.filter((w) => w.role === 'param');
        // Every parameter is reached by the loss, one-element ones included.
        expect(io.stdout.join('\n')).toContain(`${params.length} parameters updated`);
        const after = initializers(readFileSync(out));
        const diffs: Record<string, number> = {};
        for (const w of params) {
          const ref = c[key].onnx[w.id];
          expect(ref, `torch's export has ${w.id}`).toBeDefined();
          const mine = after.get(w.id)!;
          diffs[w.id] = relDiff(mine, ref!);
          // Moved at all (torch moved it too).
          expect(
            relDiff(mine, { shape: ref!.shape, data: Array.from(before.get(w.id)!) }),
            w.id,
          ).toBeGreaterThan(0);
        }
        for (const [id, d] of Object.entries(diffs)) expect(d, id).toBeLessThan(1e-5);
      });
    }
  }
});

describe('the imported document trains as torch does', () => {
  for (const [name, c] of Object.entries(cases)) {
    for (const [key, opt] of optimizers) {
      test(`${name}, one ${opt} step on the document's layers`, async () => {
        const m = importOnnx(readFileSync(fixture(c.file)), { path: c.file });
        const { doc, weights } = importedToDocument(m, c.file);
        const out = doc.nodes.find((n) => n.kind === 'Output')!;
        const setup = parseTrainingSetup({
          objectives: [{ loss: { kind: c.loss, output: out.id }, optimizer: { name: opt, lr: c[key].lr } }],
        });
        const x = readNpy(readFileSync(fixture(c.x)), c.x);
        const y = readNpy(readFileSync(fixture(c.y)), c.y);
        const p = prepareDocumentTraining(doc, setup, { batchSize: x.shape[0]!, weights });
        // The layers hold every parameter torch has, under torch's names.
        const trainable = p.weights.filter((w) => w.role === 'param');
        expect(trainable.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0)).toBe(c.params);
        const { store, runner } = await preparedStepRunner(p);
        const model = p.objectives[0]!.model;
        const r = await runner.run({ [model.features]: x, [model.targets!]: y }, c[key].lr);
        expect(r.loss).toBeCloseTo(c.lossBefore, 5);
        const after = await store.read();
        await runner.release();
        store.dispose();
        for (const w of trainable) {
          const ref = c[key].torch[w.id];
          expect(ref, `torch has a parameter ${w.id}`).toBeDefined();
          expect(relDiff(after.get(w.id)!, ref!), w.id).toBeLessThan(1e-5);
        }
      });
    }
  }
});

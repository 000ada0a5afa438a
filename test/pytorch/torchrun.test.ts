// The exported LeNet-5 package under PyTorch's launcher: `torchrun --standalone
// --nproc_per_node=2` (gloo, two CPU processes on localhost) trains one epoch on the shipped MNIST
// and reaches the accuracy one process reaches with the same global batch, both ranks ending with
// the same weights; and a run stopped after an epoch resumes from its checkpoint.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { captureIO } from '../helpers/cli-io.ts';
import { requirePython } from '../helpers/references.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-torchrun-'));

interface Epoch {
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
  readonly stepsPerSecond: number;
}

async function exportPackage(template: string): Promise<string> {
  const io = captureIO(dir);
  const code = await main(['export', template, '--format', 'pytorch', '-o', template], io);
  expect(io.stderr.join('\n')).toBe('');
  expect(code).toBe(0);
  return join(dir, template);
}

/** Runs a command; returns the JSON lines it printed (one per epoch). */
function epochs(args: readonly string[], cwd: string): Epoch[] {
  const out = execFileSync(requirePython(['torch', 'numpy']), args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return (
    out
      .split('\n')
      // torchrun's --tee prefixes each line with its rank: "[default0]:{...}".
      .map((l) => l.replace(/^\[default\d+\]:/, ''))
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Epoch)
  );
}

describe('train.py under torchrun', () => {
  test("2 ranks (gloo) reach one process's accuracy on LeNet-5, with identical weights", async () => {
    const pkg = await exportPackage('lenet5');
    const single = epochs(['train.py', '--epochs', '1', '--out', join(dir, 'single')], pkg);
    const ddp = epochs(
      [
        '-m',
        'torch.distributed.run',
        '--standalone',
        '--nproc_per_node=2',
        // Debian's torch 1.13 under Python 3.11: the launcher's default "--redirects 0" fails
        // (Python 3.11's enum iteration skips the 0 flag); send stdout through its tee instead.
        '--redirects',
        '1',
        '--tee',
        '1',
        join(import.meta.dirname, '../tools/ddp_ranks.py'),
        pkg,
        '--epochs',
        '1',
        '--out',
        join(dir, 'ddp'),
      ],
      pkg,
    );
    // One line per epoch, printed by rank 0 only, with `netloom train --json`'s keys.
    expect(single).toHaveLength(1);
    expect(ddp).toHaveLength(1);
    for (const e of [...single, ...ddp])
      expect(Object.keys(e).sort()).toEqual(['epoch', 'loss', 'stepsPerSecond', 'valAccuracy', 'valLoss']);
    const [s, d] = [single[0]!, ddp[0]!];
    console.log(
      `LeNet-5, 1 epoch on the shipped MNIST (8,000 train / 2,000 validation), global batch 64: ` +
        `one process val accuracy ${s.valAccuracy} (loss ${s.valLoss?.toFixed(5)}), ` +
        `torchrun 2 ranks ${d.valAccuracy} (loss ${d.valLoss?.toFixed(5)})`,
    );
    expect(s.valAccuracy!).toBeGreaterThan(0.85);
    // The same global batches (DistributedSampler deals each rank every other example of one
    // shuffle): the runs differ only by the order of float sums.
    expect(Math.abs(d.valAccuracy! - s.valAccuracy!)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(d.valLoss! - s.valLoss!)).toBeLessThanOrEqual(0.01);
    // What train.py writes goes back into Netloom.
    const back = await main(
      ['export', 'lenet5', '--weights', join(dir, 'single', 'model.safetensors'), '-o', 'back.onnx'],
      captureIO(dir),
    );
    expect(back).toBe(0);
    const rank0 = readFileSync(join(dir, 'ddp', 'rank0.safetensors'));
    const rank1 = readFileSync(join(dir, 'ddp', 'rank1.safetensors'));
    expect(rank0.length).toBeGreaterThan(100_000);
    expect(Buffer.compare(rank0, rank1), 'both ranks end with the same weights').toBe(0);
  }, 600_000);

  test.each(['gan-mnist', 'vae'])(
    '%s trains through the loop (two objectives, or no labels)',
    async (template) => {
      const pkg = await exportPackage(template);
      // A slice of the shipped digits keeps this quick.
      execFileSync(
        requirePython(['torch', 'numpy']),
        [
          '-c',
          'import numpy as np, os; os.makedirs("slice"); [np.save(f"slice/{f}.npy", np.load(f"data/{f}.npy")[:192]) for f in ("features", "labels")]',
        ],
        { cwd: pkg },
      );
      const out = join(dir, `${template}-runs`);
      const run = epochs(['train.py', '--epochs', '1', '--data', 'slice', '--out', out], pkg);
      expect(run.map((e) => e.epoch)).toEqual([1]);
      for (const e of run) {
        expect(Number.isFinite(e.loss) && Number.isFinite(e.valLoss!)).toBe(true);
        expect(e.valAccuracy).toBeNull();
      }
      const back = await main(
        ['export', template, '--weights', join(out, 'model.safetensors'), '-o', `${template}.onnx`],
        captureIO(dir),
      );
      expect(back).toBe(0);
    },
    300_000,
  );

  test('token ids from a CSV file reach an Embedding as integers', async () => {
    // Eight token ids per row; the label says whether token 3 occurs.
    const rows = Array.from({ length: 200 }, (_, i) => {
      const ids = Array.from({ length: 8 }, (_, k) => (i * 7 + k * 5 + (i >> 3)) % 10);
      return [...ids, ids.includes(3) ? 1 : 0].join(',');
    });
    writeFileSync(join(dir, 'tokens.csv'), ['t0,t1,t2,t3,t4,t5,t6,t7,label', ...rows].join('\n'));
    const node = (id: string, kind: string, params: Record<string, unknown> = {}) => ({ id, kind, params });
    const wire = (from: string, to: string, port = 'x') => ({
      id: `${from}-${to}`,
      source: { node: from, port: 'y' },
      target: { node: to, port },
    });
    const doc = {
      format: 'netloom',
      version: 1,
      name: 'Tokens',
      nodes: [
        node('tokens', 'Input', { shape: [8], dtype: 'int64' }),
        node('embed', 'Embedding', { numEmbeddings: 10, dim: 4 }),
        node('flatten', 'Flatten'),
        node('fc', 'Dense', { units: 2 }),
        node('label', 'Input', { shape: [], dtype: 'int64' }),
        node('loss', 'CrossEntropy'),
      ],
      edges: [
        wire('tokens', 'embed'),
        wire('embed', 'flatten'),
        wire('flatten', 'fc'),
        wire('fc', 'loss'),
        wire('label', 'loss', 'target'),
      ],
      training: {
        dataset: 'tokens.csv',
        batchSize: 16,
        objectives: [{ loss: 'loss', optimizer: { name: 'adam', lr: 0.05 } }],
      },
    };
    writeFileSync(join(dir, 'tokens.json'), JSON.stringify(doc));
    const io = captureIO(dir);
    expect(await main(['export', 'tokens.json', '--format', 'pytorch', '-o', 'tokens'], io)).toBe(0);
    const run = epochs(['train.py', '--epochs', '3', '--out', join(dir, 'tokens-runs')], join(dir, 'tokens'));
    expect(run).toHaveLength(3);
    expect(run[2]!.valAccuracy).not.toBeNull();
    expect(run[2]!.loss).toBeLessThan(run[0]!.loss);
  }, 300_000);

  test('a second run with more epochs resumes from the checkpoint', async () => {
    const pkg = await exportPackage('playground');
    const out = join(dir, 'resume');
    const first = epochs(['train.py', '--epochs', '2', '--out', out], pkg);
    const second = epochs(['train.py', '--epochs', '3', '--out', out], pkg);
    expect(first.map((e) => e.epoch)).toEqual([1, 2]);
    expect(second.map((e) => e.epoch)).toEqual([3]);
    const straight = epochs(['train.py', '--epochs', '3', '--out', join(dir, 'straight')], pkg);
    // Resuming continues the same run: epoch 3 is the epoch 3 of an uninterrupted run.
    expect(second[0]!.loss).toBeCloseTo(straight[2]!.loss, 6);
    expect(second[0]!.valLoss!).toBeCloseTo(straight[2]!.valLoss!, 6);
  }, 300_000);
});

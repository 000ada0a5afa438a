// `netloom export --format pytorch`: a folder written all at once (or a zip that Python's zipfile
// reads), the data set and trained weights shipped, and nothing written when something is wrong.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { encodeSafetensors } from '../../src/ir/weights-file.ts';
import { runCli } from '../helpers/cli-io.ts';
import { requirePython } from '../helpers/references.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-export-pt-'));

function cli(...argv: string[]) {
  return runCli(dir, argv);
}

describe('netloom export --format pytorch', () => {
  test("a folder with the package and the project's data set", async () => {
    const r = await cli('export', 'playground', '--format', 'pytorch', '-o', 'pg');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('pg: PyTorch package');
    expect(readdirSync(join(dir, 'pg')).sort()).toEqual([
      'README.md',
      'data',
      'data.py',
      'model.py',
      'safetensors_file.py',
      'train.py',
    ]);
    const readme = readFileSync(join(dir, 'pg', 'README.md'), 'utf8');
    for (const c of [
      'python train.py',
      'torchrun --standalone --nproc_per_node=4 train.py',
      '--nnodes=2',
      '--rdzv_endpoint',
      '--weights trained.safetensors',
    ])
      expect(readme).toContain(c);
    // The arrays are NumPy's own format: 600 spiral points, their labels, the set's description.
    const info = execFileSync(
      requirePython(['numpy']),
      [
        '-c',
        'import numpy as np, json; x = np.load("data/features.npy"); y = np.load("data/labels.npy"); print(json.dumps([list(x.shape), str(x.dtype), list(y.shape), str(y.dtype), json.load(open("data/dataset.json"))]))',
      ],
      { cwd: join(dir, 'pg'), encoding: 'utf8' },
    );
    expect(JSON.parse(info)).toEqual([
      [600, 2],
      'float32',
      [600],
      'int64',
      { name: 'spirals', task: 'classification', classes: 2 },
    ]);
    // Nothing is left beside it (the temporary folder was renamed into place).
    expect(readdirSync(dir).filter((f) => f.startsWith('pg.'))).toEqual([]);
  });

  test("a zip that Python's zipfile reads, CRCs checked", async () => {
    const r = await cli('export', 'lstm', '--format', 'pytorch', '-o', 'lstm.zip');
    expect(r.code).toBe(0);
    const check = execFileSync(
      requirePython(['numpy']),
      [
        '-c',
        'import zipfile, json; z = zipfile.ZipFile("lstm.zip"); print(json.dumps([z.testzip(), sorted(z.namelist()), len(z.read("data/features.npy"))]))',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    const [bad, names, bytes] = JSON.parse(check) as [string | null, string[], number];
    expect(bad).toBeNull();
    expect(names).toEqual([
      'README.md',
      'data.py',
      'data/dataset.json',
      'data/features.npy',
      'data/labels.npy',
      'model.py',
      'safetensors_file.py',
      'train.py',
    ]);
    // 10,000 MNIST digits as bytes (a 128-byte .npy header, then 784 bytes each).
    expect(bytes).toBe(128 + 10_000 * 784);
  });

  test('trained weights go in when they fit the model, and are refused when not', async () => {
    await cli('train', 'playground', '--epochs', '1', '--save-weights', 'pg.safetensors');
    const ok = await cli(
      'export',
      'playground',
      '--format',
      'pytorch',
      '-o',
      'with-weights',
      '--weights',
      'pg.safetensors',
    );
    expect(ok.code).toBe(0);
    expect(
      Buffer.compare(
        readFileSync(join(dir, 'with-weights', 'trained.safetensors')),
        readFileSync(join(dir, 'pg.safetensors')),
      ),
    ).toBe(0);
    writeFileSync(
      join(dir, 'other.safetensors'),
      encodeSafetensors(new Map([['stray', { shape: [1], data: new Float32Array(1) }]])),
    );
    const bad = await cli(
      'export',
      'playground',
      '--format',
      'pytorch',
      '-o',
      'bad-weights',
      '--weights',
      'other.safetensors',
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('does not fit this model');
    expect(existsSync(join(dir, 'bad-weights'))).toBe(false);
  });

  test('nothing is written into a folder in use, or for a graph torch cannot hold', async () => {
    mkdirSync(join(dir, 'taken'));
    writeFileSync(join(dir, 'taken', 'notes.txt'), 'mine');
    const r = await cli('export', 'mlp', '--format', 'pytorch', '-o', 'taken');
    expect(r.code).toBe(1);
    expect(r.err).toContain('taken: the folder exists and is not empty');
    expect(readdirSync(join(dir, 'taken'))).toEqual(['notes.txt']);

    const doc = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../templates/gan-mnist.json'), 'utf8'),
    ) as {
      nodes: { id: string; params: Record<string, unknown> }[];
    };
    doc.nodes.find((n) => n.id === 'D.fc1.fake')!.params['bias'] = false;
    writeFileSync(join(dir, 'gan.json'), JSON.stringify(doc));
    const g = await cli('export', 'gan.json', '--format', 'pytorch', '-o', 'gan');
    expect(g.code).toBe(1);
    expect(g.err).toContain('Node "D.fc1.fake" (Dense)');
    expect(existsSync(join(dir, 'gan'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('gan.netloom'))).toEqual([]);
  });

  test('usage mistakes', async () => {
    expect((await cli('export', 'mlp', '--format', 'keras', '-o', 'k')).code).toBe(2);
    expect((await cli('export', 'mlp', '--format', 'pytorch')).code).toBe(2);
    expect((await cli('export', 'mlp', '--format', 'pytorch', '--seed', '3', '-o', 's')).code).toBe(2);
  });
}, 120_000);

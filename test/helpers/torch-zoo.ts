// torchvision models and small torch modules exported by torch.onnx.export with its defaults
// (test/fixtures/torch_zoo.py), made on demand: the files are too big to commit, so the first test
// that asks runs torch once for every model it asks for, into a cache folder keyed by the script's
// contents (later runs on the same machine reuse them).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(import.meta.dirname, '../fixtures/torch_zoo.py');

export interface ZooEntry {
  /** torch's sum(p.numel() for p in model.parameters()). */
  readonly params: number;
  readonly input: number[];
  readonly exported: boolean;
  readonly error?: string;
}

export interface ZooModel extends ZooEntry {
  readonly name: string;
  readonly onnx: string;
  /** torch's input and output as .npy files. */
  readonly x: string;
  readonly y: string;
}

/**
 * The cache folder for this version of the script, in the machine's temporary folder rather than
 * the test run's (test/helpers/tmp-setup.ts removes that one when the run ends).
 */
export function zooDir(): string {
  const hash = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 12);
  const dir = join(process.env['NETLOOM_SYSTEM_TMPDIR'] ?? tmpdir(), `netloom-torch-zoo-${hash}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function readIndex(dir: string): Record<string, ZooEntry> {
  const f = join(dir, 'zoo.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Record<string, ZooEntry>) : {};
}

/** Exports the models not yet in the cache (one torch process for all), then describes each. */
export function torchZoo(python: string, names: readonly string[]): Map<string, ZooModel> {
  const dir = zooDir();
  const missing = names.filter((n) => !(n in readIndex(dir)));
  if (missing.length) {
    execFileSync(python, [script, dir, ...missing], {
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 64 * 2 ** 20,
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
  }
  const index = readIndex(dir);
  return new Map(
    names.map((name) => {
      const e = index[name];
      if (!e) throw new Error(`torch_zoo.py wrote nothing for ${name}`);
      return [
        name,
        {
          ...e,
          name,
          onnx: join(dir, `${name}.onnx`),
          x: join(dir, `${name}.x.npy`),
          y: join(dir, `${name}.y.npy`),
        },
      ];
    }),
  );
}

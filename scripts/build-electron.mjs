// Bundles Electron's main and preload into dist/electron/{main,preload}.cjs with Vite (SSR build:
// Node target, every dependency such as zod inlined, only `electron` and Node's built-ins left as
// require()s). CommonJS because a sandboxed preload cannot load ES modules.
import { builtinModules } from 'node:module';
import * as nodePath from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

const repoRoot = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '..');

export const electronEntries = [
  { entry: 'electron/main.ts', file: 'main.cjs' },
  { entry: 'electron/preload.ts', file: 'preload.cjs' },
];

const external = ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** Builds both bundles; resolves with their paths. */
export async function buildElectron({ root = repoRoot, outDir = 'dist/electron', minify = false } = {}) {
  const written = [];
  for (const { entry, file } of electronEntries) {
    await build({
      configFile: false,
      root,
      logLevel: 'warn',
      ssr: { noExternal: true, target: 'node' },
      build: {
        ssr: entry,
        outDir,
        emptyOutDir: false,
        target: 'node22',
        minify,
        sourcemap: true,
        copyPublicDir: false,
        rollupOptions: {
          external,
          output: { format: 'cjs', entryFileNames: file, codeSplitting: false },
        },
      },
    });
    written.push(nodePath.join(root, outDir, file));
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = await buildElectron({ minify: process.argv.includes('--minify') });
  for (const f of files) console.log(`built ${nodePath.relative(repoRoot, f)}`);
}

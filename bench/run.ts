// `npm run bench`: runs every bench/*.bench.ts in name order. Each prints its own table with the
// peer it is compared against (PyTorch CPU, TensorFlow.js) measured in the same run.
import { readdirSync } from 'node:fs';

const only = process.argv.slice(2);
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
for (const f of files) {
  const mod = (await import(`./${f}`)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') throw new Error(`bench/${f} exports no run()`);
  console.log(`\n## ${f.replace(/\.bench\.ts$/, '')}`);
  await mod.run();
}

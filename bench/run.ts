// `npm run bench`: runs every bench/*.bench.ts in name order (`npm run bench -- NAME…`: those
// named). Each prints its own table with the peer it is compared against (PyTorch CPU,
// TensorFlow.js) measured in the same run.
import { readdirSync } from 'node:fs';

const only = process.argv.slice(2);
const all = readdirSync(import.meta.dirname).filter((f) => f.endsWith('.bench.ts'));
// An argument that names a bench exactly (`training`) runs that one; any other picks every bench
// whose file name contains it.
const picks = (f: string, o: string): boolean =>
  all.includes(`${o}.bench.ts`) ? f === `${o}.bench.ts` : f.includes(o);
const files = all.filter((f) => only.length === 0 || only.some((o) => picks(f, o))).sort();
for (const f of files) {
  const mod = (await import(`./${f}`)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') throw new Error(`bench/${f} exports no run()`);
  console.log(`\n## ${f.replace(/\.bench\.ts$/, '')}`);
  await mod.run();
}

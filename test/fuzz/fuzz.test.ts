// The fuzz suite (issue 10): every parser and the IPC handlers, seeded, each input bounded in time
// and memory. Small in `npm test`; long with NETLOOM_FUZZ_ITERS (inputs per format), e.g.
//   NETLOOM_FUZZ_ITERS=20000 npx vitest run test/fuzz
// NETLOOM_FUZZ_SEED picks another sequence; NETLOOM_FUZZ_FORMATS=onnx,npy fuzzes only those. Each format prints one line: inputs tried, accepted,
// rejected, and the failures — crashes, hangs, memory, silent acceptances, uncaught exceptions
// (see targets.ts for what each means) — which must all be 0.
import { afterAll, describe, expect, test } from 'vitest';
import { fuzzInputs } from './inputs.ts';
import type { Result } from './pool.ts';
import { FuzzPool } from './pool.ts';
import type { Format } from './targets.ts';
import { formats } from './targets.ts';

const iterations = Number(process.env['NETLOOM_FUZZ_ITERS'] ?? 60);
const seed = Number(process.env['NETLOOM_FUZZ_SEED'] ?? 1);
/** Per input: far above any honest parse of these small inputs, far below a hang. */
const timeoutMs = Number(process.env['NETLOOM_FUZZ_TIMEOUT_MS'] ?? 20_000);
/** How much the process may grow while one input runs. */
const rssGrowthBytes = 1.5 * 2 ** 30;

const only = process.env['NETLOOM_FUZZ_FORMATS']?.split(',');
const chosen = formats.filter((f) => !only || only.includes(f));

const pool = new FuzzPool({ timeoutMs, rssGrowthBytes });
afterAll(() => pool.close());

type Kind = Result['kind'];
const failures: Kind[] = ['crash', 'hang', 'memory', 'silent', 'uncaught'];

describe.sequential('fuzz', () => {
  test.each(chosen.map((f) => [f]))(
    '%s: no crash, hang, memory blow-up, silent acceptance or uncaught exception',
    async (format: Format) => {
      const counts = new Map<Kind, number>();
      const examples: string[] = [];
      let tried = 0;
      const t0 = performance.now();
      for (const input of fuzzInputs(format, iterations, seed)) {
        const r = await pool.run(format, input.bytes);
        tried++;
        counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
        if (failures.includes(r.kind) && examples.length < 10) {
          examples.push(`${r.kind} on ${input.label}: ${'why' in r ? r.why : ''}`);
        }
      }
      const n = (k: Kind) => counts.get(k) ?? 0;
      console.log(
        `fuzz ${format}: ${tried} inputs (seed ${seed}) — accepted ${n('accepted')}, rejected ${n('rejected')}; ` +
          `crashes ${n('crash')}, hangs ${n('hang')}, memory ${n('memory')}, silent acceptances ${n('silent')}, ` +
          `uncaught exceptions ${n('uncaught')}; ${((performance.now() - t0) / 1000).toFixed(1)} s, ` +
          `peak RSS ${(pool.peakRss / 2 ** 20).toFixed(0)} MiB`,
      );
      expect(examples).toEqual([]);
      expect(tried).toBe(iterations);
    },
    Math.max(120_000, iterations * 200),
  );
});

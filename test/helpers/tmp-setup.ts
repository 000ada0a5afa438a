// vitest's global set-up: every test run gets one temporary folder, named in TMPDIR before the test
// workers start (they and every process they spawn inherit it, and os.tmpdir() reads it), and
// removed when the run ends — so a test that forgets to remove what it made leaks nothing. The
// machine's own temporary folder stays reachable through NETLOOM_SYSTEM_TMPDIR for the caches that
// are meant to outlive a run (test/helpers/torch-zoo.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function setup(): () => void {
  const system = process.env['NETLOOM_SYSTEM_TMPDIR'] ?? tmpdir();
  const run = mkdtempSync(join(system, 'netloom-test-run-'));
  const before = {
    TMPDIR: process.env['TMPDIR'],
    NETLOOM_SYSTEM_TMPDIR: process.env['NETLOOM_SYSTEM_TMPDIR'],
  };
  process.env['NETLOOM_SYSTEM_TMPDIR'] = system;
  process.env['TMPDIR'] = run;
  return () => {
    rmSync(run, { recursive: true, force: true });
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

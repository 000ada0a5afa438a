// `netloom search` trains each candidate in a worker thread running the CLI's own train command (no
// child process started from bin/netloom.mjs): a run trained that way is recorded whole, and a bad
// project comes back as a failed exit status with the message naming the file.
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { trainInThread } from '../../src/cli/train-threads.ts';

const root = join(import.meta.dirname, '../..');

test('a candidate trains in a thread and is recorded; a missing project fails with its name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netloom-thread-'));
  copyFileSync(join(root, 'templates/playground.json'), join(dir, 'p.json'));
  const ok = await trainInThread(
    ['p.json', '--epochs', '1', '--limit', '64', '--runs', 'runs', '--run-id', 'cand-1', '--json'],
    dir,
  );
  expect(ok).toEqual({ code: 0, stderr: '' });
  const record = JSON.parse(readFileSync(join(dir, 'runs/cand-1/run.json'), 'utf8')) as {
    finished: boolean;
    epochs: unknown[];
  };
  expect(record.finished).toBe(true);
  expect(record.epochs).toHaveLength(1);
  expect(existsSync(join(dir, 'runs/cand-1/weights.safetensors'))).toBe(true);

  const bad = await trainInThread(['nope.json', '--no-record'], dir);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('nope.json');
}, 120_000);

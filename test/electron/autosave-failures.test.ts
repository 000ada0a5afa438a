// Autosave under failure at every step: an error (a full disk) or a crash (the process gone, so
// nothing after that step runs, not even clean-up) at each file-system call of a write. Recovery
// must then offer the previous record or the new one, whole — the bytes always under their own
// name and path — and the next start removes what the crash left behind.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AutosaveFs } from '../../electron/autosave.ts';
import { AutosaveStore, nodeAutosaveFs } from '../../electron/autosave.ts';
import type { WritableHandle } from '../../src/host/atomic-file.ts';
import { tempDir } from './fakes.ts';

type Mode = 'error' | 'crash';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

/** The real file system, failing at call number `at` (0-based); `calls` counts them. */
function injecting(at: number, mode: Mode): { fs: AutosaveFs; state: { calls: number; hit: boolean } } {
  let dead = false;
  const state = { calls: 0, hit: false };
  const step = async (torn?: () => Promise<void>): Promise<void> => {
    if (dead) throw errno('ESRCH');
    const k = state.calls++;
    if (k !== at) return;
    state.hit = true;
    if (torn) await torn();
    if (mode === 'crash') dead = true;
    throw errno(mode === 'crash' ? 'ESRCH' : 'ENOSPC');
  };
  const wrap =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      await step();
      return f(...a);
    };
  const fs: AutosaveFs = {
    stat: wrap(nodeAutosaveFs.stat),
    lstat: wrap(nodeAutosaveFs.lstat),
    realpath: wrap(nodeAutosaveFs.realpath),
    readdir: wrap(nodeAutosaveFs.readdir),
    rename: wrap(nodeAutosaveFs.rename),
    unlink: wrap(nodeAutosaveFs.unlink),
    readFile: wrap(nodeAutosaveFs.readFile),
    rm: wrap(nodeAutosaveFs.rm),
    mkdir: wrap(nodeAutosaveFs.mkdir),
    // The writer is this process; after a "crash" its temp files belong to nobody.
    isAlive: () => !dead,
    open: async (p, flags, mode) => {
      await step();
      const h = await nodeAutosaveFs.open(p, flags, mode);
      const handle: WritableHandle = {
        // A failing write leaves half the bytes behind, as a full disk does.
        writeFile: async (data) => {
          await step(() => h.writeFile(data.subarray(0, data.length >> 1)));
          return h.writeFile(data);
        },
        truncate: async (n) => {
          await step();
          return h.truncate(n);
        },
        chmod: async (m) => {
          await step();
          return h.chmod(m);
        },
        sync: async () => {
          await step();
          return h.sync();
        },
        // Closing is not a step that can lose data; a crashed process's files are closed by the OS.
        close: () => h.close(),
      };
      return handle;
    },
  };
  return { fs, state };
}

const oldDoc = { bytes: new TextEncoder().encode('{"old":1}'), path: '/work/old.json', name: 'old.json' };
const newDoc = {
  bytes: new TextEncoder().encode('{"new":2, "longer": true}'),
  path: '/work/new.json',
  name: 'new.json',
};

describe.each(['error', 'crash'] as const)('autosave with an injected %s', (mode) => {
  it('at every step of a write, recovery offers the old record or the new one, never a mix', async () => {
    const seen = new Set<string>();
    let steps: number | undefined;
    for (let at = 0; ; at++) {
      const dir = tempDir();
      const first = new AutosaveStore(dir);
      await first.write(oldDoc.bytes, { path: oldDoc.path, name: oldDoc.name });
      // Written a minute ago (file times are only as fine as the kernel's clock tick).
      const past = new Date(Date.now() - 60_000);
      nodeFs.utimesSync(first.path, past, past);
      const { fs, state } = injecting(at, mode);
      const store = new AutosaveStore(dir, fs);
      const wrote = await store.write(newDoc.bytes, { path: newDoc.path, name: newDoc.name }).then(
        () => true,
        () => false,
      );
      if (!state.hit) {
        // The write got through every step: that was all of them.
        expect(wrote).toBe(true);
        steps = at;
        break;
      }
      // Next start (another process: this one's temp files are a dead writer's), a healthy disk.
      const next = new AutosaveStore(dir, { ...nodeAutosaveFs, isAlive: () => false });
      const rec = await next.recover();
      expect(rec).toBeDefined();
      const doc = rec!.meta.name === 'new.json' ? newDoc : oldDoc;
      expect(rec!.meta.path).toBe(doc.path);
      expect(rec!.bytes).toEqual(doc.bytes);
      seen.add(rec!.meta.name);
      await next.sweep();
      expect(nodeFs.readdirSync(dir)).toEqual(['document.autosave']);
    }
    // A write takes several steps, and failing at each of them was tried.
    expect(steps ?? 0).toBeGreaterThan(5);
    expect([...seen].sort()).toEqual(['new.json', 'old.json']);
  });
});

it('a new start removes temporary files of killed saves, and keeps those of running ones', async () => {
  const dir = tempDir();
  const store = new AutosaveStore(dir);
  await store.write(oldDoc.bytes, { name: oldDoc.name });
  const dead = nodePath.join(dir, '.document.autosave.999999999-0123456789ab.tmp');
  const legacy = nodePath.join(dir, '.document.autosave.0123456789ab.tmp');
  const running = nodePath.join(dir, `.document.autosave.${process.pid}-0123456789ab.tmp`);
  for (const f of [dead, legacy, running]) nodeFs.writeFileSync(f, 'partial');
  expect((await store.sweep()).sort()).toEqual([nodePath.basename(legacy), nodePath.basename(dead)].sort());
  expect(nodeFs.readdirSync(dir).sort()).toEqual([nodePath.basename(running), 'document.autosave'].sort());
});

import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AtomicFs } from '../../electron/atomic-write.ts';
import { atomicWriteFile, nodeAtomicFs } from '../../electron/atomic-write.ts';
import { invokeChannels, sendChannels } from '../../electron/channels.ts';
import { NetloomError } from '../../src/util/errors.ts';
import { makeRig, settle, tempDir } from './fakes.ts';

const oldText = '{"format":"netloom","version":1,"old":true}';
const newBytes = new TextEncoder().encode('{"format":"netloom","version":1,"new":true}');

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

/** The real file system, failing at one chosen step of a save. */
function failingFs(
  step: 'open' | 'write-half' | 'sync' | 'rename',
  code = 'ENOSPC',
): AtomicFs & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    stat: (p) => nodeAtomicFs.stat(p),
    unlink: (p) => {
      calls.push('unlink');
      return nodeAtomicFs.unlink(p);
    },
    rename: async (from, to) => {
      calls.push('rename');
      if (step === 'rename') throw errno(code);
      return nodeAtomicFs.rename(from, to);
    },
    open: async (p, flags, mode) => {
      calls.push(`open ${flags}`);
      if (step === 'open' && flags !== 'r') throw errno(code);
      const h = await nodeAtomicFs.open(p, flags, mode);
      return {
        writeFile: async (data) => {
          calls.push('write');
          if (step === 'write-half') {
            // The disk fills up halfway through: half the bytes are in the temp file.
            await h.writeFile(data.subarray(0, data.length >> 1));
            throw errno(code);
          }
          return h.writeFile(data);
        },
        sync: async () => {
          calls.push('sync');
          if (step === 'sync' && flags !== 'r') throw errno(code);
          return h.sync();
        },
        close: () => h.close(),
      };
    },
  };
}

describe('atomic save', () => {
  it('writes through a synced temp file renamed over the target', async () => {
    const dir = tempDir();
    const target = nodePath.join(dir, 'model.json');
    nodeFs.writeFileSync(target, oldText, { mode: 0o640 });
    const calls: string[] = [];
    await atomicWriteFile(target, newBytes, {
      ...nodeAtomicFs,
      open: async (p, flags, mode) => {
        calls.push(
          `open ${flags} ${p === dir ? 'folder' : nodePath.dirname(p) === dir ? 'same-dir' : 'elsewhere'}`,
        );
        return nodeAtomicFs.open(p, flags, mode);
      },
      rename: async (from, to) => {
        calls.push('rename');
        return nodeAtomicFs.rename(from, to);
      },
    });
    expect(nodeFs.readFileSync(target, 'utf8')).toBe(new TextDecoder().decode(newBytes));
    // Temp in the same folder (so rename is atomic), exclusive create; then the folder is synced.
    expect(calls).toEqual(['open wx same-dir', 'rename', 'open r folder']);
    expect(nodeFs.statSync(target).mode & 0o777).toBe(0o640);
    expect(nodeFs.readdirSync(dir)).toEqual(['model.json']);
  });

  it.each(['open', 'write-half', 'sync', 'rename'] as const)(
    'a failure at %s leaves the old file intact and no temp file behind',
    async (step) => {
      const dir = tempDir();
      const target = nodePath.join(dir, 'model.json');
      nodeFs.writeFileSync(target, oldText);
      const fs = failingFs(step);
      const err = await atomicWriteFile(target, newBytes, fs).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetloomError);
      expect((err as NetloomError).code).toBe('io');
      expect((err as NetloomError).path).toBe(target);
      expect((err as Error).message).toBe(
        'Could not save "model.json": the disk is full — free some space or save somewhere else. The file on disk is unchanged.',
      );
      expect(nodeFs.readFileSync(target, 'utf8')).toBe(oldText);
      expect(nodeFs.readdirSync(dir)).toEqual(['model.json']);
      if (step !== 'open') expect(fs.calls).toContain('unlink');
    },
  );

  it('says why in words for other errors', async () => {
    const dir = tempDir();
    const target = nodePath.join(dir, 'model.json');
    await expect(atomicWriteFile(target, newBytes, failingFs('rename', 'EACCES'))).rejects.toThrow(
      /permission denied — choose a folder you can write to/,
    );
    await expect(atomicWriteFile(nodePath.join(dir, 'gone', 'm.json'), newBytes)).rejects.toThrow(
      /"m.json": the folder does not exist any more — use Save As/,
    );
    expect(nodeFs.readdirSync(dir)).toEqual([]);
  });

  it('a failed save keeps the document dirty, says why, and calls off a pending close', async () => {
    const rig = makeRig({ writeFs: failingFs('rename') });
    const target = nodePath.join(rig.dir, 'model.json');
    nodeFs.writeFileSync(target, oldText);
    rig.grants.grant(target);
    rig.ipc.send(sendChannels.setDirty, { dirty: true });

    // The user closes and answers "Save": the page is asked to save...
    rig.dialog.boxAnswers.push(0);
    expect(rig.desktop.onWindowClose()).toBe(true);
    await settle();
    expect(rig.win.sent.at(-1)).toEqual({ channel: 'menu-command', payload: 'save' });

    // ...and the save fails.
    const reply = await rig.ipc.invoke(invokeChannels.saveFile, {
      bytes: newBytes,
      path: target,
      suggestedName: 'model.json',
      filters: [],
    });
    expect(reply).toEqual({
      ok: false,
      message:
        'Could not save "model.json": the disk is full — free some space or save somewhere else. The file on disk is unchanged.',
    });
    expect(nodeFs.readFileSync(target, 'utf8')).toBe(oldText);
    expect(rig.desktop.guard.dirty).toBe(true);
    // Cleaning the document later (say, by Undo) must not close the window on its own.
    rig.ipc.send(sendChannels.setDirty, { dirty: false });
    expect(rig.win.closed).toBe(0);
  });

  it('Save As asks where, writes there, and lists the project as recent', async () => {
    const rig = makeRig();
    const target = nodePath.join(rig.dir, 'new.json');
    rig.dialog.saveAnswers.push(target);
    const reply = await rig.ipc.invoke(invokeChannels.saveFile, {
      bytes: newBytes,
      suggestedName: 'Untitled.json',
      filters: [{ name: 'Netloom project', extensions: ['json'] }],
    });
    expect(reply).toEqual({ ok: true, value: target });
    expect(rig.dialog.saved[0]?.defaultPath).toBe('Untitled.json');
    expect(nodeFs.readFileSync(target)).toEqual(Buffer.from(newBytes));
    expect(rig.recent.list()).toEqual([target]);
    // The chosen path may be saved to again without asking.
    expect(rig.grants.isAllowed(target)).toBe(true);
  });
});

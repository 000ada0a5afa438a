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
    ...nodeAtomicFs,
    calls,
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
        truncate: (n) => h.truncate(n),
        chmod: (m) => h.chmod(m),
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

describe('saving through links, as editors do', () => {
  it('saving a project opened through a symbolic link writes the link’s target; the link stays', async () => {
    const rig = makeRig();
    const realDir = nodePath.join(rig.dir, 'projects');
    nodeFs.mkdirSync(realDir);
    const target = nodePath.join(realDir, 'model.json');
    nodeFs.writeFileSync(target, oldText);
    const link = nodePath.join(rig.dir, 'model.json');
    nodeFs.symlinkSync(target, link);
    rig.dialog.openAnswers.push([link]);
    await rig.ipc.invoke(invokeChannels.openFile, { filters: [] });
    const reply = await rig.ipc.invoke(invokeChannels.saveFile, {
      bytes: newBytes,
      path: link,
      suggestedName: 'model.json',
      filters: [],
    });
    expect(reply).toEqual({ ok: true, value: link });
    expect(nodeFs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(nodeFs.readFileSync(target)).toEqual(Buffer.from(newBytes));
  });

  it('saving a hard-linked project keeps the link: both names show the saved content', async () => {
    const rig = makeRig();
    const file = nodePath.join(rig.dir, 'model.json');
    const other = nodePath.join(rig.dir, 'backup-name.json');
    nodeFs.writeFileSync(file, oldText, { mode: 0o600 });
    nodeFs.linkSync(file, other);
    rig.grants.grant(file);
    await rig.ipc.invoke(invokeChannels.saveFile, {
      bytes: newBytes,
      path: file,
      suggestedName: 'model.json',
      filters: [],
    });
    expect(nodeFs.readFileSync(other)).toEqual(Buffer.from(newBytes));
    expect(nodeFs.statSync(file).nlink).toBe(2);
    expect(nodeFs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('Save As onto a link to a file of another kind is refused and writes nothing', async () => {
    const rig = makeRig();
    const notes = nodePath.join(rig.dir, 'notes.txt');
    nodeFs.writeFileSync(notes, 'my notes');
    const link = nodePath.join(rig.dir, 'x.json');
    nodeFs.symlinkSync(notes, link);
    rig.dialog.saveAnswers.push(link);
    const reply = await rig.ipc.invoke(invokeChannels.saveFile, {
      bytes: newBytes,
      suggestedName: 'x.json',
      filters: [],
    });
    expect(reply).toEqual({
      ok: false,
      message:
        'Could not save "x.json": it is a link to "notes.txt", a file of another kind. Nothing was written.',
    });
    expect(nodeFs.readFileSync(notes, 'utf8')).toBe('my notes');
    expect(nodeFs.lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('at start, temporary files of killed saves beside recent files are removed', async () => {
    const dir = tempDir();
    const first = makeRig({ dir });
    const file = nodePath.join(dir, 'model.json');
    nodeFs.writeFileSync(file, oldText);
    // Saved a while before the killed save (file times are as coarse as the kernel's tick).
    const past = new Date(Date.now() - 60_000);
    nodeFs.utimesSync(file, past, past);
    first.dialog.openAnswers.push([file]);
    await first.ipc.invoke(invokeChannels.openFile, { filters: [] });
    const leftover = nodePath.join(dir, '.model.json.999999999-0123456789ab.tmp');
    nodeFs.writeFileSync(leftover, 'half a save');
    expect(await first.desktop.sweepLeftovers()).toBe(1);
    expect(nodeFs.existsSync(leftover)).toBe(false);
    expect(nodeFs.readFileSync(file, 'utf8')).toBe(oldText);
  });
});

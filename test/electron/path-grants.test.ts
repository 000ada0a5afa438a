import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { invokeChannels, sendChannels } from '../../electron/channels.ts';
import { IpcPayloadError } from '../../electron/ipc-schemas.ts';
import { PathGrants } from '../../electron/path-grants.ts';
import { makeRig, settle, tempDir } from './fakes.ts';

describe('PathGrants', () => {
  it('allows exactly the granted files', () => {
    const dir = tempDir();
    const a = nodePath.join(dir, 'a.json');
    const b = nodePath.join(dir, 'b.json');
    nodeFs.writeFileSync(a, '{}');
    nodeFs.writeFileSync(b, '{}');
    const g = new PathGrants();
    g.grant(a);
    expect(g.isAllowed(a)).toBe(true);
    expect(g.isAllowed(b)).toBe(false);
    expect(g.isAllowed(dir)).toBe(false);
    // Other spellings of the same file are the same file; `..` cannot climb to a neighbour.
    expect(g.isAllowed(nodePath.join(dir, 'sub', '..', 'a.json'))).toBe(true);
    expect(g.isAllowed(nodePath.join(dir, 'a.json', '..', 'b.json'))).toBe(false);
    g.revoke(a);
    expect(g.isAllowed(a)).toBe(false);
  });

  it('refuses relative paths and NULs', () => {
    const g = new PathGrants();
    g.grant('a.json');
    expect(g.isAllowed('a.json')).toBe(false);
    expect(g.isAllowed('/tmp/a.json\0.png')).toBe(false);
  });

  it('follows symlinks: a link to a granted file is allowed, a granted link does not grant its folder', () => {
    const dir = tempDir();
    const real = nodePath.join(dir, 'real.json');
    const secret = nodePath.join(dir, 'secret.json');
    nodeFs.writeFileSync(real, '{}');
    nodeFs.writeFileSync(secret, '{}');
    const link = nodePath.join(dir, 'link.json');
    nodeFs.symlinkSync(real, link);
    const g = new PathGrants();
    g.grant(link);
    expect(g.isAllowed(real)).toBe(true);
    expect(g.isAllowed(secret)).toBe(false);
    // Re-pointing the link afterwards does not carry the grant to the new target.
    nodeFs.unlinkSync(link);
    nodeFs.symlinkSync(secret, link);
    expect(g.isAllowed(link)).toBe(false);
  });

  it('grants the real file only when a link leads to a regular file of the same kind', () => {
    const dir = tempDir();
    const notes = nodePath.join(dir, 'notes.txt');
    nodeFs.writeFileSync(notes, 'x');
    const disguised = nodePath.join(dir, 'x.json');
    nodeFs.symlinkSync(notes, disguised);
    const g = new PathGrants();
    expect(g.grant(disguised)).toEqual({
      ok: false,
      why: 'it is a link to "notes.txt", a file of another kind',
    });
    expect(g.isAllowed(disguised)).toBe(false);
    expect(g.isAllowed(notes)).toBe(false);
    const folder = nodePath.join(dir, 'folder.json');
    nodeFs.mkdirSync(folder);
    expect(g.grant(folder)).toEqual({ ok: false, why: 'it is not a file' });
    // A link of the same kind is fine, and a write lands on what was checked: the real file.
    const real = nodePath.join(dir, 'real.onnx');
    nodeFs.writeFileSync(real, 'x');
    const link = nodePath.join(dir, 'link.onnx');
    nodeFs.symlinkSync(real, link);
    expect(g.grant(link).ok).toBe(true);
    expect(g.allowedReal(link)).toBe(real);
  });

  it('grants a file that does not exist yet (Save As), through its real folder', () => {
    const dir = tempDir();
    const g = new PathGrants();
    const target = nodePath.join(dir, 'new.json');
    g.grant(target);
    nodeFs.writeFileSync(target, '{}');
    expect(g.isAllowed(target)).toBe(true);
  });

  it('compares case-insensitively on Windows and macOS only', () => {
    const identity = (p: string) => p;
    const win = new PathGrants({ platform: 'win32', realpath: identity });
    win.grant('C:\\Users\\Me\\Model.json');
    expect(win.isAllowed('c:\\users\\me\\model.JSON')).toBe(true);
    expect(win.isAllowed('C:\\Users\\Me\\Other.json')).toBe(false);
    expect(win.isAllowed('Users\\Me\\Model.json')).toBe(false);
    const linux = new PathGrants({ platform: 'linux', realpath: identity });
    linux.grant('/home/me/Model.json');
    expect(linux.isAllowed('/home/me/model.json')).toBe(false);
  });
});

describe('the renderer reaches only files the user chose', () => {
  it('open-path refuses a path never chosen, even one that exists', async () => {
    const rig = makeRig();
    const other = nodePath.join(rig.dir, 'other.json');
    nodeFs.writeFileSync(other, '{}');
    await expect(rig.ipc.invoke(invokeChannels.openPath, { path: other })).rejects.toBeInstanceOf(
      IpcPayloadError,
    );
    await expect(rig.ipc.invoke(invokeChannels.openPath, { path: '/etc/passwd' })).rejects.toThrow(
      /not chosen by the user/,
    );
  });

  it('open-path allows a file chosen in the open dialog earlier', async () => {
    const rig = makeRig();
    const file = nodePath.join(rig.dir, 'model.json');
    nodeFs.writeFileSync(file, '{"a":1}');
    rig.dialog.openAnswers.push([file]);
    await rig.ipc.invoke(invokeChannels.openFile, { filters: [] });
    const reply = await rig.ipc.invoke(invokeChannels.openPath, { path: file });
    expect(reply).toMatchObject({
      ok: true,
      value: { path: file, bytes: new TextEncoder().encode('{"a":1}') },
    });
  });

  it('save-file refuses to write to a path never chosen, and writes nothing', async () => {
    const rig = makeRig();
    const victim = nodePath.join(rig.dir, 'victim.json');
    nodeFs.writeFileSync(victim, 'keep me');
    await expect(
      rig.ipc.invoke(invokeChannels.saveFile, {
        bytes: new Uint8Array([1]),
        path: victim,
        suggestedName: 'victim.json',
        filters: [],
      }),
    ).rejects.toThrow(/not chosen by the user/);
    expect(nodeFs.readFileSync(victim, 'utf8')).toBe('keep me');
    expect(rig.dialog.saved).toHaveLength(0);
  });

  it('files from the command line, a drop or the recent list are chosen; a non-project file is not', async () => {
    const rig = makeRig();
    const onnx = nodePath.join(rig.dir, 'net.onnx');
    const txt = nodePath.join(rig.dir, 'notes.txt');
    nodeFs.writeFileSync(onnx, new Uint8Array([1]));
    nodeFs.writeFileSync(txt, 'x');
    await rig.desktop.openFromOutside([txt, onnx]);
    expect(rig.grants.isAllowed(onnx)).toBe(true);
    expect(rig.grants.isAllowed(txt)).toBe(false);
    // A dropped path that is no file gets a message naming it, not a crash.
    await rig.desktop.openFromOutside([rig.dir + '.json']);
    expect(rig.dialog.boxes.at(-1)?.message).toMatch(
      /^Could not open ".*\.json": the file is not there any more/,
    );
    const folder = nodePath.join(rig.dir, 'folder.json');
    nodeFs.mkdirSync(folder);
    await rig.desktop.openFromOutside([folder]);
    expect(rig.dialog.boxes.at(-1)?.message).toBe('Could not open "folder.json": it is not a file.');
    expect(rig.win.sent).toHaveLength(1);
  });

  it('autosave keeps only a path the renderer may name', async () => {
    const rig = makeRig();
    rig.ipc.send(sendChannels.setDirty, { dirty: true });
    rig.ipc.send(sendChannels.autosave, {
      bytes: new Uint8Array([1, 2]),
      meta: { path: '/etc/cron.d/evil.json', name: 'evil.json' },
    });
    await settle();
    const rec = await rig.autosave.recover();
    expect(rec?.meta.name).toBe('evil.json');
    expect(rec?.meta.path).toBeUndefined();
  });
});

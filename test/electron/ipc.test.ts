import { createHash } from 'node:crypto';
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { eventChannels, invokeChannels, sendChannels } from '../../electron/channels.ts';
import { IpcPayloadError } from '../../electron/ipc-schemas.ts';
import { makeRig } from './fakes.ts';

const filters = [{ name: 'Netloom project', extensions: ['json'] }];

describe('IPC: every channel is registered and validated', () => {
  it('registers each invoke and send channel', () => {
    const { ipc } = makeRig();
    expect([...ipc.handlers.keys()].sort()).toEqual(Object.values(invokeChannels).sort());
    expect([...ipc.listeners.keys()].sort()).toEqual(Object.values(sendChannels).sort());
  });

  const badInvokes: [string, unknown][] = [
    [invokeChannels.openFile, undefined],
    [invokeChannels.openFile, { filters: 'json' }],
    [invokeChannels.openFile, { filters: [{ name: 'x', extensions: ['../etc'] }] }],
    [invokeChannels.openFile, { filters, extra: true }],
    [invokeChannels.openPath, { path: 42 }],
    [invokeChannels.openPath, { path: '' }],
    [invokeChannels.openPath, { path: '/tmp/a\0b.json' }],
    [invokeChannels.openPath, '/etc/passwd'],
    [invokeChannels.saveFile, { bytes: 'text', suggestedName: 'a.json', filters }],
    [invokeChannels.saveFile, { bytes: [1, 2, 3], suggestedName: 'a.json', filters }],
    [invokeChannels.saveFile, { bytes: new Uint8Array(1), suggestedName: '../../a.json', filters }],
    [invokeChannels.saveFile, { bytes: new Uint8Array(1), suggestedName: 'a.json' }],
    [invokeChannels.saveFile, { bytes: new Uint8Array(1), suggestedName: 'a.json', filters, path: 7 }],
    [invokeChannels.recentFiles, { please: true }],
  ];

  it.each(badInvokes)('refuses a malformed %s payload before doing anything', async (channel, payload) => {
    const { ipc, dialog, dir, logs } = makeRig();
    await expect(ipc.invoke(channel, payload)).rejects.toBeInstanceOf(IpcPayloadError);
    expect(logs).toEqual([expect.stringMatching(new RegExp(`^IPC "${channel}": refused malformed payload`))]);
    expect(dialog.opened).toHaveLength(0);
    expect(dialog.saved).toHaveLength(0);
    // Nothing was written next to the rig's files.
    expect(nodeFs.readdirSync(dir)).toEqual(['user-data']);
  });

  it('refuses messages from any page but ours', async () => {
    const { ipc, dialog } = makeRig();
    await expect(ipc.invoke(invokeChannels.openFile, { filters }, 'https://evil.example/')).rejects.toThrow(
      /is not the app/,
    );
    await expect(ipc.invoke(invokeChannels.openFile, { filters }, 'file:///tmp/x.html')).rejects.toThrow(
      IpcPayloadError,
    );
    expect(dialog.opened).toHaveLength(0);
  });

  it('ignores malformed fire-and-forget messages (logged, no effect)', () => {
    const { ipc, win, desktop, logs } = makeRig();
    ipc.send(sendChannels.setTitle, { title: 'x'.repeat(1000), dirty: false });
    ipc.send(sendChannels.setTitle, { title: 'a.json' });
    ipc.send(sendChannels.setDirty, { dirty: 'yes' });
    ipc.send(sendChannels.nativeEdit, { command: 'delete-everything' });
    ipc.send(sendChannels.droppedFiles, { files: [] });
    ipc.send(sendChannels.setDirty, { dirty: true }, 'https://evil.example/');
    expect(win.title).toBe('');
    expect(desktop.guard.dirty).toBe(false);
    expect(win.nativeEdits).toEqual([]);
    expect(logs).toHaveLength(6);
    expect(logs.every((l) => l.includes('refused'))).toBe(true);
  });

  it('passes well-formed payloads through', async () => {
    const { ipc, win, desktop, dialog, dir } = makeRig();
    const file = nodePath.join(dir, 'model.json');
    nodeFs.writeFileSync(file, '{"format":"netloom"}');
    dialog.openAnswers.push([file]);
    const reply = await ipc.invoke(invokeChannels.openFile, { filters });
    expect(reply).toMatchObject({ ok: true, value: { path: file, name: 'model.json' } });
    expect(dialog.opened[0]?.filters).toEqual([{ name: 'Netloom project', extensions: ['json'] }]);
    expect(await ipc.invoke(invokeChannels.recentFiles)).toEqual([file]);

    ipc.send(sendChannels.setTitle, { title: 'model.json', dirty: true });
    expect(win.title).toBe('● model.json — Netloom');
    ipc.send(sendChannels.setDirty, { dirty: true });
    expect(desktop.guard.dirty).toBe(true);
    ipc.send(sendChannels.nativeEdit, { command: 'select-all' });
    expect(win.nativeEdits).toEqual(['selectAll']);
  });

  it('opens dropped .json/.onnx files the drop proves, and sends them to the page', async () => {
    const { ipc, win, dir, grants } = makeRig();
    const file = nodePath.join(dir, 'net.onnx');
    nodeFs.writeFileSync(file, new Uint8Array([8, 7]));
    ipc.send(sendChannels.droppedFiles, {
      files: [dropProof(nodePath.join(dir, 'notes.txt'), new Uint8Array([1])), dropProof(file)],
    });
    await vi.waitFor(() => expect(win.sent).toHaveLength(1));
    expect(win.sent).toEqual([
      {
        channel: eventChannels.openFile,
        payload: { path: file, name: 'net.onnx', bytes: new Uint8Array([8, 7]) },
      },
    ]);
    expect(grants.isAllowed(file)).toBe(true);
    expect(grants.isAllowed(nodePath.join(dir, 'notes.txt'))).toBe(false);
  });
});

/** What the preload sends for a real drop: the path and the SHA-256 and size of the File's bytes. */
function dropProof(path: string, bytes: Uint8Array = nodeFs.readFileSync(path)) {
  return { path, size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

describe('IPC attacks from a compromised renderer fail', () => {
  async function attack(payload: (victim: string) => unknown) {
    const rig = makeRig();
    const victim = nodePath.join(rig.dir, 'victim.json');
    nodeFs.writeFileSync(victim, 'keep me');
    rig.ipc.send(sendChannels.droppedFiles, payload(victim));
    // Each refusal is logged (the page, possibly compromised, is told nothing).
    await vi.waitFor(() => expect(rig.logs).toHaveLength(1));
    // Nothing opened, nothing granted: reading and overwriting the named file are both refused.
    expect(rig.win.sent).toEqual([]);
    expect(rig.grants.isAllowed(victim)).toBe(false);
    await expect(rig.ipc.invoke(invokeChannels.openPath, { path: victim })).rejects.toThrow(
      /not chosen by the user/,
    );
    await expect(
      rig.ipc.invoke(invokeChannels.saveFile, {
        bytes: new Uint8Array([1]),
        path: victim,
        suggestedName: 'victim.json',
        filters: [],
      }),
    ).rejects.toThrow(/not chosen by the user/);
    expect(nodeFs.readFileSync(victim, 'utf8')).toBe('keep me');
    return rig;
  }

  it('a dropped path without proof of the drop grants nothing (the old dropped-paths message)', async () => {
    const rig = makeRig();
    // The channel that took a path on the renderer's word is gone.
    expect(rig.ipc.listeners.has('dropped-paths')).toBe(false);
    const guessed = new TextEncoder().encode('a guess');
    const r = await attack((victim) => ({ files: [dropProof(victim, guessed)] }));
    expect(r.logs.join('\n')).toMatch(/refused .*victim\.json.*do not match the file/);
  });

  it('a drop forged with a file’s known bytes reads only what was known, and cannot change it', async () => {
    const rig = makeRig();
    const victim = nodePath.join(rig.dir, 'settings.json');
    nodeFs.writeFileSync(victim, '{"default": true}');
    rig.ipc.send(sendChannels.droppedFiles, { files: [dropProof(victim)] });
    await vi.waitFor(() => expect(rig.win.sent).toHaveLength(1));
    expect(rig.grants.canWrite(victim)).toBe(false);
    // Re-opening it by path reads it again, but does not put it on the recent list (which would
    // grant writing at the next start).
    expect(await rig.ipc.invoke(invokeChannels.openPath, { path: victim })).toMatchObject({ ok: true });
    expect(rig.recent.list()).toEqual([]);
    // Saving over it asks the user in a native dialog, which the page cannot answer: Cancel.
    rig.dialog.boxAnswers.push(1);
    const save = {
      bytes: new TextEncoder().encode('{"evil": true}'),
      path: victim,
      suggestedName: 'settings.json',
      filters: [],
    };
    expect(await rig.ipc.invoke(invokeChannels.saveFile, save)).toEqual({ ok: true, value: undefined });
    expect(rig.dialog.boxes.at(-1)?.message).toBe('Save over "settings.json"?');
    expect(nodeFs.readFileSync(victim, 'utf8')).toBe('{"default": true}');
    // The user's own drop: they confirm once; then it saves like any chosen file.
    rig.dialog.boxAnswers.push(0);
    expect(await rig.ipc.invoke(invokeChannels.saveFile, save)).toEqual({ ok: true, value: victim });
    expect(nodeFs.readFileSync(victim, 'utf8')).toBe('{"evil": true}');
    expect(rig.recent.list()).toEqual([victim]);
    const boxes = rig.dialog.boxes.length;
    await rig.ipc.invoke(invokeChannels.saveFile, save);
    expect(rig.dialog.boxes).toHaveLength(boxes);
  });

  it('a drop naming the right size but a made-up hash grants nothing', async () => {
    await attack((victim) => ({ files: [{ path: victim, size: 7, sha256: 'ab'.repeat(32) }] }));
  });

  it('a payload in the old shape is refused by the schema', async () => {
    const r = await attack((victim) => ({ paths: [victim] }));
    expect(r.logs.join('\n')).toMatch(/refused malformed payload/);
  });

  it('a dropped link to a file of another kind is refused, even with the right bytes', async () => {
    const rig = makeRig();
    const notes = nodePath.join(rig.dir, 'notes.txt');
    nodeFs.writeFileSync(notes, 'my notes');
    const link = nodePath.join(rig.dir, 'x.json');
    nodeFs.symlinkSync(notes, link);
    rig.ipc.send(sendChannels.droppedFiles, { files: [dropProof(link)] });
    await vi.waitFor(() => expect(rig.dialog.boxes).toHaveLength(1));
    expect(rig.win.sent).toEqual([]);
    expect(rig.dialog.boxes.at(-1)?.message).toBe(
      'Could not open "x.json": it is a link to "notes.txt", a file of another kind.',
    );
    expect(rig.grants.isAllowed(link)).toBe(false);
    expect(rig.grants.isAllowed(notes)).toBe(false);
    await expect(
      rig.ipc.invoke(invokeChannels.saveFile, {
        bytes: new Uint8Array([1]),
        path: link,
        suggestedName: 'x.json',
        filters: [],
      }),
    ).rejects.toThrow(/not chosen by the user/);
    expect(nodeFs.readFileSync(notes, 'utf8')).toBe('my notes');
  });
});

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
    ipc.send(sendChannels.droppedPaths, { paths: [] });
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

  it('opens dropped .json/.onnx files and sends them to the page', async () => {
    const { ipc, win, dir, grants } = makeRig();
    const file = nodePath.join(dir, 'net.onnx');
    nodeFs.writeFileSync(file, new Uint8Array([8, 7]));
    ipc.send(sendChannels.droppedPaths, { paths: [nodePath.join(dir, 'notes.txt'), file] });
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

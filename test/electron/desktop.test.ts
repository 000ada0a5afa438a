import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { AutosaveStore } from '../../electron/autosave.ts';
import { eventChannels, invokeChannels, sendChannels } from '../../electron/channels.ts';
import { CloseGuard } from '../../electron/close-guard.ts';
import { routeMenuCommand } from '../../electron/edit-routing.ts';
import { filesFromArgv } from '../../electron/launch-args.ts';
import { fileRecentStorage, maxRecentFiles, RecentFiles } from '../../electron/recent-files.ts';
import { makeRig, settle, tempDir } from './fakes.ts';

describe('closing with unsaved changes', () => {
  it('closes at once when clean', () => {
    const rig = makeRig();
    expect(rig.desktop.onWindowClose()).toBe(false);
    expect(rig.dialog.boxes).toHaveLength(0);
  });

  it('asks; Cancel keeps the window', async () => {
    const rig = makeRig();
    rig.ipc.send(sendChannels.setTitle, { title: 'model.json', dirty: true });
    rig.ipc.send(sendChannels.setDirty, { dirty: true });
    rig.dialog.boxAnswers.push(2);
    expect(rig.desktop.onWindowClose()).toBe(true);
    await settle();
    expect(rig.dialog.boxes[0]?.message).toBe('Save changes to "model.json" before closing?');
    expect(rig.dialog.boxes[0]?.buttons).toEqual(['Save', "Don't Save", 'Cancel']);
    expect(rig.win.closed).toBe(0);
    expect(rig.win.sent).toEqual([]);
  });

  it("Don't Save closes and drops the autosave", async () => {
    const rig = makeRig();
    rig.ipc.send(sendChannels.setDirty, { dirty: true });
    rig.ipc.send(sendChannels.autosave, { bytes: new Uint8Array([1]), meta: { name: 'Untitled' } });
    expect(await rig.autosave.recover()).toBeDefined();
    rig.dialog.boxAnswers.push(1);
    expect(rig.desktop.onWindowClose()).toBe(true);
    await vi.waitFor(() => expect(rig.win.closed).toBe(1));
    // The close that follows is let through without asking again.
    expect(rig.desktop.onWindowClose()).toBe(false);
    expect(await rig.autosave.recover()).toBeUndefined();
  });

  it('Save asks the page to save and closes once it reports clean', async () => {
    const rig = makeRig();
    rig.ipc.send(sendChannels.setDirty, { dirty: true });
    rig.dialog.boxAnswers.push(0);
    rig.desktop.onWindowClose();
    await settle();
    expect(rig.win.sent).toEqual([{ channel: eventChannels.menuCommand, payload: 'save' }]);
    expect(rig.win.closed).toBe(0);
    rig.ipc.send(sendChannels.setDirty, { dirty: false });
    expect(rig.win.closed).toBe(1);
  });

  it('Save then a cancelled save dialog keeps the window open', async () => {
    const rig = makeRig();
    rig.ipc.send(sendChannels.setDirty, { dirty: true });
    rig.dialog.boxAnswers.push(0);
    rig.desktop.onWindowClose();
    await settle();
    const reply = await rig.ipc.invoke(invokeChannels.saveFile, {
      bytes: new Uint8Array([1]),
      suggestedName: 'Untitled.json',
      filters: [],
    });
    expect(reply).toEqual({ ok: true, value: undefined });
    rig.ipc.send(sendChannels.setDirty, { dirty: false });
    expect(rig.win.closed).toBe(0);
  });

  it('the guard starts clean for a new window', () => {
    const g = new CloseGuard();
    g.setDirty(true);
    g.onAnswer('discard');
    g.reset();
    g.setDirty(true);
    expect(g.onCloseRequested()).toBe('ask');
  });
});

describe('autosave and recovery', () => {
  it('offers the last unsaved work at start, reopens it as recovered and dirty', async () => {
    const dir = tempDir();
    const file = nodePath.join(dir, 'model.json');
    nodeFs.writeFileSync(file, '{"old":1}');
    const first = makeRig({ dir });
    first.grants.grant(file);
    first.ipc.send(sendChannels.setDirty, { dirty: true });
    first.ipc.send(sendChannels.autosave, {
      bytes: new TextEncoder().encode('{"new":2}'),
      meta: { path: file, name: 'model.json' },
    });
    // Wait for the write to land (recover() waits for queued writes).
    expect(await first.autosave.recover()).toBeDefined();
    // ...the app crashes here. Next start, same user-data folder:
    const second = makeRig({ dir });
    second.dialog.boxAnswers.push(0);
    await second.desktop.offerRecovery();
    expect(second.dialog.boxes[0]?.message).toBe(
      'Netloom closed without saving "model.json". Recover the unsaved changes?',
    );
    expect(second.win.sent).toEqual([
      {
        channel: eventChannels.openFile,
        payload: {
          path: file,
          name: 'model.json',
          bytes: new TextEncoder().encode('{"new":2}'),
          recovered: true,
        },
      },
    ]);
    expect(second.desktop.guard.dirty).toBe(true);
    // Saving back to the original file is allowed; the file on disk was never touched.
    expect(second.grants.isAllowed(file)).toBe(true);
    expect(nodeFs.readFileSync(file, 'utf8')).toBe('{"old":1}');
    // Once saved and clean, the autosave is gone.
    second.ipc.send(sendChannels.setDirty, { dirty: false });
    await settle();
    expect(await second.autosave.recover()).toBeUndefined();
  });

  it('Discard drops it; nothing is offered when there is nothing', async () => {
    const dir = tempDir();
    const first = makeRig({ dir });
    first.ipc.send(sendChannels.setDirty, { dirty: true });
    first.ipc.send(sendChannels.autosave, { bytes: new Uint8Array([5]), meta: { name: 'Untitled' } });
    expect(await first.autosave.recover()).toBeDefined();
    const second = makeRig({ dir });
    second.dialog.boxAnswers.push(1);
    await second.desktop.offerRecovery();
    expect(second.win.sent).toEqual([]);
    const third = makeRig({ dir });
    await third.desktop.offerRecovery();
    expect(third.dialog.boxes).toHaveLength(0);
  });

  it('ignores autosaves while clean, and a torn or damaged autosave', async () => {
    const dir = tempDir();
    const store = new AutosaveStore(dir);
    await store.write(new Uint8Array([1, 2, 3]), { name: 'a.json' });
    expect((await store.recover())?.bytes).toEqual(new Uint8Array([1, 2, 3]));
    const record = nodeFs.readFileSync(store.path);
    // One flipped byte of the document, a torn end, a damaged header: nothing is offered.
    const flipped = Uint8Array.from(record);
    flipped[flipped.length - 1]! ^= 1;
    nodeFs.writeFileSync(store.path, flipped);
    expect(await store.recover()).toBeUndefined();
    nodeFs.writeFileSync(store.path, record.subarray(0, record.length - 1));
    expect(await store.recover()).toBeUndefined();
    nodeFs.writeFileSync(store.path, Buffer.concat([record, Buffer.from([0])]));
    expect(await store.recover()).toBeUndefined();
    const header = Uint8Array.from(record);
    header[20] = 0x7b;
    nodeFs.writeFileSync(store.path, header);
    expect(await store.recover()).toBeUndefined();

    const rig = makeRig();
    rig.ipc.send(sendChannels.autosave, { bytes: new Uint8Array([1]), meta: { name: 'x' } });
    await settle();
    expect(await rig.autosave.recover()).toBeUndefined();
  });

  it('files of the old two-file autosave are never offered, and are removed on discard', async () => {
    const dir = tempDir();
    nodeFs.writeFileSync(nodePath.join(dir, 'document.bin'), new Uint8Array([9]));
    nodeFs.writeFileSync(
      nodePath.join(dir, 'document.meta.json'),
      JSON.stringify({ version: 1, name: 'a.json', savedAt: 'x', byteLength: 1 }),
    );
    const store = new AutosaveStore(dir);
    expect(await store.recover()).toBeUndefined();
    await store.discard();
    expect(nodeFs.readdirSync(dir)).toEqual([]);
  });
});

describe('recent files', () => {
  it('keeps the newest first, without duplicates, at most ten, across restarts', async () => {
    const dir = tempDir();
    const storeFile = nodePath.join(dir, 'recent-files.json');
    const r = new RecentFiles(fileRecentStorage(storeFile), 'linux');
    for (let i = 0; i < 12; i++) await r.add(`/p/${i}.json`);
    await r.add('/p/5.json');
    expect(r.list()).toHaveLength(maxRecentFiles);
    expect(r.list().slice(0, 3)).toEqual(['/p/5.json', '/p/11.json', '/p/10.json']);
    const again = new RecentFiles(fileRecentStorage(storeFile), 'linux');
    expect(await again.load()).toEqual(r.list());
    await again.remove('/p/11.json');
    expect(again.list()).not.toContain('/p/11.json');
  });

  it('treats a damaged list as empty', async () => {
    const dir = tempDir();
    const storeFile = nodePath.join(dir, 'recent-files.json');
    for (const text of ['{nope', '{"version":1,"files":[3]}', '[]', '{"version":2,"files":[]}']) {
      nodeFs.writeFileSync(storeFile, text);
      expect(await new RecentFiles(fileRecentStorage(storeFile)).load()).toEqual([]);
    }
  });

  it('a recent file that no longer opens leaves the list, with a message', async () => {
    const rig = makeRig();
    const file = nodePath.join(rig.dir, 'gone.json');
    nodeFs.writeFileSync(file, '{}');
    rig.dialog.openAnswers.push([file]);
    await rig.ipc.invoke(invokeChannels.openFile, { filters: [] });
    nodeFs.unlinkSync(file);
    await rig.desktop.openRecent(file);
    expect(rig.dialog.boxes.at(-1)?.message).toBe(
      'Could not open "gone.json": the file is not there any more (moved or deleted?).',
    );
    expect(rig.recent.list()).toEqual([]);
  });
});

describe('command-line files', () => {
  it('takes .json/.onnx arguments, resolved against the launch folder', () => {
    expect(
      filesFromArgv(['/opt/Netloom/netloom-app', '--no-sandbox', 'model.onnx', 'notes.txt', '/abs/p.JSON'], {
        defaultApp: false,
        cwd: '/home/me',
      }),
    ).toEqual(['/home/me/model.onnx', '/abs/p.JSON']);
    // `electron dist/electron/main.cjs net.onnx`: the script is not a file to open.
    expect(
      filesFromArgv(['/e/electron', 'dist/electron/main.cjs', 'net.onnx', 'net.onnx'], {
        defaultApp: true,
        cwd: '/w',
      }),
    ).toEqual(['/w/net.onnx']);
  });
});

describe('Edit commands while typing in a field', () => {
  it('go to Chromium for text fields, to the graph otherwise', () => {
    expect(routeMenuCommand('copy', { tagName: 'INPUT', type: 'text' })).toEqual({
      to: 'native',
      command: 'copy',
    });
    expect(routeMenuCommand('undo', { tagName: 'TEXTAREA' })).toEqual({ to: 'native', command: 'undo' });
    expect(routeMenuCommand('paste', { tagName: 'DIV', isContentEditable: true })).toEqual({
      to: 'native',
      command: 'paste',
    });
    expect(routeMenuCommand('copy', { tagName: 'INPUT', type: 'checkbox' })).toEqual({
      to: 'renderer',
      command: 'copy',
    });
    expect(routeMenuCommand('copy', { tagName: 'INPUT', type: 'number', readOnly: true }).to).toBe(
      'renderer',
    );
    expect(routeMenuCommand('select-all', { tagName: 'DIV' }).to).toBe('renderer');
    expect(routeMenuCommand('select-all', null).to).toBe('renderer');
    expect(routeMenuCommand('save', { tagName: 'INPUT', type: 'text' })).toEqual({
      to: 'renderer',
      command: 'save',
    });
  });
});

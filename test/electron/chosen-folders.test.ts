// The desktop app's folder dialog for image folders: main lists the chosen folder one sub-folder
// down and afterwards reads only the files it listed, inside that folder — a made-up path, a
// path that climbs out, a link that leads out, or a folder never chosen is refused.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { invokeChannels } from '../../electron/channels.ts';
import type { FolderListing } from '../../electron/chosen-folders.ts';
import { makeRig, tempDir } from './fakes.ts';

function imageFolder(): { root: string; outside: string } {
  const base = tempDir();
  const root = nodePath.join(base, 'pets');
  for (const d of ['cats', 'dogs', '.cache', 'dogs/deeper'])
    nodeFs.mkdirSync(nodePath.join(root, d), { recursive: true });
  nodeFs.writeFileSync(nodePath.join(root, 'cats', 'b.png'), 'cat b');
  nodeFs.writeFileSync(nodePath.join(root, 'cats', 'a.png'), 'cat a');
  nodeFs.writeFileSync(nodePath.join(root, 'cats', '.DS_Store'), 'hidden');
  nodeFs.writeFileSync(nodePath.join(root, 'dogs', 'd.jpg'), 'dog');
  nodeFs.writeFileSync(nodePath.join(root, 'dogs', 'deeper', 'x.png'), 'too deep');
  nodeFs.writeFileSync(nodePath.join(root, '.cache', 'c.png'), 'hidden folder');
  nodeFs.writeFileSync(nodePath.join(root, 'README.txt'), 'beside the classes');
  const outside = nodePath.join(base, 'secret.txt');
  nodeFs.writeFileSync(outside, 'not for the page');
  // A link inside a class folder that leads out of the chosen folder.
  nodeFs.symlinkSync(outside, nodePath.join(root, 'dogs', 'link.png'));
  return { root, outside };
}

async function choose(rig: ReturnType<typeof makeRig>, root: string): Promise<FolderListing> {
  rig.dialog.openAnswers.push([root]);
  const reply = (await rig.ipc.invoke(invokeChannels.chooseFolder)) as { ok: true; value: FolderListing };
  expect(reply.ok).toBe(true);
  return reply.value;
}

const read = (rig: ReturnType<typeof makeRig>, folder: number, path: string) =>
  rig.ipc.invoke(invokeChannels.readFolderFile, { folder, path }) as Promise<
    { ok: true; value: Uint8Array } | { ok: false; message: string }
  >;

describe('choosing an image folder in the desktop app', () => {
  it('asks for a folder and lists the files one sub-folder down, hidden ones left out', async () => {
    const rig = makeRig();
    const { root } = imageFolder();
    const listing = await choose(rig, root);
    expect(rig.dialog.opened[0]?.properties).toEqual(['openDirectory']);
    expect(listing.name).toBe('pets');
    expect(listing.files).toEqual(['cats/a.png', 'cats/b.png', 'dogs/d.jpg', 'dogs/link.png']);
  });

  it('a cancelled dialog gives nothing', async () => {
    const rig = makeRig();
    expect(await rig.ipc.invoke(invokeChannels.chooseFolder)).toEqual({ ok: true, value: undefined });
  });

  it('reads the files it listed, and nothing else', async () => {
    const rig = makeRig();
    const { root } = imageFolder();
    const { id } = await choose(rig, root);
    const cat = await read(rig, id, 'cats/a.png');
    expect(cat.ok && new TextDecoder().decode(cat.value)).toBe('cat a');
    // Listed, but a link that leads outside the folder.
    expect(await read(rig, id, 'dogs/link.png')).toEqual({
      ok: false,
      message: '"dogs/link.png" is a link that leads outside the chosen folder.',
    });
    // Not listed: hidden, too deep, beside the classes.
    for (const p of ['cats/.DS_Store', 'dogs/deeper', 'cats/missing.png'])
      expect(await read(rig, id, p)).toEqual({
        ok: false,
        message: `"${p}" is not a file of the chosen folder.`,
      });
    // A folder that was never chosen.
    expect(await read(rig, id + 1, 'cats/a.png')).toMatchObject({ ok: false });
  });

  it('refuses paths that climb out or go deeper before anything is read, and other senders', async () => {
    const rig = makeRig();
    const { root } = imageFolder();
    const { id } = await choose(rig, root);
    for (const path of [
      '../secret.txt',
      'cats/../../secret.txt',
      'dogs/deeper/x.png',
      '/etc/passwd',
      'a\\..\\b',
    ])
      await expect(read(rig, id, path)).rejects.toThrow(/read-folder-file.*refused malformed payload/);
    await expect(
      rig.ipc.invoke(
        invokeChannels.readFolderFile,
        { folder: id, path: 'cats/a.png' },
        'https://evil.example/',
      ),
    ).rejects.toThrow(/is not the app/);
    await expect(rig.ipc.invoke(invokeChannels.chooseFolder, { path: root })).rejects.toThrow(
      /choose-folder.*refused malformed payload/,
    );
    expect(rig.logs.length).toBeGreaterThan(0);
  });

  it('a file that went away is named', async () => {
    const rig = makeRig();
    const { root } = imageFolder();
    const { id } = await choose(rig, root);
    nodeFs.rmSync(nodePath.join(root, 'dogs', 'd.jpg'));
    expect(await read(rig, id, 'dogs/d.jpg')).toEqual({
      ok: false,
      message: 'Could not read "dogs/d.jpg": it is not there any more (moved or deleted?).',
    });
  });
});

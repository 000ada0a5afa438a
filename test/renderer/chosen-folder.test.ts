// A folder handed to the page — by the directory picker or dropped on the Train panel — as the
// Host's ChosenFolder: the files one sub-folder down, read when asked. The drop is walked through
// FileSystemEntry objects (webkitGetAsEntry); here they are small stand-ins that hand out their
// entries two at a time, as Chromium hands them out in batches.
import { describe, expect, test } from 'vitest';
import { folderFromDrop, folderFromEntry, folderFromFileList } from '../../renderer/host/chosen-folder.ts';
import { folderImageFiles } from '../../renderer/train/image-folder.ts';

type Tree = { readonly [name: string]: Tree | string };

function entry(name: string, node: Tree | string): FileSystemEntry {
  if (typeof node === 'string') {
    return {
      name,
      isFile: true,
      isDirectory: false,
      file: (ok: (f: File) => void) => ok(new File([node], name)),
    } as unknown as FileSystemFileEntry;
  }
  const children = Object.entries(node).map(([n, c]) => entry(n, c));
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      let at = 0;
      return {
        // Asynchronously, as a browser answers.
        readEntries: (ok: (batch: FileSystemEntry[]) => void) => {
          const batch = children.slice(at, at + 2);
          at += 2;
          queueMicrotask(() => ok(batch));
        },
      };
    },
  } as unknown as FileSystemDirectoryEntry;
}

const pets: Tree = {
  cats: { 'a.png': 'cat a', 'b.png': 'cat b', 'c.png': 'cat c' },
  dogs: { 'd.jpg': 'dog', deeper: { 'x.png': 'too deep' } },
  'README.txt': 'beside the classes',
};

const text = async (p: Promise<Uint8Array>) => new TextDecoder().decode(await p);

describe('a dropped folder', () => {
  test('is walked two levels down, every batch of entries read', async () => {
    const f = await folderFromEntry(entry('pets', pets));
    expect(f.name).toBe('pets');
    expect(f.files).toEqual(['cats/a.png', 'cats/b.png', 'cats/c.png', 'dogs/d.jpg']);
    expect(await text(f.read('cats/c.png'))).toBe('cat c');
    await expect(f.read('dogs/deeper/x.png')).rejects.toThrow('"dogs/deeper/x.png" is not a file of "pets"');
  });

  test('a dropped file, or several things, is refused with what to drop instead', async () => {
    await expect(folderFromEntry(entry('cat.png', 'x'))).rejects.toThrow(
      '"cat.png" is a file: drop a folder that holds one sub-folder of images per class',
    );
    const items = (...entries: FileSystemEntry[]) =>
      entries.map((e) => ({ kind: 'file', webkitGetAsEntry: () => e })) as unknown as DataTransferItemList;
    await expect(folderFromDrop(items(entry('a', pets), entry('b', pets)))).rejects.toThrow(
      '2 items were dropped: drop one folder',
    );
    expect(folderFromDrop(items())).toBeUndefined();
    expect((await folderFromDrop(items(entry('pets', pets))))?.files).toHaveLength(4);
  });
});

describe('the directory picker', () => {
  test('keeps the files one sub-folder down, by their relative paths', async () => {
    const file = (path: string, body: string) =>
      Object.defineProperty(new File([body], path.split('/').pop()!), 'webkitRelativePath', { value: path });
    const f = folderFromFileList([
      file('pets/cats/a.png', 'cat a'),
      file('pets/notes.txt', 'beside'),
      file('pets/dogs/deeper/x.png', 'too deep'),
      file('pets/dogs/d.jpg', 'dog'),
    ])!;
    expect(f.name).toBe('pets');
    expect(f.files).toEqual(['cats/a.png', 'dogs/d.jpg']);
    expect(await text(f.read('dogs/d.jpg'))).toBe('dog');
    expect(folderFromFileList([])).toBeUndefined();
  });
});

test("an image folder's files: class sub-folders only, hidden files and folders left out", () => {
  const files = folderImageFiles({
    name: 'pets',
    files: ['cats/a.png', 'cats/.DS_Store', '.cache/c.png', 'dogs/Thumbs.db', 'dogs/d.jpg', 'dogs/notes.txt'],
    read: async () => new Uint8Array(),
  });
  // A text file stays: the dataset names it as a file that could not be used.
  expect(files.map((f) => [f.className, f.path])).toEqual([
    ['cats', 'cats/a.png'],
    ['dogs', 'dogs/d.jpg'],
    ['dogs', 'dogs/notes.txt'],
  ]);
});

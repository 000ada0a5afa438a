// A folder the page was handed — by the directory picker (<input webkitdirectory>) or dropped on
// it — as the Host's ChosenFolder: the files one sub-folder down (an image folder's classes),
// each read only when asked.
import type { ChosenFolder } from '../../src/host/host.ts';

/** The most files one folder may list: a guard against dropping a whole disk. */
export const maxFolderFiles = 200_000;

function tooMany(name: string): Error {
  return new Error(
    `"${name}" holds more than ${maxFolderFiles.toLocaleString('en')} files in its sub-folders: choose the image folder itself`,
  );
}

function folderOf(name: string, files: ReadonlyMap<string, () => Promise<Blob>>): ChosenFolder {
  return {
    name,
    files: [...files.keys()].sort(),
    async read(path) {
      const get = files.get(path);
      if (!get) throw new Error(`"${path}" is not a file of "${name}"`);
      return new Uint8Array(await (await get()).arrayBuffer());
    },
  };
}

/**
 * The files of a directory picker: each names its place as webkitRelativePath "root/class/name";
 * only those exactly one sub-folder down are kept. Undefined for no files (nothing picked).
 */
export function folderFromFileList(files: readonly File[]): ChosenFolder | undefined {
  let root: string | undefined;
  const byPath = new Map<string, () => Promise<Blob>>();
  for (const f of files) {
    const parts = f.webkitRelativePath.split('/');
    root ??= parts[0];
    if (parts.length === 3) byPath.set(`${parts[1]}/${parts[2]}`, async () => f);
    if (byPath.size > maxFolderFiles) throw tooMany(root ?? 'the folder');
  }
  return root === undefined ? undefined : folderOf(root, byPath);
}

/** All entries of a dropped directory (Chromium hands them out about a hundred at a time). */
function entriesOf(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    const next = (): void =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(all);
        all.push(...batch);
        next();
      }, reject);
    next();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

const isDirectory = (e: FileSystemEntry): e is FileSystemDirectoryEntry => e.isDirectory;
const isFile = (e: FileSystemEntry): e is FileSystemFileEntry => e.isFile;

/** A dropped folder entry, walked two levels down: its sub-folders and their files. */
export async function folderFromEntry(entry: FileSystemEntry): Promise<ChosenFolder> {
  if (!isDirectory(entry)) {
    throw new Error(`"${entry.name}" is a file: drop a folder that holds one sub-folder of images per class`);
  }
  const byPath = new Map<string, () => Promise<Blob>>();
  for (const sub of await entriesOf(entry)) {
    if (!isDirectory(sub)) continue;
    for (const f of await entriesOf(sub)) {
      if (isFile(f)) byPath.set(`${sub.name}/${f.name}`, () => fileOf(f));
      if (byPath.size > maxFolderFiles) throw tooMany(entry.name);
    }
  }
  return folderOf(entry.name, byPath);
}

/**
 * The folder in a drop. Call it from the drop handler itself: the browser lets the handler read
 * the items' entries only while the event is being handled (the walk that follows may wait).
 * Undefined when the drop holds no files.
 */
export function folderFromDrop(items: DataTransferItemList): Promise<ChosenFolder> | undefined {
  const entries = [...items]
    .filter((i) => i.kind === 'file')
    .map((i) => i.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return undefined;
  if (entries.length > 1) {
    return Promise.reject(
      new Error(
        `${entries.length} items were dropped: drop one folder, with one sub-folder of images per class`,
      ),
    );
  }
  return folderFromEntry(entries[0]!);
}

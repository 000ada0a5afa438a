// Folders the user chose in the folder dialog (an image folder to train on). Main lists a chosen
// folder's files one sub-folder down and hands the page a number for it; afterwards it reads only
// those listed files, and only while they still resolve inside the folder (a link that leads out
// is refused). The page never names a path of its own.
import * as nodeFs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { HostIoError } from '../src/host/host-error.ts';

/** What the page learns about a chosen folder. */
export interface FolderListing {
  /** Names the folder in later reads (the page never sees its path). */
  readonly id: number;
  readonly name: string;
  /** "class/file.png", '/'-separated, sorted. */
  readonly files: readonly string[];
}

export interface FolderEntry {
  readonly name: string;
  isDirectory(): boolean;
  isFile(): boolean;
  isSymbolicLink(): boolean;
}

export interface FolderFs {
  readdir(path: string): Promise<readonly FolderEntry[]>;
  realpath(path: string): Promise<string>;
  stat(path: string): Promise<{ isFile(): boolean; size: number }>;
  readFile(path: string): Promise<Uint8Array>;
}

export const nodeFolderFs: FolderFs = {
  readdir: (p) => nodeFs.readdir(p, { withFileTypes: true }),
  realpath: (p) => nodeFs.realpath(p),
  stat: (p) => nodeFs.stat(p),
  readFile: async (p) => new Uint8Array(await nodeFs.readFile(p)),
};

/** The most files one folder may list, and the largest image read: guards, not expectations. */
export const maxFolderFiles = 200_000;
export const maxImageBytes = 64 * 1024 * 1024;

const hidden = (name: string) => name.startsWith('.');

export class ChosenFolders {
  readonly #fs: FolderFs;
  readonly #folders = new Map<number, { readonly root: string; readonly files: ReadonlySet<string> }>();
  #next = 1;

  constructor(fs: FolderFs = nodeFolderFs) {
    this.#fs = fs;
  }

  /** Lists a folder the user chose (its sub-folders' files) and remembers it. */
  async add(chosen: string): Promise<FolderListing> {
    const name = nodePath.basename(chosen);
    let root: string;
    const files: string[] = [];
    try {
      root = await this.#fs.realpath(chosen);
      for (const sub of await this.#fs.readdir(root)) {
        if (!sub.isDirectory() || hidden(sub.name)) continue;
        for (const f of await this.#fs.readdir(nodePath.join(root, sub.name))) {
          // A link is listed too: reading it is refused, by name, if it leads out of the folder.
          if (!(f.isFile() || f.isSymbolicLink()) || hidden(f.name)) continue;
          files.push(`${sub.name}/${f.name}`);
          if (files.length > maxFolderFiles) {
            throw new HostIoError(
              `"${name}" holds more than ${maxFolderFiles.toLocaleString('en')} files in its sub-folders: choose the image folder itself.`,
              { path: chosen },
            );
          }
        }
      }
    } catch (err) {
      if (err instanceof HostIoError) throw err;
      throw new HostIoError(`Could not read the folder "${name}": ${messageOf(err)}.`, { path: chosen });
    }
    const id = this.#next++;
    files.sort();
    this.#folders.set(id, { root, files: new Set(files) });
    return { id, name, files };
  }

  /** One listed file of a chosen folder; anything else is refused. */
  async read(id: number, path: string): Promise<Uint8Array> {
    const folder = this.#folders.get(id);
    if (!folder) throw new HostIoError(`No folder was chosen for this read (folder ${id}).`);
    if (!folder.files.has(path)) throw new HostIoError(`"${path}" is not a file of the chosen folder.`);
    const full = nodePath.join(folder.root, ...path.split('/'));
    try {
      const real = await this.#fs.realpath(full);
      if (!real.startsWith(folder.root + nodePath.sep)) {
        throw new HostIoError(`"${path}" is a link that leads outside the chosen folder.`, { path: full });
      }
      const st = await this.#fs.stat(real);
      if (!st.isFile()) throw new HostIoError(`"${path}" is not a file.`, { path: full });
      if (st.size > maxImageBytes) {
        throw new HostIoError(`"${path}" is larger than ${maxImageBytes / 2 ** 20} MiB.`, { path: full });
      }
      return await this.#fs.readFile(real);
    } catch (err) {
      if (err instanceof HostIoError) throw err;
      throw new HostIoError(`Could not read "${path}": ${messageOf(err)}.`, { path: full });
    }
  }
}

function messageOf(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  if (code === 'ENOENT') return 'it is not there any more (moved or deleted?)';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}

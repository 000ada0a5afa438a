// The Open Recent list, kept by main in the user-data folder. Main alone writes it, so its
// entries count as paths the user chose (see path-grants.ts). The stored file is untrusted on
// read like any other: a damaged one yields an empty list, never a crash.
import * as nodeFs from 'node:fs/promises';
import { z } from 'zod';
import type { AtomicFs } from './atomic-write.ts';
import { atomicWriteFile, nodeAtomicFs } from './atomic-write.ts';

export const maxRecentFiles = 10;

const stored = z.strictObject({ version: z.literal(1), files: z.array(z.string().min(1).max(4096)) });

export interface RecentStorage {
  read(): Promise<string | undefined>;
  write(text: string): Promise<void>;
}

export function fileRecentStorage(file: string, fs: AtomicFs = nodeAtomicFs): RecentStorage {
  return {
    read: () => nodeFs.readFile(file, 'utf8').catch(() => undefined),
    write: (text) => atomicWriteFile(file, new TextEncoder().encode(text), fs),
  };
}

export class RecentFiles {
  #files: string[] = [];
  readonly #storage: RecentStorage;
  /** Compares paths the way the file system does (case-insensitively on Windows and macOS). */
  readonly #same: (a: string, b: string) => boolean;

  constructor(storage: RecentStorage, platform: NodeJS.Platform = process.platform) {
    this.#storage = storage;
    const fold = platform === 'win32' || platform === 'darwin';
    this.#same = fold ? (a, b) => a.toLowerCase() === b.toLowerCase() : (a, b) => a === b;
  }

  async load(): Promise<readonly string[]> {
    const text = await this.#storage.read();
    if (text === undefined) return this.list();
    try {
      const parsed = stored.safeParse(JSON.parse(text));
      if (parsed.success) this.#files = parsed.data.files.slice(0, maxRecentFiles);
    } catch {
      // Damaged list: start afresh rather than refuse to start.
    }
    return this.list();
  }

  list(): readonly string[] {
    return [...this.#files];
  }

  /** Moves path to the top; the list keeps the newest maxRecentFiles. */
  async add(path: string): Promise<void> {
    this.#files = [path, ...this.#files.filter((f) => !this.#same(f, path))].slice(0, maxRecentFiles);
    await this.#save();
  }

  async remove(path: string): Promise<void> {
    this.#files = this.#files.filter((f) => !this.#same(f, path));
    await this.#save();
  }

  async clear(): Promise<void> {
    this.#files = [];
    await this.#save();
  }

  async #save(): Promise<void> {
    // Losing the recent list is not worth an error dialog; the next change writes it again.
    await this.#storage.write(JSON.stringify({ version: 1, files: this.#files })).catch(() => undefined);
  }
}

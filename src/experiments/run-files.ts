// Where a run store keeps its bytes: a folder beside the project (Node: node-run-files.ts) or the
// origin's IndexedDB (the browser build: renderer/runs). Paths are relative to the store's root,
// '/'-separated, and made only by run-store.ts from validated ids and hashes.
export interface RunFiles {
  /** The file's bytes, or undefined when there is none. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Writes the whole file atomically: a crash leaves the old file or the new one, never a mix. */
  write(path: string, bytes: Uint8Array): Promise<void>;
  /** Names directly inside a folder ([] when it does not exist). */
  list(folder: string): Promise<string[]>;
  /** Removes a file, or a folder and everything in it (nothing when there is none). */
  remove(folder: string): Promise<void>;
  /** Bytes held by the files of a folder, or by one file. */
  size(path: string): Promise<number>;
}

/** An in-memory RunFiles: tests, and the browser before IndexedDB opens. */
export function memoryRunFiles(): RunFiles & { readonly files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  const inside = (folder: string) => (p: string) => p.startsWith(folder + '/');
  return {
    files,
    read: (p) => Promise.resolve(files.get(p)),
    write: (p, b) => {
      files.set(p, b.slice());
      return Promise.resolve();
    },
    list: (folder) => {
      const names = new Set<string>();
      for (const p of files.keys()) {
        const rest = folder === '' ? p : inside(folder)(p) ? p.slice(folder.length + 1) : undefined;
        if (rest !== undefined) names.add(rest.split('/')[0]!);
      }
      return Promise.resolve([...names].sort());
    },
    remove: (folder) => {
      for (const p of [...files.keys()]) if (p === folder || inside(folder)(p)) files.delete(p);
      return Promise.resolve();
    },
    size: (path) => {
      let n = files.get(path)?.length ?? 0;
      for (const [p, b] of files) if (inside(path)(p)) n += b.length;
      return Promise.resolve(n);
    },
  };
}

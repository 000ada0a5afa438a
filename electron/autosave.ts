// Crash recovery: while the document is dirty the renderer hands main a copy now and then; main
// keeps the latest in the user-data folder. A clean save, or closing with "Don't Save", removes
// it, so finding one at start-up means the last session ended without either: offer it back.
import * as nodeFs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { z } from 'zod';
import type { AtomicFs } from './atomic-write.ts';
import { atomicWriteFile, nodeAtomicFs } from './atomic-write.ts';
import { maxFileBytes } from './ipc-schemas.ts';

const metaSchema = z.strictObject({
  version: z.literal(1),
  path: z.string().max(4096).optional(),
  name: z.string().min(1).max(255),
  savedAt: z.string(),
  byteLength: z.number().int().nonnegative(),
});
export type AutosaveMeta = z.infer<typeof metaSchema>;

export interface Recovery {
  readonly meta: AutosaveMeta;
  readonly bytes: Uint8Array;
}

export interface AutosaveFs extends AtomicFs {
  readFile(path: string): Promise<Uint8Array>;
  rm(path: string): Promise<void>;
  mkdir(path: string): Promise<void>;
}

export const nodeAutosaveFs: AutosaveFs = {
  ...nodeAtomicFs,
  readFile: async (p) => new Uint8Array(await nodeFs.readFile(p)),
  rm: (p) => nodeFs.rm(p, { force: true }),
  mkdir: async (p) => {
    await nodeFs.mkdir(p, { recursive: true });
  },
};

export class AutosaveStore {
  readonly #dir: string;
  readonly #fs: AutosaveFs;
  readonly #now: () => Date;
  /** Writes and discards run one at a time, in order, so a late write never revives a discard. */
  #queue: Promise<void> = Promise.resolve();

  constructor(dir: string, fs: AutosaveFs = nodeAutosaveFs, now: () => Date = () => new Date()) {
    this.#dir = dir;
    this.#fs = fs;
    this.#now = now;
  }

  get #bytesPath(): string {
    return nodePath.join(this.#dir, 'document.bin');
  }
  get #metaPath(): string {
    return nodePath.join(this.#dir, 'document.meta.json');
  }

  write(bytes: Uint8Array, info: { path?: string | undefined; name: string }): Promise<void> {
    return this.#enqueue(async () => {
      await this.#fs.mkdir(this.#dir);
      // Bytes first, then the meta that vouches for them (with their length): a crash between the
      // two leaves an old meta whose length no longer matches, which recover() rejects.
      await atomicWriteFile(this.#bytesPath, bytes, this.#fs);
      const meta: AutosaveMeta = {
        version: 1,
        ...(info.path !== undefined ? { path: info.path } : {}),
        name: info.name,
        savedAt: this.#now().toISOString(),
        byteLength: bytes.byteLength,
      };
      await atomicWriteFile(this.#metaPath, new TextEncoder().encode(JSON.stringify(meta)), this.#fs);
    });
  }

  discard(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#fs.rm(this.#metaPath);
      await this.#fs.rm(this.#bytesPath);
    });
  }

  /** What the last session left unsaved, if anything trustworthy. */
  async recover(): Promise<Recovery | undefined> {
    await this.#queue;
    try {
      const meta = metaSchema.safeParse(
        JSON.parse(new TextDecoder().decode(await this.#fs.readFile(this.#metaPath))),
      );
      if (!meta.success || meta.data.byteLength > maxFileBytes) return undefined;
      const bytes = await this.#fs.readFile(this.#bytesPath);
      if (bytes.byteLength !== meta.data.byteLength) return undefined;
      return { meta: meta.data, bytes };
    } catch {
      return undefined;
    }
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task);
    // Keep the chain alive after a failure; the caller still sees its own error.
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

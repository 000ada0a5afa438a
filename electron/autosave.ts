// Crash recovery: while the document is dirty the renderer hands main a copy now and then; main
// keeps the latest in the user-data folder. A clean save, or closing with "Don't Save", removes
// it, so finding one at start-up means the last session ended without either: offer it back.
//
// The copy is ONE record, written atomically: a header (the file's name and path, when, the
// length and SHA-256 of the bytes) and the bytes, in one file replaced by one rename. So a crash
// or a failed write at any step leaves either the previous record or the new one, whole — never
// new bytes under an old name and path — and recovery checks the length and hash before it
// offers anything.
import * as nodeFs from 'node:fs/promises';
import { createHash } from 'node:crypto';
import * as nodePath from 'node:path';
import { z } from 'zod';
import type { AtomicFs } from '../src/host/atomic-file.ts';
import { nodeAtomicFs, sweepStaleTemps, writeFileAtomic } from '../src/host/atomic-file.ts';
import { maxFileBytes } from './ipc-schemas.ts';

const magic = 'NLAUTOSAVE2\n';
const maxHeaderBytes = 16 * 1024;

const metaSchema = z.strictObject({
  version: z.literal(2),
  path: z.string().min(1).max(4096).optional(),
  name: z.string().min(1).max(255),
  savedAt: z.string().max(64),
  byteLength: z.number().int().nonnegative().max(maxFileBytes),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
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

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** magic, 4-byte little-endian header length, the header (JSON), the document's bytes. */
export function encodeAutosave(meta: AutosaveMeta, bytes: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(magic + '....' + JSON.stringify(meta));
  const headLen = head.byteLength - magic.length - 4;
  const out = new Uint8Array(head.byteLength + bytes.byteLength);
  out.set(head, 0);
  new DataView(out.buffer).setUint32(magic.length, headLen, true);
  out.set(bytes, head.byteLength);
  return out;
}

/** The record's meta and bytes, or undefined unless every check passes (length, hash, schema). */
export function decodeAutosave(record: Uint8Array): Recovery | undefined {
  const m = new TextEncoder().encode(magic);
  if (record.byteLength < m.length + 4 || m.some((b, i) => record[i] !== b)) return undefined;
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const headLen = view.getUint32(m.length, true);
  const start = m.length + 4;
  if (headLen > maxHeaderBytes || start + headLen > record.byteLength) return undefined;
  let meta: AutosaveMeta;
  try {
    const parsed = metaSchema.safeParse(
      JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(record.subarray(start, start + headLen))),
    );
    if (!parsed.success) return undefined;
    meta = parsed.data;
  } catch {
    return undefined;
  }
  const bytes = record.slice(start + headLen);
  if (bytes.byteLength !== meta.byteLength || sha256(bytes) !== meta.sha256) return undefined;
  return { meta, bytes };
}

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

  /** The record's file. */
  get path(): string {
    return nodePath.join(this.#dir, 'document.autosave');
  }

  /** Files of the earlier two-file format (bytes and meta written apart): removed, never trusted. */
  get #legacy(): string[] {
    return [nodePath.join(this.#dir, 'document.bin'), nodePath.join(this.#dir, 'document.meta.json')];
  }

  write(bytes: Uint8Array, info: { path?: string | undefined; name: string }): Promise<void> {
    return this.#enqueue(async () => {
      await this.#fs.mkdir(this.#dir);
      const meta: AutosaveMeta = {
        version: 2,
        ...(info.path !== undefined ? { path: info.path } : {}),
        name: info.name,
        savedAt: this.#now().toISOString(),
        byteLength: bytes.byteLength,
        sha256: sha256(bytes),
      };
      await writeFileAtomic(this.path, encodeAutosave(meta, bytes), this.#fs);
    });
  }

  discard(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#fs.rm(this.path);
      for (const f of this.#legacy) await this.#fs.rm(f);
    });
  }

  /** What the last session left unsaved, if it is whole and checks out. */
  async recover(): Promise<Recovery | undefined> {
    await this.#queue;
    try {
      return decodeAutosave(await this.#fs.readFile(this.path));
    } catch {
      return undefined;
    }
  }

  /** Temporary files a killed autosave left behind (at start-up). */
  async sweep(): Promise<string[]> {
    return sweepStaleTemps(this.path, this.#fs);
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task);
    // Keep the chain alive after a failure; the caller still sees its own error.
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

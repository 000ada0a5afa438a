// Saves never leave a half-written project: write a temp file in the same folder (same file
// system, so rename is atomic), fsync it, rename it over the target, then fsync the folder so
// the rename itself survives a power cut. Any failure removes the temp file and leaves the old
// file exactly as it was.
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { HostIoError } from '../src/host/host-error.ts';

export interface WritableHandle {
  writeFile(data: Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The file-system calls a save makes; tests pass a fake to fail at any step. */
export interface AtomicFs {
  open(path: string, flags: string, mode?: number): Promise<WritableHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  stat(path: string): Promise<{ mode: number }>;
}

export const nodeAtomicFs: AtomicFs = {
  open: (path, flags, mode) => nodeFs.open(path, flags, mode),
  rename: (from, to) => nodeFs.rename(from, to),
  unlink: (path) => nodeFs.unlink(path),
  stat: (path) => nodeFs.stat(path),
};

/** The temp file sits beside the target, hidden, with a random part so two saves never collide. */
export function tempPathFor(target: string): string {
  const dir = nodePath.dirname(target);
  const base = nodePath.basename(target);
  return nodePath.join(dir, `.${base}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Says why a save failed in words a user can act on. */
export function describeFsError(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full — free some space or save somewhere else';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied — choose a folder you can write to';
    case 'EROFS':
      return 'the disk is read-only — save somewhere else';
    case 'ENOENT':
      return 'the folder does not exist any more — use Save As';
    case 'EISDIR':
      return 'a folder has that name — choose another file name';
    case 'EBUSY':
    case 'ETXTBSY':
      return 'the file is in use by another program — close it there and save again';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Writes bytes to target atomically. Throws HostIoError (a NetloomError 'io') naming the file and the reason;
 * the old file (if any) is then unchanged and no temp file is left behind.
 */
export async function atomicWriteFile(
  target: string,
  bytes: Uint8Array,
  fs: AtomicFs = nodeAtomicFs,
): Promise<void> {
  // Keep an existing file's permissions (a new file gets the usual 0o666 & ~umask).
  let mode = 0o666;
  try {
    mode = (await fs.stat(target)).mode & 0o777;
  } catch {
    // No file there yet.
  }
  const temp = tempPathFor(target);
  let handle: WritableHandle | undefined;
  try {
    // 'wx': never follow or clobber something already at the temp path.
    handle = await fs.open(temp, 'wx', mode);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, target);
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.unlink(temp).catch(() => undefined);
    throw new HostIoError(
      `Could not save "${nodePath.basename(target)}": ${describeFsError(err)}. The file on disk is unchanged.`,
      { path: target },
    );
  }
  await syncDirectory(nodePath.dirname(target), fs);
}

/** fsync of the folder makes the rename durable; Windows cannot open folders, so best effort. */
async function syncDirectory(dir: string, fs: AtomicFs): Promise<void> {
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Not supported here (Windows, some network file systems): the data itself is synced.
  }
}

// Saves from the desktop app: src/host/atomic-file.ts does the writing (temp file, fsync, rename;
// links written through, hard links kept); this module says why a save failed in the app's words.
import * as nodePath from 'node:path';
import type { AtomicFs } from '../src/host/atomic-file.ts';
import { AtomicWriteError, errnoCode, nodeAtomicFs, writeFileAtomic } from '../src/host/atomic-file.ts';
import { HostIoError } from '../src/host/host-error.ts';

export type { AtomicFs, WritableHandle } from '../src/host/atomic-file.ts';
export { nodeAtomicFs } from '../src/host/atomic-file.ts';

/** Says why a save failed in words a user can act on. */
export function describeFsError(err: unknown): string {
  switch (errnoCode(err) ?? '') {
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
    case 'EDANGLING':
      return 'it is a link to a file that does not exist — use Save As';
    case 'ENOTFILE':
      return 'it is not a regular file — choose another file name';
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
  try {
    await writeFileAtomic(target, bytes, fs);
  } catch (err) {
    const cause = err instanceof AtomicWriteError ? err.cause : err;
    const kept =
      err instanceof AtomicWriteError && err.keptAt !== undefined
        ? ` The file may be damaged; the complete new content is in "${err.keptAt}".`
        : ' The file on disk is unchanged.';
    throw new HostIoError(
      `Could not save "${nodePath.basename(target)}": ${describeFsError(cause)}.${kept}`,
      { path: target },
    );
  }
}

// The one way Netloom writes a file (the desktop app's saves and autosave, every file the CLI
// writes): the new bytes go to a temporary file beside the target (same folder, so the same file
// system and rename is atomic), are fsynced, and then replace the target in one rename; the
// folder is fsynced so the rename survives a power cut. A failure or a kill at any point leaves
// the old file exactly as it was.
//
// What editors do with links is kept:
// - A symbolic link is written through: the link's target gets the new bytes, the link stays a
//   link (vim, Emacs with `file-precious-flag`, VS Code). A dangling link is refused, not
//   replaced by a file.
// - A file with several hard links is written in place, after its new bytes are safely synced to
//   the temporary file (vim's `backupcopy=auto` does the same for hard links; GLib's
//   g_file_replace too): every name keeps showing the same, new content. Should the in-place
//   write fail, the complete temporary file is renamed over instead (the link splits; no byte is
//   lost) — the one case where a link does not survive.
// - Permission bits are kept (set on the temporary file explicitly: creating it with a mode
//   would pass through the umask).
//
// Temporary files are named `.<name>.<pid>-<random>.tmp`. A killed writer leaves one behind; the
// next write of the same file (and the desktop app at start) removes those whose writer is gone.
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import * as nodePath from 'node:path';

export interface WritableHandle {
  writeFile(data: Uint8Array): Promise<void>;
  truncate(length: number): Promise<void>;
  chmod(mode: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface FileInfo {
  readonly mode: number;
  readonly nlink: number;
  readonly mtimeMs: number;
  isFile(): boolean;
  isSymbolicLink(): boolean;
}

/** The file-system calls a write makes; tests pass a fake to fail at any step. */
export interface AtomicFs {
  open(path: string, flags: string, mode?: number): Promise<WritableHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Follows links. */
  stat(path: string): Promise<FileInfo>;
  /** Does not follow a link at the last step. */
  lstat(path: string): Promise<FileInfo>;
  realpath(path: string): Promise<string>;
  readdir(path: string): Promise<string[]>;
  /** Whether a process with this id runs (on this machine). */
  isAlive?(pid: number): boolean;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const nodeAtomicFs: AtomicFs = {
  open: (path, flags, mode) => nodeFs.open(path, flags, mode),
  rename: (from, to) => nodeFs.rename(from, to),
  unlink: (path) => nodeFs.unlink(path),
  stat: (path) => nodeFs.stat(path),
  lstat: (path) => nodeFs.lstat(path),
  realpath: (path) => nodeFs.realpath(path),
  readdir: (path) => nodeFs.readdir(path),
  isAlive: processAlive,
};

/** Why a write failed: the file system's error, with the step it failed at. */
export class AtomicWriteError extends Error {
  /** errno code of the underlying failure ('ENOSPC', 'EACCES', …), or a code of our own. */
  readonly code: string;
  /** The file that was to be written (as the caller named it). */
  readonly target: string;
  /**
   * Set when the target may be damaged and this file holds the complete new content (a hard-linked
   * file whose in-place write failed, and whose fallback rename failed as well).
   */
  readonly keptAt: string | undefined;
  constructor(target: string, cause: unknown, keptAt?: string) {
    const code = errnoCode(cause) ?? 'EIO';
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'AtomicWriteError';
    this.code = code;
    this.target = target;
    this.keptAt = keptAt;
  }
}

export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

function fsError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

const tempSuffix = /^(\d+)-[0-9a-f]{12}\.tmp$/;
const legacyTempSuffix = /^[0-9a-f]{12}\.tmp$/;

/** The temporary file beside `target`: hidden, with the writer's pid and a random part. */
export function tempPathFor(target: string): string {
  const dir = nodePath.dirname(target);
  const base = nodePath.basename(target);
  return nodePath.join(dir, `.${base}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Where a write of `target` must land: the file itself, or the end of its chain of symbolic links.
 * A dangling link and anything that is not a regular file are refused.
 */
export async function resolveWriteTarget(target: string, fs: AtomicFs = nodeAtomicFs): Promise<string> {
  let link: FileInfo | undefined;
  try {
    link = await fs.lstat(target);
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
  if (link === undefined) {
    // A new file: its folder may itself be reached through links; the name is kept as given.
    return nodePath.join(await fs.realpath(nodePath.dirname(target)), nodePath.basename(target));
  }
  let real: string;
  try {
    real = await fs.realpath(target);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' && link.isSymbolicLink()) {
      throw fsError('EDANGLING', 'it is a link to a file that does not exist');
    }
    throw e;
  }
  const info = link.isSymbolicLink() ? await fs.stat(real) : link;
  if (!info.isFile()) throw fsError('ENOTFILE', 'it is not a regular file');
  return real;
}

/**
 * Removes temporary files a killed write of `target` left in its folder. A leftover whose writer
 * still runs is a write in progress and stays. Unless `afterWrite` (the target was just written
 * whole, so every leftover is stale), so does one at least as old as the target's last change:
 * it can be the only whole copy of an interrupted in-place (hard-link) write.
 * Best effort: returns the names removed.
 */
export async function sweepStaleTemps(
  target: string,
  fs: AtomicFs = nodeAtomicFs,
  afterWrite = false,
): Promise<string[]> {
  const dir = nodePath.dirname(target);
  const prefix = `.${nodePath.basename(target)}.`;
  const isAlive = fs.isAlive ?? processAlive;
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return removed;
  }
  let targetMtime: number | undefined;
  if (!afterWrite) {
    try {
      targetMtime = (await fs.stat(target)).mtimeMs;
    } catch {
      targetMtime = undefined;
    }
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const m = tempSuffix.exec(rest);
    if (!m && !legacyTempSuffix.test(rest)) continue;
    const pid = m ? Number(m[1]) : undefined;
    if (pid !== undefined && isAlive(pid)) continue;
    const path = nodePath.join(dir, name);
    try {
      const st = await fs.lstat(path);
      if (!st.isFile()) continue;
      if (!afterWrite && targetMtime !== undefined && st.mtimeMs <= targetMtime) continue;
      await fs.unlink(path);
      removed.push(name);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}

/**
 * Writes `bytes` to `target` atomically (see the top of this file). Throws AtomicWriteError with
 * the file system's reason; the old file is then unchanged (or, in the hard-link case with both
 * fallbacks failing, `keptAt` names the complete copy) and no temporary file is left behind.
 */
export async function writeFileAtomic(
  target: string,
  bytes: Uint8Array,
  fs: AtomicFs = nodeAtomicFs,
): Promise<void> {
  let real: string;
  let existing: FileInfo | undefined;
  try {
    real = await resolveWriteTarget(target, fs);
    existing = await fs.stat(real).catch((e: unknown) => {
      if (errnoCode(e) === 'ENOENT') return undefined;
      throw e;
    });
  } catch (e) {
    throw new AtomicWriteError(target, e);
  }
  // A new file gets the usual 0o666 & ~umask (open's mode); an existing one keeps its bits.
  const mode = existing ? existing.mode & 0o7777 : undefined;
  const temp = tempPathFor(real);
  let handle: WritableHandle | undefined;
  try {
    // 'wx': never follow or clobber something already at the temp path.
    handle = await fs.open(temp, 'wx', 0o666);
    if (mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.unlink(temp).catch(() => undefined);
    throw new AtomicWriteError(target, err);
  }
  if (existing !== undefined && existing.nlink > 1) {
    await writeInPlace(target, real, temp, bytes, fs);
  } else {
    try {
      await fs.rename(temp, real);
    } catch (err) {
      await fs.unlink(temp).catch(() => undefined);
      throw new AtomicWriteError(target, err);
    }
  }
  await syncDirectory(nodePath.dirname(real), fs);
  await sweepStaleTemps(real, fs, true);
}

/** The hard-link case: the new bytes are already whole in `temp`; copy them into the file itself. */
async function writeInPlace(
  target: string,
  real: string,
  temp: string,
  bytes: Uint8Array,
  fs: AtomicFs,
): Promise<void> {
  let handle: WritableHandle | undefined;
  try {
    handle = await fs.open(real, 'r+');
    await handle.writeFile(bytes);
    await handle.truncate(bytes.byteLength);
    await handle.sync();
    await handle.close();
    handle = undefined;
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    // The file may now be half old, half new: the complete new bytes replace it (the link splits).
    try {
      await fs.rename(temp, real);
      return;
    } catch {
      throw new AtomicWriteError(target, err, temp);
    }
  }
  await fs.unlink(temp).catch(() => undefined);
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

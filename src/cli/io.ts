// What a command may touch, passed in so tests run commands in-process with captured output.
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AtomicFs } from '../host/atomic-file.ts';
import { AtomicWriteError, nodeAtomicFs, writeFileAtomic } from '../host/atomic-file.ts';
import { NetloomError } from '../util/errors.ts';

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Throws NetloomError naming the file when it cannot be read. */
  readFile(path: string): Uint8Array;
  /**
   * Writes the whole file atomically (src/host/atomic-file.ts): an interrupted or failed write
   * leaves the old file as it was. Rejects with NetloomError naming the file.
   */
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  mkdir(path: string): void;
  /**
   * Writes a folder of files all at once: into a temporary folder beside it, then renamed into
   * place, so a failure leaves nothing half-written. The folder must not exist, or be empty.
   */
  writeFolder(path: string, files: readonly { readonly path: string; readonly bytes: Uint8Array }[]): void;
  readonly cwd: string;
  /** True when stdout is a terminal (progress bars redraw in place only then). */
  readonly tty: boolean;
}

/** A mistake in how the command was called: printed with the usage line, exit status 2. */
export class UsageError extends Error {}

const reasons: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file of that name is in the way',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'the disk is full',
  EDANGLING: 'it is a link to a file that does not exist',
  ENOTFILE: 'it is not a regular file',
};

/** A file system failure as one line for the user: "out/m.onnx: cannot write (no such file or folder)". */
export function fileError(path: string, verb: 'read' | 'write' | 'create folder', e: unknown): NetloomError {
  const code = (e as { code?: unknown }).code;
  const why = (typeof code === 'string' && reasons[code]) || (e instanceof Error ? e.message : String(e));
  return new NetloomError('invalid-file', `${path}: cannot ${verb} (${why})`, { path });
}

/** The file operations of CliIO on the real file system, paths relative to `cwd`. */
export function fileSystem(
  cwd: string,
  fs: AtomicFs = nodeAtomicFs,
): Pick<CliIO, 'readFile' | 'writeFile' | 'mkdir' | 'writeFolder'> {
  return {
    readFile(p) {
      try {
        return readFileSync(resolve(cwd, p));
      } catch (e) {
        throw fileError(p, 'read', e);
      }
    },
    async writeFile(p, d) {
      try {
        await writeFileAtomic(resolve(cwd, p), typeof d === 'string' ? new TextEncoder().encode(d) : d, fs);
      } catch (e) {
        const err = fileError(p, 'write', e instanceof AtomicWriteError ? (e.cause ?? e) : e);
        if (e instanceof AtomicWriteError && e.keptAt !== undefined) {
          throw new NetloomError('invalid-file', `${err.message}; the complete new file is ${e.keptAt}`, {
            path: p,
          });
        }
        throw err;
      }
    },
    mkdir(p) {
      try {
        mkdirSync(resolve(cwd, p), { recursive: true });
      } catch (e) {
        throw fileError(p, 'create folder', e);
      }
    },
    writeFolder(p, files) {
      const target = resolve(cwd, p);
      if (existsSync(target)) {
        if (!statSync(target).isDirectory())
          throw new NetloomError('invalid-file', `${p}: a file of that name is in the way`, { path: p });
        if (readdirSync(target).length > 0) {
          throw new NetloomError(
            'invalid-file',
            `${p}: the folder exists and is not empty; choose a new folder, or empty it first`,
            { path: p },
          );
        }
      }
      for (const f of files) {
        if (f.path.startsWith('/') || f.path.split('/').some((s) => s === '..' || s === ''))
          throw new Error(`internal: unsafe path in a folder: ${f.path}`);
      }
      const tmp = `${target}.netloom-${process.pid}-${Date.now()}`;
      try {
        for (const f of files) {
          const out = resolve(tmp, f.path);
          mkdirSync(dirname(out), { recursive: true });
          writeFileSync(out, f.bytes);
        }
        if (existsSync(target)) rmdirSync(target);
        renameSync(tmp, target);
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw fileError(p, 'write', e);
      }
    },
  };
}

export function nodeIO(): CliIO {
  const cwd = process.cwd();
  // `netloom inspect big.json | head`: once the reader is gone, stop quietly (as cat does) rather
  // than die with a stack trace on EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  return {
    out: (l) => process.stdout.write(l + '\n'),
    err: (l) => process.stderr.write(l + '\n'),
    ...fileSystem(cwd),
    cwd,
    tty: process.stdout.isTTY === true,
  };
}

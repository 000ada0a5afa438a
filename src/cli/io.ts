// What a command may touch, passed in so tests run commands in-process with captured output.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NetloomError } from '../util/errors.ts';

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Throws NetloomError naming the file when it cannot be read. */
  readFile(path: string): Uint8Array;
  /** Throws NetloomError naming the file when it cannot be written. */
  writeFile(path: string, data: Uint8Array | string): void;
  mkdir(path: string): void;
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
};

/** A file system failure as one line for the user: "out/m.onnx: cannot write (no such file or folder)". */
export function fileError(path: string, verb: 'read' | 'write' | 'create folder', e: unknown): NetloomError {
  const code = (e as { code?: unknown }).code;
  const why = (typeof code === 'string' && reasons[code]) || (e instanceof Error ? e.message : String(e));
  return new NetloomError('invalid-file', `${path}: cannot ${verb} (${why})`, { path });
}

/** The file operations of CliIO on the real file system, paths relative to `cwd`. */
export function fileSystem(cwd: string): Pick<CliIO, 'readFile' | 'writeFile' | 'mkdir'> {
  return {
    readFile(p) {
      try {
        return readFileSync(resolve(cwd, p));
      } catch (e) {
        throw fileError(p, 'read', e);
      }
    },
    writeFile(p, d) {
      try {
        writeFileSync(resolve(cwd, p), d);
      } catch (e) {
        throw fileError(p, 'write', e);
      }
    },
    mkdir(p) {
      try {
        mkdirSync(resolve(cwd, p), { recursive: true });
      } catch (e) {
        throw fileError(p, 'create folder', e);
      }
    },
  };
}

export function nodeIO(): CliIO {
  const cwd = process.cwd();
  return {
    out: (l) => process.stdout.write(l + '\n'),
    err: (l) => process.stderr.write(l + '\n'),
    ...fileSystem(cwd),
    cwd,
    tty: process.stdout.isTTY === true,
  };
}

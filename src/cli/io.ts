// What a command may touch, passed in so tests run commands in-process with captured output.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array | string): void;
  mkdir(path: string): void;
  readonly cwd: string;
  /** True when stdout is a terminal (progress bars redraw in place only then). */
  readonly tty: boolean;
}

/** A mistake in how the command was called: printed with the usage line, exit status 2. */
export class UsageError extends Error {}

export function nodeIO(): CliIO {
  const cwd = process.cwd();
  return {
    out: (l) => process.stdout.write(l + '\n'),
    err: (l) => process.stderr.write(l + '\n'),
    readFile: (p) => readFileSync(resolve(cwd, p)),
    writeFile: (p, d) => writeFileSync(resolve(cwd, p), d),
    mkdir: (p) => mkdirSync(resolve(cwd, p), { recursive: true }),
    cwd,
    tty: process.stdout.isTTY === true,
  };
}

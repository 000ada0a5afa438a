// An in-memory CliIO over a real temporary folder, capturing what a command prints.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliIO } from '../../src/cli/io.ts';

export interface CapturedIO extends CliIO {
  readonly stdout: string[];
  readonly stderr: string[];
}

export function captureIO(cwd: string): CapturedIO {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    readFile: (p) => readFileSync(resolve(cwd, p)),
    writeFile: (p, d) => writeFileSync(resolve(cwd, p), d),
    mkdir: (p) => mkdirSync(resolve(cwd, p), { recursive: true }),
    cwd,
    tty: false,
  };
}

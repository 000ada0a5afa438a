// A CliIO over a real temporary folder that captures what a command prints.
import { fileSystem } from '../../src/cli/io.ts';
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
    ...fileSystem(cwd),
    cwd,
    tty: false,
  };
}

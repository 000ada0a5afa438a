// A CliIO over a real temporary folder that captures what a command prints.
import { fileSystem } from '../../src/cli/io.ts';
import type { CliIO } from '../../src/cli/io.ts';
import type { AtomicFs } from '../../src/host/atomic-file.ts';

export interface CapturedIO extends CliIO {
  readonly stdout: string[];
  readonly stderr: string[];
}

/** `fs` replaces the file system under writes (to fail one step of them). */
export function captureIO(cwd: string, fs?: AtomicFs): CapturedIO {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    ...fileSystem(cwd, fs),
    cwd,
    tty: false,
  };
}

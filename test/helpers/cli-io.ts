// A CliIO over a real temporary folder that captures what a command prints.
import { fileSystem } from '../../src/cli/io.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
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

export interface CliRun {
  readonly code: number;
  /** What the command printed, lines joined with newlines. */
  readonly out: string;
  readonly err: string;
}

/** `netloom <argv>` run in-process in `cwd`, with what it printed. */
export async function runCli(cwd: string, argv: readonly string[], fs?: AtomicFs): Promise<CliRun> {
  const io = captureIO(cwd, fs);
  const code = await main([...argv], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

/** One command (its `run`) in `cwd`, with what it printed line by line. */
export async function runCommand(
  cmd: { run(argv: readonly string[], io: CapturedIO): Promise<number> },
  cwd: string,
  argv: readonly string[],
): Promise<{ code: number; out: string[]; err: string[] }> {
  const io = captureIO(cwd);
  const code = await cmd.run(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

// A command of the `netloom` CLI: main.ts holds them in one table.
import type { CliIO } from './io.ts';

export interface Command {
  readonly name: string;
  /** One line for `netloom --help`. */
  readonly summary: string;
  /** The usage line(s), shown by `netloom <command> --help` and after a usage error. */
  readonly usage: string;
  /** Returns the exit status. Throws UsageError for bad arguments, NetloomError for bad input. */
  run(args: readonly string[], io: CliIO): Promise<number>;
}

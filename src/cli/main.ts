// The `netloom` command line: one table of commands. User mistakes end in one line on stderr and a
// non-zero status (2: how the command was called, 1: the input given), never a stack trace.
import { NetloomError } from '../util/errors.ts';
import { clip, printable } from '../util/text.ts';
import type { Command } from './command.ts';
import { exportCommand } from './export.ts';
import { importCommand } from './import.ts';
import { inspectCommand } from './inspect.ts';
import type { CliIO } from './io.ts';
import { UsageError } from './io.ts';
import { runCommand } from './run.ts';
import { runsCommand } from './runs.ts';
import { sampleCommand } from './sample.ts';
import { searchCommand } from './search.ts';
import { stepCommand } from './step.ts';
import { templatesCommand } from './templates.ts';
import { trainCommand } from './train.ts';

export const commands: readonly Command[] = [
  templatesCommand,
  inspectCommand,
  exportCommand,
  importCommand,
  runCommand,
  trainCommand,
  stepCommand(),
  sampleCommand,
  runsCommand,
  searchCommand,
];

function help(): string[] {
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    'netloom — design, train and export neural networks',
    '',
    'Usage: netloom <command> [options]   (netloom <command> --help for its options)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
  ];
}

/** The longest line an error message may print; values in messages are cut far sooner (80). */
const maxErrorLine = 2000;

/**
 * Every line the CLI prints passes through here: control characters from names in the input (an
 * ONNX node named with a terminal escape sequence) are shown as `\u001b`, never sent raw.
 */
function safeIO(io: CliIO): CliIO {
  return {
    ...io,
    out: (l) => io.out(printable(l)),
    err: (l) =>
      io.err(
        l
          .split('\n')
          .map((part) => printable(clip(part, maxErrorLine)))
          .join('\n'),
      ),
  };
}

export async function main(argv: readonly string[], rawIO: CliIO): Promise<number> {
  const io = safeIO(rawIO);
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    // Asked for, help is the output; without a command it is a usage mistake and goes to stderr.
    for (const l of help())
      if (name) io.out(l);
      else io.err(l);
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`netloom: unknown command '${clip(name)}' (commands: ${commands.map((c) => c.name).join(', ')})`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`Usage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`netloom ${name}: ${e.message}`);
      io.err(`Usage: ${command.usage}`);
      return 2;
    }
    if (e instanceof NetloomError) {
      io.err(`netloom ${name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

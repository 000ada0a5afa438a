// node:util parseArgs with usage errors instead of exceptions.
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './io.ts';

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  args: readonly string[],
  options: T,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    // Node appends advice about '--' to unknown options; the usage line that follows says more.
    const message = (e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '');
    throw new UsageError(message.replace(/^Unknown option '([^']*)'\..*$/s, "unknown option '$1'"));
  }
}

export function intOption(value: string | undefined, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}; got '${value}'`);
  return n;
}

export function oneFile(positionals: readonly string[], what: string): string {
  if (positionals.length === 0) throw new UsageError(`missing ${what}`);
  if (positionals.length > 1) throw new UsageError(`expected one ${what}; got ${positionals.join(' ')}`);
  return positionals[0]!;
}

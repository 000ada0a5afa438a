// Types for the pieces of start.mjs that tests import.

export function electronBinaryPath(io: {
  electronDir: string | undefined;
  env: Record<string, string | undefined>;
  exists: (p: string) => boolean;
  readText: (p: string) => string | undefined;
}): string | undefined;

export function decideLaunch(input: {
  binaryPath: string | undefined;
  env: Record<string, string | undefined>;
  platform: string;
}): { mode: 'electron'; binary: string } | { mode: 'browser'; reason: string };

export function fallbackMessage(reason: string): string;

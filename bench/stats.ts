// Timing helpers for the benchmarks: medians of repeated runs after a warm-up.
import { execFileSync } from 'node:child_process';
import { findPythons, pythonMissingReason, pythonWith } from '../scripts/references.mjs';

/** Times of `runs` calls after `warmup` untimed ones, in milliseconds, in call order. */
export async function timesMs(
  fn: () => unknown | Promise<unknown>,
  runs: number,
  warmup = 1,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function medianMs(
  fn: () => unknown | Promise<unknown>,
  runs: number,
  warmup = 1,
): Promise<number> {
  return median(await timesMs(fn, runs, warmup));
}

export function table(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows)
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

let peer: { python: string | undefined } | undefined;

/** The Python with torch that scripts/references.mjs finds (NETLOOM_PYTHON, else PATH), looked up once. */
function torchPython(): string | undefined {
  if (!peer) {
    const found = { python: findPythons() };
    peer = { python: pythonWith(found, ['torch']) };
    if (!peer.python) console.log(`(PyTorch peer not run: ${pythonMissingReason(found, ['torch'])})`);
  }
  return peer.python;
}

/** Runs a Python snippet with the reference torch; undefined (and a note) when torch is not there. */
export function torchPeer(code: string): string | undefined {
  const python = torchPython();
  if (!python) return undefined;
  try {
    return execFileSync(python, ['-c', code], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (e) {
    console.log(`(PyTorch peer skipped: ${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

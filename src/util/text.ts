// Text that came from a file, shown back to the user. A name or value from an ONNX model, a CSV or a
// project file can hold anything: a terminal escape sequence (which would recolour or rewrite the
// user's terminal), a bidirectional override (which makes text read other than it is), or 50 MB.

/** Characters never shown raw: C0 and C1 controls (but tab and newline), DEL, bidi controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const unprintable = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Each control character written as a visible `\u001b`, so nothing in `s` acts on a terminal. */
export function printable(s: string): string {
  return s.replace(unprintable, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The length at which an echoed value is cut. */
export const echoLength = 80;

/** `s` cut to `max` characters (code points, never half a pair) with "…" when longer. */
export function clip(s: string, max = echoLength): string {
  if (s.length <= max) return s;
  // max code points take at most 2·max code units.
  const head = Array.from(s.slice(0, 2 * max));
  if (head.length <= max && s.length <= 2 * max) return s;
  return `${head.slice(0, max - 1).join('')}…`;
}

/**
 * A value from the input, as a message quotes it: printable, with newlines shown as `\n` (a message
 * stays one line), at most `max` characters.
 */
export function echo(value: unknown, max = echoLength): string {
  const s = typeof value === 'string' ? value : safeJson(value);
  return clip(printable(s.replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t')), max);
}

function safeJson(value: unknown): string {
  try {
    // Only the start is ever shown; a huge value still costs one stringify, bounded by the caller.
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The first `max` problems, one per line, and a count of the rest: a file with 100,000 problems
 * gets a readable message, not 100,000 lines.
 */
export function firstFew(lines: readonly string[], max = 5, what = 'more'): string[] {
  if (lines.length <= max) return [...lines];
  return [...lines.slice(0, max), `(and ${lines.length - max} ${what})`];
}

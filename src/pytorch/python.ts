// Python literals and argument lists written the way people write them: ints stay ints, a tuple
// whose entries agree is one number (kernel_size=3), arguments at torch's default are left out.

const keywords = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally ' +
    'for from global if import in is lambda nonlocal not or pass raise return try while with yield'
  ).split(' '),
);

// Names the generated files use themselves, and builtins a variable should not hide.
const taken = new Set(
  (
    'self model torch nn F np math x y Tensor Optional List Tuple Dict ' +
    'input id type len sum max min abs list dict range str int float bool print object iter next map ' +
    'filter zip all any format hash open super vars tuple set sorted round pow divmod slice'
  ).split(' '),
);

/** A Python number: integers without a point, floats as the shortest decimal that reads back. */
export function pyNumber(v: number): string {
  if (v === Infinity) return 'float("inf")';
  if (v === -Infinity) return '-float("inf")';
  if (Number.isNaN(v)) return 'float("nan")';
  return String(v);
}

/** A float literal: always with a point or exponent, so the reader sees a float (0.0, 1e-05). */
export function pyFloat(v: number): string {
  const s = pyNumber(v);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

export function pyString(s: string): string {
  // JSON's escapes are Python's; the source files are UTF-8.
  return JSON.stringify(s);
}

export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** (a, b) for a tuple, (a,) for one entry. */
export function pyTuple(values: readonly (number | string)[]): string {
  const parts = values.map((v) => (typeof v === 'number' ? pyNumber(v) : v));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

export function pyList(values: readonly (number | string)[]): string {
  return `[${values.map((v) => (typeof v === 'number' ? pyNumber(v) : v)).join(', ')}]`;
}

/** One number when every axis agrees (torch accepts an int for kernel_size, stride, …), else a tuple. */
export function pySize(values: readonly number[]): string {
  return values.every((v) => v === values[0]) ? pyNumber(values[0]!) : pyTuple(values);
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && typeof b === 'number') return a.every((v) => v === b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

type ArgValue = number | boolean | string | readonly number[];

/**
 * Keyword arguments, each left out when it equals torch's default: [name, value, default].
 * Strings are written as given (already Python); number lists through pySize.
 */
export function kwargs(...args: readonly (readonly [string, ArgValue, ArgValue?])[]): string[] {
  const out: string[] = [];
  for (const [name, value, def] of args) {
    if (def !== undefined && same(value, def)) continue;
    const text =
      typeof value === 'boolean'
        ? pyBool(value)
        : typeof value === 'number'
          ? pyNumber(value)
          : typeof value === 'string'
            ? value
            : pySize(value);
    out.push(`${name}=${text}`);
  }
  return out;
}

/** "f(a, b, k=1)" from a callee, positional arguments and keyword arguments. */
export function call(callee: string, positional: readonly string[], keyword: readonly string[] = []): string {
  return `${callee}(${[...positional, ...keyword].join(', ')})`;
}

/** A valid Python identifier from any text, not a keyword nor a name the files use. */
export function pyIdentifier(text: string): string {
  let s = text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (s === '') s = 'v';
  if (/^\d/.test(s)) s = `v${s}`;
  if (keywords.has(s) || taken.has(s)) s = `${s}_`;
  return s;
}

export function isPyIdentifier(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && !keywords.has(s);
}

/** A class name in CamelCase from a document name ("LeNet-5" → "LeNet5", "gan mnist" → "GanMnist"). */
export function pyClassName(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  let s = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  if (s === '') s = 'Model';
  if (/^\d/.test(s)) s = `Model${s}`;
  if (keywords.has(s) || taken.has(s)) s = `${s}Model`;
  return s;
}

/** Wraps prose at `width` columns, each line starting with `prefix`. */
export function wrap(text: string, width: number, prefix = ''): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter((w) => w !== '')) {
      if (line !== '' && prefix.length + line.length + 1 + word.length > width) {
        out.push(prefix + line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    out.push(prefix + line);
  }
  return out.map((l) => l.trimEnd());
}

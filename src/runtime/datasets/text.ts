// Character-level text for language models: a fixed vocabulary (newline and printable ASCII), and
// a dataset of windows over one text where the target of each character is the next one.
import { NetloomError } from '../../util/errors.ts';
import type { Dataset } from './dataset.ts';
import { sonnetsText } from './sonnets.ts';
import { reviewsDataset } from './reviews.ts';

/**
 * Token 0 is a newline, tokens 1…95 are ' ' … '~'. A fixed vocabulary (not the corpus's own
 * characters) keeps token ids stable across corpora and lets a prompt use any printable character.
 */
export const charVocabSize = 96;

export function charToken(c: string): number | undefined {
  if (c === '\n') return 0;
  const code = c.charCodeAt(0);
  return c.length === 1 && code >= 32 && code <= 126 ? code - 31 : undefined;
}

export function tokenChar(t: number): string {
  return t === 0 ? '\n' : String.fromCharCode(t + 31);
}

/** Token ids of `text`; throws naming the first character outside the vocabulary and where it is. */
export function encodeChars(text: string, what = 'the text'): number[] {
  const out: number[] = [];
  let line = 1;
  let col = 1;
  for (const c of text.replace(/\r\n?/g, '\n')) {
    const t = charToken(c);
    if (t === undefined) {
      throw new NetloomError(
        'bad-argument',
        `${what}, line ${line}, column ${col}: the character ${JSON.stringify(c)} is not in the vocabulary (newline and printable ASCII)`,
      );
    }
    out.push(t);
    if (c === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return out;
}

export function decodeChars(tokens: Iterable<number>): string {
  let s = '';
  for (const t of tokens) s += tokenChar(t);
  return s;
}

/** Built-in text sets by dataset name: a corpus of characters, and labelled word-level reviews. */
export const textSetNames = ['sonnets', 'reviews'] as const;
export type TextSetName = (typeof textSetNames)[number];

export function isTextSetName(name: string): name is TextSetName {
  return (textSetNames as readonly string[]).includes(name);
}

/** The training windows' length (a GPT's context) of the built-in text sets. */
export const textWindow = 64;

/**
 * Every window of `length` characters (stride 1) with, as its target, the same window one
 * character later. Examples stay in text order and `splitInOrder` is set, so validation holds
 * out the end of the text rather than windows overlapping the ones trained on.
 */
export function charWindows(name: string, text: string, length = textWindow): Dataset {
  const tokens = encodeChars(text, name);
  const n = tokens.length - length;
  if (n < 2) {
    throw new NetloomError(
      'bad-argument',
      `${name}: the text has ${tokens.length} characters; it needs more than ${length + 1} for windows of ${length}`,
    );
  }
  const x = new Float32Array(n * length);
  const y = new Float32Array(n * length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < length; k++) {
      x[i * length + k] = tokens[i + k]!;
      y[i * length + k] = tokens[i + k + 1]!;
    }
  }
  return {
    name,
    task: 'classification',
    featureShape: [length],
    targetShape: [length],
    size: n,
    x,
    y,
    classes: charVocabSize,
    featureDType: 'int64',
    splitInOrder: true,
  };
}

export function textSet(name: TextSetName): Dataset {
  switch (name) {
    case 'sonnets':
      return charWindows(name, sonnetsText.trimStart());
    case 'reviews':
      return reviewsDataset();
  }
}

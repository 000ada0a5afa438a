import { describe, expect, test } from 'vitest';
import { clip, echo, firstFew, printable } from '../../src/util/text.ts';

describe('text from files, shown back', () => {
  test('control and bidi characters become visible escapes; tabs and newlines stay', () => {
    expect(printable('a\u001b[31mb\u0007\u009b\u202e\u0000\tc\nd')).toBe(
      'a\\u001b[31mb\\u0007\\u009b\\u202e\\u0000\tc\nd',
    );
    // As JSON escapes they are valid inside JSON text, meaning the same characters.
    expect(JSON.parse(printable(JSON.stringify('x\u009by')))).toBe('x\u009by');
  });

  test('echo cuts at 80 characters with …, on one line', () => {
    expect(echo('x'.repeat(79))).toBe('x'.repeat(79));
    expect(echo('x'.repeat(81))).toBe(`${'x'.repeat(79)}…`);
    expect(echo('a\nb\u001b')).toBe('a\\nb\\u001b');
    expect(echo({ a: [1] })).toBe('{"a":[1]}');
    expect(clip('😀'.repeat(100), 5)).toBe('😀😀😀😀…');
  });

  test('the first few of many problems, and a count', () => {
    expect(firstFew(['a', 'b'], 5)).toEqual(['a', 'b']);
    expect(firstFew(['a', 'b', 'c'], 2, 'more errors')).toEqual(['a', 'b', '(and 1 more errors)']);
  });
});

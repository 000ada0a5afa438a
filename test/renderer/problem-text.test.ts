// Problems read as sentences: the field once, zod's wording replaced where it is known. The
// messages here are what the core says of real bad parameters (lowered, not written by hand).
import { describe, expect, it } from 'vitest';
import { lowerDocument } from '../../src/compile/lower.ts';
import { addNode, setParam } from '../../src/document/edits.ts';
import { emptyDocument } from '../../src/document/edits.ts';
import { problemSentence } from '../../renderer/lib/problem-text.ts';

function problemOf(field: string, value: unknown): string {
  const doc = setParam(addNode(emptyDocument(), 'Dense', { x: 0, y: 0 }), 'dense1', field, value);
  const d = lowerDocument(doc).diagnostics.find((x) => x.field === field)!;
  expect(d.message).toContain(field);
  return problemSentence(d);
}

describe('problemSentence', () => {
  it('says what a bad units value must be, naming the field once', () => {
    expect(problemOf('units', 'abc')).toBe('units must be a number');
    expect(problemOf('units', 0)).toBe('units must be at least 1');
    expect(problemOf('units', 2.5)).toBe('units must be a whole number');
  });
  it('leaves other messages as they are', () => {
    expect(problemSentence({ message: 'The graph has no Output node' })).toBe('The graph has no Output node');
  });
});

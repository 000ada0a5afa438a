import { describe, expect, test } from 'vitest';
import { groupChain, groupCycles, groupParents } from '../../src/document/groups.ts';

const g = (id: string, parent?: string) => ({
  id,
  name: id,
  collapsed: false,
  ...(parent ? { parent } : {}),
});

describe('walking up groups', () => {
  test('the chain stops at a loop, and at a parent that is not a group', () => {
    const groups = [g('a', 'b'), g('b', 'c'), g('c', 'a'), g('d', 'missing')];
    const parents = groupParents(groups);
    expect(groupChain(parents, 'a')).toEqual(['a', 'b', 'c']);
    expect(groupChain(parents, 'd')).toEqual(['d']);
    expect(groupChain(parents, undefined)).toEqual([]);
    expect(groupChain(parents, 'missing')).toEqual([]);
  });

  test('each loop is found once; chains into a loop and self-parents too', () => {
    expect(groupCycles([g('a', 'b'), g('b', 'a'), g('c', 'a'), g('s', 's'), g('t')])).toEqual([
      ['a', 'b'],
      ['s'],
    ]);
    expect(groupCycles([g('a', 'b'), g('b')])).toEqual([]);
  });
});

// Groups nest through `parent`. The file is untrusted, so a parent chain can loop (A in B, B in A)
// or name a group that does not exist; every walk up the chain goes through here and stops at a
// loop instead of running forever. The loop itself is reported by the lowering as a diagnostic.
import type { DocGroup } from './schema.ts';

export type GroupParents = ReadonlyMap<string, string | undefined>;

export function groupParents(groups: readonly DocGroup[]): GroupParents {
  return new Map(groups.map((g) => [g.id, g.parent]));
}

/**
 * `start` and the groups enclosing it, innermost first: only groups of the document, and each once
 * (the walk stops where the parents loop back).
 */
export function groupChain(parents: GroupParents, start: string | undefined): string[] {
  const chain: string[] = [];
  const seen = new Set<string>();
  for (let at = start; at !== undefined && parents.has(at) && !seen.has(at); at = parents.get(at)) {
    seen.add(at);
    chain.push(at);
  }
  return chain;
}

/** Each loop of parents once, as the ids on it in parent order (starting from its first in the file). */
export function groupCycles(groups: readonly DocGroup[]): string[][] {
  const parents = groupParents(groups);
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[][] = [];
  for (const g of groups) {
    if (state.has(g.id)) continue;
    const path: string[] = [];
    let at: string | undefined = g.id;
    while (at !== undefined && parents.has(at) && !state.has(at)) {
      state.set(at, 'open');
      path.push(at);
      at = parents.get(at);
    }
    if (at !== undefined && state.get(at) === 'open') cycles.push(path.slice(path.indexOf(at)));
    for (const p of path) state.set(p, 'done');
  }
  return cycles;
}

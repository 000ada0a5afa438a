// Reads a V8 CPU profile (bench/editor-browser-profile.ts writes them with NETLOOM_PROFILE_SAVE) as a
// top-down call tree (recursion folded): every call path that took at least the threshold, with its total and self
// time, children under their caller. Where the flat "self/total" lists of the profile script say
// which functions were slow, this says who called them, and what else the same task did.
//
//   npx tsx bench/profile-tree.ts /tmp/profiles/edit_chain-500-edit-66.cpuprofile [min ms, 1 by default]
import { readFileSync } from 'node:fs';
import type { Profile } from './cpu-profile.ts';
import { frameName } from './cpu-profile.ts';

interface Tree {
  self: number;
  total: number;
  readonly children: Map<string, Tree>;
}

/** The profile's time by call path (samples are weighed by the time to the next one). */
function treeOf(p: Profile): Tree {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const root: Tree = { self: 0, total: 0, children: new Map() };
  p.samples.forEach((s, i) => {
    const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
    const leaf = byId.get(s)!;
    if (leaf.callFrame.functionName === '(idle)') return;
    // Root first; a frame already on the path (React's recursive walks) is folded into its first call.
    const path: string[] = [];
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id))
      path.push(frameName(byId.get(id)!));
    path.reverse();
    const seen = new Set<string>();
    const folded = path.filter((n) => !seen.has(n) && seen.add(n));
    let at = root;
    at.total += ms;
    for (const name of folded.slice(1)) {
      let next = at.children.get(name);
      if (!next) at.children.set(name, (next = { self: 0, total: 0, children: new Map() }));
      next.total += ms;
      at = next;
    }
    at.self += ms;
  });
  return root;
}

function print(t: Tree, name: string, depth: number, min: number): void {
  console.log(
    `${t.total.toFixed(1).padStart(8)} ${t.self.toFixed(1).padStart(7)}  ${'  '.repeat(depth)}${name}`,
  );
  for (const [n, c] of [...t.children].sort((a, b) => b[1].total - a[1].total))
    if (c.total >= min) print(c, n, depth + 1, min);
}

const [file, min] = process.argv.slice(2);
if (!file) throw new Error('usage: npx tsx bench/profile-tree.ts <file.cpuprofile> [min ms]');
console.log('   total    self  (ms, busy samples only)');
print(treeOf(JSON.parse(readFileSync(file, 'utf8')) as Profile), '(root)', 0, Number(min ?? 1));

// Prints the folder → folder import graph of the repository and any import cycles, so the
// layering in ARCHITECTURE.md can be checked by eye (the lint enforces it; this shows it).
// Usage: npx tsx scripts/import-graph.ts [--files]   (--files also lists file-level cycles)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const scanned = ['src', 'renderer', 'electron'];
const extensions = ['.ts', '.tsx', '.mts', '.mjs'];

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else if (extensions.some((e) => name.endsWith(e)) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The folder a file belongs to: `src/<sub>` inside the core, the top folder elsewhere. */
function folderOf(file: string): string {
  const parts = relative(root, file).split('/');
  if (parts[0] === 'src' && parts.length > 2) return `src/${parts[1]}`;
  return parts[0] ?? file;
}

// Static imports and re-exports (`import … from`, `export … from`, `import '…'`) and dynamic `import('…')`.
const importPattern =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  const candidates = [
    base,
    ...extensions.map((e) => base + e),
    ...extensions.map((e) => join(base, 'index' + e)),
  ];
  for (const c of candidates) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {
      // not this candidate
    }
  }
  // `.js` written for a `.ts` file
  if (base.endsWith('.js')) return resolveImport(from, spec.slice(0, -3) + '.ts');
  return undefined;
}

const files = scanned.flatMap((d) => listFiles(join(root, d)));
const fileEdges = new Map<string, Set<string>>();
const folderEdges = new Map<string, Map<string, number>>();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const targets = new Set<string>();
  for (const m of text.matchAll(importPattern)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec === undefined) continue;
    const target = resolveImport(file, spec);
    if (target !== undefined) targets.add(target);
  }
  fileEdges.set(file, targets);
  for (const t of targets) {
    const a = folderOf(file);
    const b = folderOf(t);
    if (a === b) continue;
    const row = folderEdges.get(a) ?? new Map<string, number>();
    row.set(b, (row.get(b) ?? 0) + 1);
    folderEdges.set(a, row);
  }
}

/** Tarjan's strongly connected components; every component with more than one member is a cycle. */
function cycles(nodes: readonly string[], next: (n: string) => Iterable<string>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}

console.log('folder → folder (number of importing file→file edges)');
for (const a of [...folderEdges.keys()].sort()) {
  const row = folderEdges.get(a)!;
  const targets = [...row.keys()].sort().map((b) => `${b} (${row.get(b)})`);
  console.log(`  ${a.padEnd(14)} → ${targets.join(', ')}`);
}
const folders = [...new Set(files.map(folderOf))].sort();
const folderCycles = cycles(folders, (f) => folderEdges.get(f)?.keys() ?? []);
console.log(`folder cycles: ${folderCycles.length === 0 ? 'none' : ''}`);
for (const c of folderCycles) console.log(`  ${c.join(' ⇄ ')}`);
const fileCycles = cycles(files, (f) => fileEdges.get(f) ?? []);
console.log(`file cycles: ${fileCycles.length === 0 ? 'none' : fileCycles.length}`);
if (process.argv.includes('--files')) {
  for (const c of fileCycles) console.log(`  ${c.map((f) => relative(root, f)).join(' ⇄ ')}`);
}

// The model's submodules as a tree of the weight names' dotted parts, the way torch names a
// state_dict: "layer1.0.conv1.weight" is self.layer1[0].conv1. Parts 0, 1, … become an
// nn.ModuleList, plain names attributes of an nn.Module, any other text keys of an nn.ModuleDict.
import type { ModuleLeaf } from './graph.ts';
import { isPyIdentifier, pyString } from './python.ts';

type Container = 'module' | 'list' | 'dict';

interface TreeNode {
  readonly children: Map<string, TreeNode>;
  leaf?: ModuleLeaf;
}

export interface ModuleTree {
  /** Python that builds every submodule, for __init__ (without the indent). */
  readonly initLines: readonly string[];
  /** The expression of a node's module under `root` ("self" or "model"). */
  access(root: string, node: string): string;
}

function containerOf(t: TreeNode): Container {
  const keys = [...t.children.keys()];
  if (keys.every((k, i) => k === String(i)) && keys.length > 0) {
    // Indices in order: a list.
    const sorted = [...keys].sort((a, b) => Number(a) - Number(b));
    if (sorted.every((k, i) => k === String(i))) return 'list';
  }
  return keys.every((k) => isPyIdentifier(k)) ? 'module' : 'dict';
}

function childAccess(parent: Container, key: string): string {
  if (parent === 'list') return `[${key}]`;
  if (parent === 'dict') return `[${pyString(key)}]`;
  return `.${key}`;
}

export function buildModuleTree(modules: readonly ModuleLeaf[]): ModuleTree {
  const root: TreeNode = { children: new Map() };
  for (const m of modules) {
    let t = root;
    for (const s of m.segments) {
      let c = t.children.get(s);
      if (!c) {
        c = { children: new Map() };
        t.children.set(s, c);
      }
      t = c;
    }
    t.leaf = m;
  }
  // Keys sorted numerically for lists (the document may list layer 10 before layer 2).
  const ordered = (t: TreeNode): [string, TreeNode][] => {
    const entries = [...t.children.entries()];
    return containerOf(t) === 'list' ? entries.sort((a, b) => Number(a[0]) - Number(b[0])) : entries;
  };

  const paths = new Map<string, string>();
  const walkPaths = (t: TreeNode, path: string): void => {
    const kind = containerOf(t);
    for (const [k, c] of t.children) {
      const p = path + childAccess(kind, k);
      if (c.leaf) paths.set(c.leaf.node, p);
      walkPaths(c, p);
    }
  };
  // The root is the model itself: its children are attributes.
  for (const [k, c] of root.children) {
    if (c.leaf) paths.set(c.leaf.node, `.${k}`);
    walkPaths(c, `.${k}`);
  }

  const lines: string[] = [];
  const built = new Set<TreeNode>();
  /** A child's expression: its constructor, or an empty container (filled by later lines). */
  const expression = (t: TreeNode, indent: string): string => {
    built.add(t);
    if (t.leaf) return t.leaf.constructor;
    const kind = containerOf(t);
    if (kind === 'module') return 'nn.Module()';
    if (kind === 'dict') return 'nn.ModuleDict()';
    // A list is written whole: its entries in place, one per line (empty blocks as one expression).
    const inner = indent + '    ';
    const entries = ordered(t);
    if (entries.every(([, c]) => !c.leaf && containerOf(c) === 'module')) {
      for (const [, c] of entries) built.add(c);
      return `nn.ModuleList([nn.Module() for _ in range(${entries.length})])`;
    }
    const items = entries.map(([, c]) => `${inner}${expression(c, inner)},`);
    return `nn.ModuleList([\n${items.join('\n')}\n${indent}])`;
  };
  // Walk the modules in their order so __init__ reads like the graph, each block's under its name.
  let group: string | undefined;
  for (const m of modules) {
    let t = root;
    let path = '';
    let kind: Container | 'root' = 'root';
    for (const s of m.segments) {
      const c = t.children.get(s)!;
      path += kind === 'root' ? `.${s}` : childAccess(kind, s);
      if (!built.has(c)) {
        if (m.group !== group && m.group !== undefined) lines.push(`# ${m.group}`);
        group = m.group;
        lines.push(`self${path} = ${expression(c, '')}`);
      }
      kind = c.leaf ? 'module' : containerOf(c);
      t = c;
    }
  }
  return {
    initLines: lines,
    access: (rootName, node) => {
      const p = paths.get(node);
      if (p === undefined) throw new Error(`internal: node ${node} has no module`);
      return rootName + p;
    },
  };
}

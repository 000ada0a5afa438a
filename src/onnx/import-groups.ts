// Blocks for an imported model, from torch's module paths: a torch ResNet-18 opens as Input →
// stem → layer1 … layer4 → avgpool → fc, each stage a collapsed block, instead of 70 layers in a
// column. torch's own names are kept; what torch's tree does not say is filled in the way the
// templates read: the layers before the first module block are the stem, a long Sequential
// (MobileNetV2's `features`, 19 children) is split into stages where the resolution changes,
// and a block that only wraps one other block (features.1 → features.1.conv) is one block.
import type { DocGroup } from '../document/schema.ts';

export interface GroupingNode {
  readonly id: string;
  readonly kind: string;
  /** torch's module path of the node, when the file names it. */
  readonly scope: string | undefined;
  /** The node's first output shape (batch first), when known. */
  readonly shape: readonly number[] | undefined;
}

export interface ImportGroups {
  readonly groups: DocGroup[];
  /** Group id of each grouped node. */
  readonly groupOf: Map<string, string>;
}

type Item = { readonly node: GroupingNode } | { readonly block: Block };

interface Block {
  id: string;
  name: string;
  description?: string;
  items: Item[];
}

/** A Sequential with at least this many children is split into stages by resolution. */
const stageSplitAt = 6;
/** A top-level block with at least this many layers opens collapsed. */
const collapseAt = 4;

const gid = (p: string): string => `g:${p}`;

function lastNode(item: Item): GroupingNode | undefined {
  if ('node' in item) return item.node;
  for (let i = item.block.items.length - 1; i >= 0; i--) {
    const n = lastNode(item.block.items[i]!);
    if (n) return n;
  }
  return undefined;
}

function countNodes(b: Block): number {
  return b.items.reduce((s, it) => s + ('node' in it ? 1 : countNodes(it.block)), 0);
}

/** An image's resolution ("8×8"), the key that separates stages; undefined for other tensors. */
function resolution(item: Item): string | undefined {
  const s = lastNode(item)?.shape;
  return s && s.length === 4 ? s.slice(2).join('×') : undefined;
}

/** The part of a child's name after its parent's ("features.12" in features → "12"). */
function childLabel(parent: Block, item: Item): string {
  const name = 'node' in item ? item.node.id : item.block.name;
  return name.startsWith(`${parent.name}.`) ? name.slice(parent.name.length + 1) : name;
}

/** A block that holds nothing but one other block becomes that one block, under the outer name. */
function mergeWrappers(b: Block): void {
  for (const it of b.items) if ('block' in it) mergeWrappers(it.block);
  const only = b.items.length === 1 ? b.items[0]! : undefined;
  if (only && 'block' in only) b.items = only.block.items;
}

/** Long Sequentials become runs of children at one resolution, each run a block of its own. */
function splitStages(b: Block): void {
  for (const it of b.items) if ('block' in it) splitStages(it.block);
  const next: Item[] = [];
  for (const it of b.items) {
    const c = 'block' in it ? it.block : undefined;
    const runs = c && c.items.length >= stageSplitAt ? runsOf(c) : [];
    if (!c || runs.length < 2) {
      next.push(it);
      continue;
    }
    for (const run of runs) {
      if (run.length === 1 && 'block' in run[0]!) {
        next.push(run[0]);
        continue;
      }
      const first = childLabel(c, run[0]!);
      const last = childLabel(c, run[run.length - 1]!);
      const span = first === last ? first : `${first}–${last}`;
      const res = resolution(run[run.length - 1]!);
      next.push({
        block: {
          id: `${c.id}.${span.replace('–', '-')}`,
          name: `${c.name}.${span}`,
          description: `${c.name}.${first} to ${c.name}.${last} of torch's ${c.name}${res ? `, at ${res}` : ''}.`,
          items: run,
        },
      });
    }
  }
  b.items = next;
}

function runsOf(b: Block): Item[][] {
  const runs: Item[][] = [];
  let key: string | undefined | null = null;
  for (const it of b.items) {
    const k = resolution(it);
    if (k === undefined) return [];
    if (k !== key) runs.push([]);
    runs[runs.length - 1]!.push(it);
    key = k;
  }
  return runs;
}

/** The layers before the first module block (torch's conv1, bn1, relu, maxpool) as the stem. */
function addStem(root: Block, taken: ReadonlySet<string>): void {
  const firstBlock = root.items.findIndex((it) => 'block' in it);
  if (firstBlock < 0) return;
  const lead = root.items.slice(0, firstBlock).filter((it) => 'node' in it && it.node.kind !== 'Input');
  if (lead.length < 2) return;
  let id = gid('stem');
  for (let k = 2; taken.has(id); k++) id = gid(`stem_${k}`);
  const stem: Block = {
    id,
    name: 'stem',
    description: `The layers before torch's first module block (${lead.map((it) => ('node' in it ? it.node.id : '')).join(', ')}).`,
    items: lead,
  };
  const rest = root.items.filter((it) => !lead.includes(it));
  const at = rest.findIndex((it) => 'block' in it);
  root.items = [...rest.slice(0, at), { block: stem }, ...rest.slice(at)];
}

/**
 * Groups for the nodes from their torch module paths. `containers` are the paths that have child
 * modules (a leaf module is one layer, not a block). Outer blocks of `collapseAt`+ layers start
 * collapsed; where one block holds the whole model, its children do instead.
 */
export function importGroups(nodes: readonly GroupingNode[], containers: ReadonlySet<string>): ImportGroups {
  const counts = new Map<string, number>();
  for (const n of nodes) {
    if (n.scope === undefined) continue;
    const parts = n.scope.split('.');
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join('.');
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
  }
  const kept = (p: string): boolean => (counts.get(p) ?? 0) >= 2 && containers.has(p);
  const root: Block = { id: '', name: '', items: [] };
  const blocks = new Map<string, Block>();
  for (const n of nodes) {
    let at = root;
    const parts = n.scope?.split('.') ?? [];
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join('.');
      if (!kept(p)) continue;
      let b = blocks.get(p);
      if (!b) {
        b = { id: gid(p), name: p, description: `torch module ${p}.`, items: [] };
        blocks.set(p, b);
        at.items.push({ block: b });
      }
      at = b;
    }
    at.items.push({ node: n });
  }
  for (const it of root.items) if ('block' in it) mergeWrappers(it.block);
  splitStages(root);
  addStem(root, new Set([...blocks.values()].map((b) => b.id)));

  const tops = root.items.flatMap((it) => ('block' in it ? [it.block] : []));
  const whole = tops.length === 1 ? tops[0] : undefined;
  const collapse = new Set(
    (whole ? whole.items.flatMap((it) => ('block' in it ? [it.block] : [])) : tops)
      .filter((b) => countNodes(b) >= collapseAt)
      .map((b) => b.id),
  );
  const groups: DocGroup[] = [];
  const groupOf = new Map<string, string>();
  const emit = (b: Block, parent: string | undefined): void => {
    groups.push({
      id: b.id,
      name: b.name,
      collapsed: collapse.has(b.id),
      ...(b.description ? { description: b.description } : {}),
      ...(parent ? { parent } : {}),
    });
    for (const it of b.items) {
      if ('node' in it) groupOf.set(it.node.id, b.id);
      else emit(it.block, b.id);
    }
  };
  for (const b of tops) emit(b, undefined);
  return { groups, groupOf };
}

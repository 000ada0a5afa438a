// The layout of the graph as shown (renderer/lib/layout.ts flowLayout): collapsed blocks are one
// box each and the graph closes up around them; expanded blocks keep room for their frames' titles.
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { moveNodes } from '../../src/document/edits.ts';
import { flowLayout, frameMargin, frameTitle, nodeSize } from '../../renderer/lib/layout.ts';
import { groupChain, groupParents } from '../../src/document/groups.ts';

const resnet = () => loadTemplate('resnet18')!;
const collapseTop = (d: NetloomDocument): NetloomDocument => ({
  ...d,
  groups: d.groups.map((g) => (g.parent === undefined ? { ...g, collapsed: true } : g)),
});

/** What the canvas shows: every ungrouped layer and one box per outermost collapsed block. */
function shownBoxes(d: NetloomDocument): { id: string; x: number; y: number }[] {
  const parents = groupParents(d.groups);
  const byId = new Map(d.groups.map((g) => [g.id, g]));
  const boxes = new Map<string, { id: string; x: number; y: number }>();
  for (const n of d.nodes) {
    let c: string | undefined;
    for (const g of groupChain(parents, n.group)) if (byId.get(g)?.collapsed) c = g;
    const id = c ?? n.id;
    const b = boxes.get(id);
    boxes.set(
      id,
      b ? { id, x: Math.min(b.x, n.position.x), y: Math.min(b.y, n.position.y) } : { id, ...n.position },
    );
  }
  return [...boxes.values()];
}

function overlaps(bs: { x: number; y: number }[]): number {
  let k = 0;
  for (let i = 0; i < bs.length; i++)
    for (let j = i + 1; j < bs.length; j++)
      if (Math.abs(bs[i]!.x - bs[j]!.x) < nodeSize.width && Math.abs(bs[i]!.y - bs[j]!.y) < nodeSize.height)
        k++;
  return k;
}

describe('flowLayout', () => {
  it('closes ResNet-18 up around its collapsed stages: the blocks stack without gaps of the old height', async () => {
    const doc = collapseTop(resnet());
    const laid = moveNodes(doc, await flowLayout(doc));
    const boxes = shownBoxes(laid);
    // stem + 4 stages collapsed, the head's layers as they are.
    expect(boxes.length).toBeLessThan(15);
    expect(overlaps(boxes)).toBe(0);
    const ys = boxes.map((b) => b.y).sort((a, b) => a - b);
    const height = ys[ys.length - 1]! - ys[0]!;
    // Each box one layer below the last: no more than a node and a gap per box.
    expect(height).toBeLessThanOrEqual((boxes.length - 1) * (nodeSize.height + 40));
    // Expanded, the same template is far taller: the collapsed layout did close up.
    const open = resnet();
    const openLaid = moveNodes(open, await flowLayout(open));
    const oys = openLaid.nodes.map((n) => n.position.y);
    expect(Math.max(...oys) - Math.min(...oys)).toBeGreaterThan(4 * height);
  });

  it('leaves room above nested blocks for each title, and no layers overlap', async () => {
    const open = resnet();
    const laid = moveNodes(open, await flowLayout(open));
    expect(overlaps(laid.nodes.map((n) => n.position))).toBe(0);
    // Block 1.0 sits inside Layer 1: its first layer is a title and a margin below the block's
    // top, which is one more below Layer 1's top. The layer above Layer 1 ends above both titles.
    const byGroup = (g: string) => laid.nodes.filter((n) => n.group === g || n.group?.startsWith(`${g}.`));
    const top = (g: string) => Math.min(...byGroup(g).map((n) => n.position.y));
    const stemBottom = Math.max(...byGroup('stem').map((n) => n.position.y)) + nodeSize.height;
    expect(top('layer1') - stemBottom).toBeGreaterThanOrEqual(2 * (frameMargin + frameTitle));
  });
});

// The SVG export draws what the canvas draws: ResNet-18's blocks as titled frames (expanded) or
// block nodes (collapsed), and its identity shortcuts routed beside the column, not behind it.
// The SVG is parsed as XML (a malformed export fails here) and read by element, not compared whole.
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { moveNodes } from '../../src/document/edits.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { diagramSvg } from '../../renderer/lib/diagram.ts';
import { flowLayout, nodeSize, readableTemplate } from '../../renderer/lib/layout.ts';

function parse(svg: string): (tag: string, cls?: string) => Element[] {
  const errors: string[] = [];
  const xml = new DOMParser({
    errorHandler: {
      warning: () => undefined,
      error: (m) => errors.push(m),
      fatalError: (m) => errors.push(m),
    },
  }).parseFromString(svg, 'image/svg+xml');
  expect(errors).toEqual([]);
  return (tag, cls) =>
    Array.from(xml.getElementsByTagName(tag)).filter(
      (e) => !cls || e.getAttribute('class')?.split(' ').includes(cls),
    );
}

/** ResNet-18's identity shortcuts, from the document: the wire into an Add that skips the block's convs. */
function identityShortcuts(doc: NetloomDocument): string[] {
  const kind = new Map(doc.nodes.map((n) => [n.id, n.kind]));
  return doc.edges
    .filter(
      (e) => kind.get(e.target.node) === 'Add' && e.source.node !== e.target.node.replace(/add$/, 'bn2'),
    )
    .filter((e) => !e.source.node.includes('downsample'))
    .map((e) => `${e.source.node}->${e.target.node}`)
    .sort();
}

describe('diagramSvg', () => {
  it('keeps ResNet-18 expanded: a titled frame per block and the identity shortcuts beside the column', async () => {
    const open = loadTemplate('resnet18')!;
    const doc = moveNodes(open, await flowLayout(open));
    const find = parse(diagramSvg(doc, lowerDocument(doc), 'light'));

    const frames = find('rect', 'frame').map((r) => r.getAttribute('data-group'));
    expect(frames.sort()).toEqual(doc.groups.map((g) => g.id).sort());
    const titles = find('text', 'frame-title').map((t) => t.textContent ?? '');
    for (const g of doc.groups) expect(titles.some((t) => t.startsWith(g.name))).toBe(true);

    const skips = find('path', 'skip');
    const shortcuts = identityShortcuts(doc);
    expect(shortcuts).toHaveLength(5); // blocks 1.0, 1.1, 2.1, 3.1, 4.1
    // Exactly the identity shortcuts are routed aside: a wire with nothing in its straight path
    // stays straight, even one that drops past frames' title bars into the next block.
    const routed = skips.map((p) => `${p.getAttribute('data-from')}->${p.getAttribute('data-to')}`);
    expect(routed.sort()).toEqual(shortcuts);
    const straight = find('path', 'wire')
      .filter((p) => !p.getAttribute('class')!.includes('skip'))
      .map((p) => `${p.getAttribute('data-from')}->${p.getAttribute('data-to')}`);
    expect(straight).toEqual(
      expect.arrayContaining([
        'maxpool->layer1.0.conv1',
        'layer1.1.relu2->layer2.0.downsample.0',
        'layer1.1.relu2->layer2.0.conv1',
      ]),
    );
    // Each runs right of both ends' boxes, where no layer of the column covers it.
    const pos = new Map(doc.nodes.map((n) => [n.id, n.position]));
    for (const p of skips) {
      const xs = (p.getAttribute('d') ?? '').match(/-?\d+(\.\d+)?(?=,)/g)!.map(Number);
      const right = Math.max(
        pos.get(p.getAttribute('data-from')!)!.x,
        pos.get(p.getAttribute('data-to')!)!.x,
      );
      expect(Math.max(...xs)).toBeGreaterThan(right + nodeSize.width);
    }
    // Every layer is drawn, and every wire but the shortcuts is an ordinary one.
    expect(find('g', 'layer')).toHaveLength(doc.nodes.length);
    expect(find('path', 'wire')).toHaveLength(doc.edges.length);
  });

  it('draws ResNet-18 as it opens: stem and four stages as block nodes, no frames', async () => {
    const doc = await readableTemplate(loadTemplate('resnet18')!);
    const find = parse(diagramSvg(doc, lowerDocument(doc), 'dark'));
    const top = doc.groups.filter((g) => g.parent === undefined).map((g) => g.id);
    expect(
      find('g', 'block')
        .map((b) => b.getAttribute('data-group'))
        .sort(),
    ).toEqual(top.sort());
    expect(find('rect', 'frame')).toHaveLength(0);
    const blockText = find('g', 'block').map((b) => b.textContent ?? '');
    expect(blockText.some((t) => t.includes('Layer 1'))).toBe(true);
  });
});

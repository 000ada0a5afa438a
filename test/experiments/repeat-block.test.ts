// A block's repeat count as a searchable parameter: the Playground's second hidden layer (Dense 32
// → Tanh, one input, one output) grouped as a block and repeated; the expanded document validates
// as a document, lowers without problems, and has the parameters the repeats imply.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { hasErrors } from '../../src/compile/diagnostics.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { parseDocument, parseDocumentValue } from '../../src/document/parse.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { blockPorts, repeatBlock } from '../../src/experiments/repeat-block.ts';
import { applyCandidate, parseSearchParam } from '../../src/experiments/search-space.ts';

const root = join(import.meta.dirname, '../..');
const playground = parseDocument(readFileSync(join(root, 'templates/playground.json'), 'utf8'), 'playground');

/** The Playground with `ids` in one group. */
function grouped(ids: readonly string[], id = 'block'): NetloomDocument {
  return {
    ...playground,
    groups: [{ id, name: 'Hidden block', collapsed: false }],
    nodes: playground.nodes.map((n) => (ids.includes(n.id) ? { ...n, group: id } : n)),
  };
}

describe('repeating a block', () => {
  const doc = grouped(['hidden2', 'tanh2']);
  // Dense 32 → 32 holds 32·32 weights and 32 biases; Tanh none.
  const perCopy = 32 * 32 + 32;

  test('three copies chain: the document validates and has two more Dense 32→32 of parameters', () => {
    const base = lowerDocument(doc);
    expect(hasErrors(base)).toBe(false);
    const three = repeatBlock(doc, 'block', 3);
    const parsed = parseDocumentValue(JSON.parse(JSON.stringify(three)), 'three.json');
    const lowered = lowerDocument(parsed);
    expect(lowered.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(lowered.totals.params).toBe(base.totals.params + 2 * perCopy);
    expect(three.nodes.filter((n) => n.kind === 'Dense')).toHaveLength(5);
    expect(three.groups.map((g) => g.name)).toEqual(['Hidden block', 'Hidden block ×2', 'Hidden block ×3']);
    // The chain: copy 2 reads tanh2, copy 3 reads copy 2's Tanh, `out` reads copy 3's Tanh.
    const into = (node: string) =>
      three.edges.filter((e) => e.target.node === node).map((e) => e.source.node);
    expect(into('hidden2_r2')).toEqual(['tanh2']);
    expect(into('hidden2_r3')).toEqual(['tanh2_r2']);
    expect(into('out')).toEqual(['tanh2_r3']);
    expect(repeatBlock(doc, 'block', 1)).toBe(doc);
  });

  test('as a searchable parameter: block.repeat=1..3 applies through applyCandidate', () => {
    const p = parseSearchParam('block.repeat=1..3', doc);
    expect(p.target).toEqual({ kind: 'repeat', group: 'block' });
    const widened = parseSearchParam('hidden2.units=32', doc);
    const two = applyCandidate(doc, [widened, p], { 'hidden2.units': 32, 'block.repeat': 2 });
    expect(lowerDocument(two).totals.params).toBe(lowerDocument(doc).totals.params + perCopy);
    expect(() => parseSearchParam('block.repeat=0..2', doc)).toThrow('takes positive numbers');
    expect(() => parseSearchParam('block.repeat=1.5,2', doc)).toThrow('takes whole numbers');
  });

  test('a block with two inputs or two outputs cannot repeat, and says why', () => {
    // hidden1, tanh1, label and loss: wires enter from `point` and from `out` (two inputs).
    const twoOut = grouped(['hidden1', 'tanh1', 'label', 'loss']);
    expect(() => blockPorts(twoOut, 'block')).toThrow(
      "block 'block': to repeat, a block takes one input (wires enter it from 2 outside ports)",
    );
    // hidden2 and tanh2 with a second reader of hidden2 outside the block: two outputs.
    const tapped = grouped(['hidden2', 'tanh2']);
    const extra = {
      id: 'tap',
      source: { node: 'hidden2', port: 'out' },
      target: { node: 'logits', port: 'in' },
    };
    expect(() => blockPorts({ ...tapped, edges: [...tapped.edges, extra] }, 'block')).toThrow(
      'a block gives one output (wires leave it from 2 ports inside it)',
    );
    expect(() => parseSearchParam('block.repeat=1,2', twoOut)).toThrow(
      /searchable parameter 'block.repeat=1,2': block 'block': to repeat/,
    );
    expect(() => repeatBlock(playground, 'nope', 2)).toThrow("block 'nope': no such block");
  });

  test('a block whose output width differs from its input repeats where its layers infer their width', () => {
    // Dense 2 → 32 after the Input: its second copy takes 32 features where the first took 2 (Dense
    // infers its input width), so the count grows by 32·32+32, not 2·32+32.
    const first = grouped(['hidden1', 'tanh1']);
    const two = lowerDocument(repeatBlock(first, 'block', 2));
    expect(hasErrors(two)).toBe(false);
    expect(two.totals.params).toBe(lowerDocument(first).totals.params + perCopy);
  });
});

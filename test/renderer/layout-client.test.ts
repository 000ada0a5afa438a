// Where no worker can run (here, Node), the layout client lays the graph out on the calling thread:
// the same positions autoLayout gives, so opening a model never depends on a worker starting.
import { expect, test } from 'vitest';
import { residualMlp } from '../../bench/graphs.ts';
import { layoutInWorker } from '../../renderer/lib/layout-client.ts';
import { autoLayout } from '../../renderer/lib/layout.ts';
import { layoutReplySchema, layoutRequestSchema } from '../../renderer/lib/layout-protocol.ts';

test('without a worker the layout runs here and places every node as autoLayout does', async () => {
  const doc = residualMlp(12);
  const at = await layoutInWorker(doc);
  expect([...at.keys()].sort()).toEqual(doc.nodes.map((n) => n.id).sort());
  expect(at).toEqual(await autoLayout(doc));
  // Top to bottom: the Input above the first layer, the first layer above the last.
  expect(at.get('x')!.y).toBeLessThan(at.get('n0')!.y);
  expect(at.get('n0')!.y).toBeLessThan(at.get('n11')!.y);
});

test('the worker protocol refuses what is not a document or a list of positions', () => {
  expect(layoutRequestSchema.safeParse({ id: 1, doc: { nodes: 'all' } }).success).toBe(false);
  expect(layoutRequestSchema.safeParse({ id: 1, doc: residualMlp(4) }).success).toBe(true);
  expect(layoutReplySchema.safeParse({ id: 1, positions: [['a', { x: Infinity, y: 0 }]] }).success).toBe(
    false,
  );
  expect(layoutReplySchema.safeParse({ id: 1, positions: [['a', { x: 3, y: 4 }]] }).success).toBe(true);
  expect(layoutReplySchema.safeParse({ id: 1, error: 'no' }).success).toBe(true);
});

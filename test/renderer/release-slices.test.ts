// How React Flow lets go of its nodes as the canvas zooms out into its overview
// (renderer/lib/release-slices.ts): those it never drew and the wires not between two drawn nodes
// at once, the drawn ones a slice at a time with their wires, until it holds nothing.
import { expect, test } from 'vitest';
import { releaseSlice, SliceRelease } from '../../renderer/lib/release-slices.ts';

interface N {
  id: string;
}
interface E {
  id: string;
  source: string;
  target: string;
}

function chain(count: number): { nodes: N[]; edges: E[] } {
  const nodes = Array.from({ length: count }, (_, i) => ({ id: `n${i}` }));
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: `n${i}`, target: n.id }));
  return { nodes, edges };
}

test('the nodes never drawn go at once, the drawn ones a slice a task with their wires', () => {
  const { nodes, edges } = chain(1000);
  // Drawn: every other node of the first 500 and all of 500..749.
  const drawn = new Set(
    nodes.filter((_, i) => (i < 500 && i % 2 === 0) || (i >= 500 && i < 750)).map((n) => n.id),
  );
  const r = new SliceRelease<N, E>();
  expect(r.releasing).toBe(false);
  r.start(nodes, edges, drawn);
  expect(r.releasing).toBe(true);
  let held = r.held();
  expect(held.nodes.map((n) => n.id)).toEqual([...drawn]);
  // A wire stays only between two nodes still held: none among the alternating ones, 249 after.
  expect(held.edges).toHaveLength(249);
  expect(held.edges.every((e) => drawn.has(e.source) && drawn.has(e.target))).toBe(true);

  const sizes: number[] = [];
  while (r.releasing) {
    r.shrink();
    held = r.held();
    sizes.push(held.nodes.length);
    const ids = new Set(held.nodes.map((n) => n.id));
    expect(held.edges.every((e) => ids.has(e.source) && ids.has(e.target))).toBe(true);
  }
  const expected: number[] = [];
  for (let k = drawn.size - releaseSlice; k > 0; k -= releaseSlice) expected.push(k);
  expect(sizes).toEqual([...expected, 0]);
  expect(held.nodes).toEqual([]);
  expect(held.edges).toEqual([]);
});

test('leaving the overview lets go of the rest at once', () => {
  const { nodes, edges } = chain(300);
  const r = new SliceRelease<N, E>();
  r.start(nodes, edges, new Set(nodes.map((n) => n.id)));
  expect(r.held().edges).toHaveLength(299);
  r.shrink();
  expect(r.held().nodes).toHaveLength(300 - releaseSlice);
  r.stop();
  expect(r.releasing).toBe(false);
  expect(r.held()).toEqual({ nodes: [], edges: [] });
});

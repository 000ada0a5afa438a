// How a big graph is handed to React Flow (renderer/lib/adopt-slices.ts): the nodes on screen and
// their wires first, the rest in slices in document order, every wire with the last slice, and
// from then on the very arrays the canvas made (an edit costs React Flow what it did before).
// A small change passes straight through; an edit meanwhile is what the next slice sees. Many
// nodes leaving go hidden first, for a task.
import { expect, test } from 'vitest';
import {
  hideFirst,
  manyNodes,
  mountSlice,
  SliceAdoption,
  sliceNodes,
} from '../../renderer/lib/adopt-slices.ts';

interface N {
  id: string;
  y: number;
  hidden?: boolean;
}
interface E {
  id: string;
  source: string;
  target: string;
}

function chain(count: number): { nodes: N[]; edges: E[] } {
  const nodes = Array.from({ length: count }, (_, i) => ({ id: `n${i}`, y: i * 100 }));
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: `n${i}`, target: n.id }));
  return { nodes, edges };
}

const onScreen = (n: N) => n.y < 1000;

test('a big graph comes in slices, what is on screen first, then exactly the arrays it was given', () => {
  const { nodes, edges } = chain(3000);
  const a = new SliceAdoption<N, E>();
  const first = a.hand(nodes, edges, onScreen);
  expect(first.nodes.map((n) => n.id)).toEqual(nodes.slice(0, 10).map((n) => n.id));
  expect(first.edges.map((e) => e.id)).toEqual(edges.slice(0, 9).map((e) => e.id));
  expect(a.slicing).toBe(true);
  let handed = first.nodes.length;
  let steps = 0;
  while (a.slicing) {
    a.grow(nodes);
    const now = a.hand(nodes, edges, onScreen);
    steps++;
    expect(now.nodes.length - handed).toBeLessThanOrEqual(sliceNodes);
    // Every node handed keeps the document's order.
    expect(now.nodes).toEqual(nodes.filter((n) => now.nodes.includes(n)));
    // The wires stay the first slice's (the same array) until the end.
    if (a.slicing) expect(now.edges).toBe(first.edges);
    else {
      expect(now.nodes).toBe(nodes);
      expect(now.edges).toBe(edges);
    }
    handed = now.nodes.length;
  }
  expect(steps).toBe(Math.ceil((3000 - 10 + 1) / sliceNodes));
  // Done: an edit's arrays pass straight through.
  const edited = nodes.map((n, i) => (i === 5 ? { ...n, y: 7 } : n));
  expect(a.hand(edited, edges, onScreen).nodes).toBe(edited);
});

test('a small graph, or a few nodes more, pass straight through', () => {
  const a = new SliceAdoption<N, E>();
  const small = chain(manyNodes);
  expect(a.hand(small.nodes, small.edges, onScreen).nodes).toBe(small.nodes);
  const more = chain(manyNodes + 300);
  expect(a.hand(more.nodes, more.edges, onScreen).nodes).toBe(more.nodes);
  expect(a.slicing).toBe(false);
  // From nothing (the overview showed boxes; the nodes that left went hidden first) to all of
  // them: in slices again.
  a.hand([], [], onScreen);
  while (a.slicing) a.grow([]);
  expect(a.hand(more.nodes, more.edges, onScreen).nodes.length).toBe(10);
});

test('an edit while slices come: removed nodes and wires are not handed, the next slice reads the new list', () => {
  const { nodes, edges } = chain(2000);
  const a = new SliceAdoption<N, E>();
  a.hand(nodes, edges, onScreen);
  // n3 removed with its wires, and a wire added among the first slice's nodes.
  const nodes2 = nodes.filter((n) => n.id !== 'n3');
  const edges2 = [
    ...edges.filter((e) => e.source !== 'n3' && e.target !== 'n3'),
    { id: 'x', source: 'n2', target: 'n4' },
  ];
  const now = a.hand(nodes2, edges2, onScreen);
  expect(now.nodes.map((n) => n.id)).not.toContain('n3');
  expect(now.edges.map((e) => e.id)).toEqual(['e0', 'e1', 'e4', 'e5', 'e6', 'e7', 'e8', 'x']);
  while (a.slicing) a.grow(nodes2);
  expect(a.hand(nodes2, edges2, onScreen).nodes).toBe(nodes2);
});

test('when nearly every node is on screen, all come at once: one adoption, not a slice and then all', () => {
  const { nodes, edges } = chain(manyNodes + 500);
  const a = new SliceAdoption<N, E>();
  // All but `sliceNodes` on screen: the rest would be one slice; React Flow gets the arrays as given.
  const most = (n: N) => n.y < (nodes.length - sliceNodes) * 100;
  const given = a.hand(nodes, edges, most);
  expect(given.nodes).toBe(nodes);
  expect(given.edges).toBe(edges);
  expect(a.slicing).toBe(false);
  // One node more off screen than a slice holds: slices again.
  const b = new SliceAdoption<N, E>();
  const fewer = (n: N) => n.y < (nodes.length - sliceNodes - 1) * 100;
  expect(b.hand(nodes, edges, fewer).nodes.length).toBe(nodes.length - sliceNodes - 1);
  expect(b.slicing).toBe(true);
});

test('paced: a window of a big graph mounts what is on screen a few at a time, with its wires, then the rest', () => {
  // 300 nodes, 100 of them on screen: too few to slice unpaced, too many to mount in one task.
  const { nodes, edges } = chain(300);
  const onHundred = (n: N) => n.y < 100 * 100;
  expect(new SliceAdoption<N, E>().hand(nodes, edges, onHundred).nodes).toBe(nodes);
  const a = new SliceAdoption<N, E>();
  const counts: number[] = [];
  let now = a.hand(nodes, edges, onHundred, true);
  for (;;) {
    counts.push(now.nodes.length);
    // The wires among every node handed so far come with them.
    const ids = new Set(now.nodes.map((n) => n.id));
    expect(now.edges).toEqual(edges.filter((e) => ids.has(e.source) && ids.has(e.target)));
    expect(now.nodes).toEqual(nodes.filter((n) => ids.has(n.id)));
    if (!a.slicing) break;
    a.grow(nodes);
    now = a.hand(nodes, edges, onHundred, true);
  }
  // 40, 80, 100 on screen (the first ones first), then the 200 off screen in one slice.
  expect(counts).toEqual([mountSlice, 2 * mountSlice, 100, 300]);
  expect(now.nodes).toBe(nodes);
  expect(now.edges).toBe(edges);
  // Few on screen: all at once, paced or not.
  const b = new SliceAdoption<N, E>();
  expect(b.hand(nodes, edges, onScreen, true).nodes).toBe(nodes);
  expect(b.slicing).toBe(false);
});

test('paced: when the window moves, the nodes React Flow holds stay and only the new ones on screen are paced', () => {
  const { nodes, edges } = chain(400);
  const a = new SliceAdoption<N, E>();
  const first = nodes.slice(0, 300);
  const upTo = (y: number) => (n: N) => n.y < y;
  a.hand(first, edges, upTo(0), true);
  expect(a.slicing).toBe(false);
  // The window moves down: nodes 100..399, on screen 250..349 (50 held already, 50 new).
  const moved = nodes.slice(100);
  const onScreenNow = (n: N) => n.y >= 250 * 100 && n.y < 350 * 100;
  const now = a.hand(moved, edges, onScreenNow, true);
  expect(a.slicing).toBe(true);
  // Every node still in the window that React Flow held stays; 40 of the 50 new ones on screen
  // come; the 100 that left are there hidden until the next task.
  expect(now.nodes.filter((n) => !('hidden' in n)).map((n) => n.id)).toEqual([
    ...nodes.slice(100, 300).map((n) => n.id),
    ...nodes.slice(300, 300 + mountSlice).map((n) => n.id),
  ]);
  expect(now.nodes.filter((n) => 'hidden' in n).map((n) => n.id)).toEqual(
    nodes.slice(0, 100).map((n) => n.id),
  );
  while (a.slicing) a.grow(moved);
  expect(a.hand(moved, edges, onScreenNow, true).nodes).toBe(moved);
});

test('many nodes leaving at once are handed hidden for a task first; a few leave at once', () => {
  const { nodes, edges } = chain(300);
  const a = new SliceAdoption<N, E>();
  expect(a.hand(nodes, edges, onScreen, true).nodes).toBe(nodes);
  // The overview: React Flow gets nothing, but first every node it held, hidden, and no wires.
  const none: N[] = [];
  const noEdges: E[] = [];
  const leaving = a.hand(none, noEdges, onScreen, true);
  expect(leaving.nodes.map((n) => n.id)).toEqual(nodes.map((n) => n.id));
  expect(leaving.nodes.every((n) => n.hidden === true)).toBe(true);
  expect(leaving.edges).toEqual([]);
  // The given objects are not touched; the same hidden list on a render before the next task.
  expect(nodes.some((n) => n.hidden)).toBe(false);
  expect(a.slicing).toBe(true);
  expect(a.hand(none, noEdges, onScreen, true).nodes).toBe(leaving.nodes);
  a.grow(none);
  expect(a.slicing).toBe(false);
  expect(a.hand(none, noEdges, onScreen, true).nodes).toBe(none);
  // Back to the nodes while they are leaving: those handed are not hidden, the rest stay hidden.
  const b = new SliceAdoption<N, E>();
  b.hand(nodes, edges, onScreen);
  b.hand(nodes.slice(0, 100), edges, onScreen);
  const back = b.hand(nodes.slice(0, 150), edges, onScreen);
  expect(back.nodes.filter((n) => !n.hidden).map((n) => n.id)).toEqual(nodes.slice(0, 150).map((n) => n.id));
  expect(back.nodes.filter((n) => n.hidden).map((n) => n.id)).toEqual(nodes.slice(150).map((n) => n.id));
  // Fewer than hideFirst leaving (a delete of a few layers): they leave at once.
  const c = new SliceAdoption<N, E>();
  c.hand(nodes, edges, onScreen);
  const fewer = nodes.slice(hideFirst - 1);
  expect(c.hand(fewer, edges, onScreen).nodes).toBe(fewer);
  expect(c.slicing).toBe(false);
});

// What React Flow holds of a big graph (renderer/lib/view-window.ts): the nodes near the view,
// the selection, both ends of a wire that crosses the window, and the wires among them; the
// window stays while the view is inside it.
import { expect, test } from 'vitest';
import { covers, HeldNodes, viewBox, windowAround } from '../../renderer/lib/view-window.ts';

interface N {
  id: string;
  position: { x: number; y: number };
}
interface E {
  id: string;
  source: string;
  target: string;
}

const size = { width: 200, height: 80 };

/** A grid of `cols` × `rows` nodes in cells of 300 × 100, wired along each row. */
function grid(cols: number, rows: number): { nodes: N[]; edges: E[] } {
  const nodes: N[] = [];
  const edges: E[] = [];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      nodes.push({ id: `${c},${r}`, position: { x: c * 300, y: r * 100 } });
      if (c > 0) edges.push({ id: `${c - 1},${r}>${c},${r}`, source: `${c - 1},${r}`, target: `${c},${r}` });
    }
  return { nodes, edges };
}

test('the view in flow coordinates, and a window half a view larger on each side that covers it', () => {
  // Panned by (-300, -100) at zoom 0.5 over a 600 × 400 pane: flow x 600..1800, y 200..1000.
  const v = viewBox([-300, -100, 0.5], 600, 400);
  expect(v).toEqual({ x0: 600, y0: 200, x1: 1800, y1: 1000 });
  const w = windowAround(v);
  expect(w).toEqual({ x0: 0, y0: -200, x1: 2400, y1: 1400 });
  expect(covers(w, v)).toBe(true);
  // A small pan stays inside; a pan of more than half a view leaves it.
  expect(covers(w, viewBox([-600, -100, 0.5], 600, 400))).toBe(true);
  expect(covers(w, viewBox([-700, -100, 0.5], 600, 400))).toBe(false);
  // Zooming in stays inside, zooming out past twice the size leaves it.
  expect(covers(w, viewBox([-300, -100, 1], 600, 400))).toBe(true);
  expect(covers(w, viewBox([-300, -100, 0.2], 600, 400))).toBe(false);
});

test('held: the nodes that meet the window, the selection, the ends of a wire across it, in order', () => {
  const { nodes, edges } = grid(20, 20);
  // A long wire from far left to far right of row 5, across the window's column range.
  edges.push({ id: 'long', source: '0,5', target: '19,5' });
  const w = { x0: 1000, y0: 0, x1: 2000, y1: 1000 };
  const held = new HeldNodes<N, E>().of(nodes, edges, w, () => size, new Set(['19,19']));
  const ids = new Set(held.nodes.map((n) => n.id));
  // Columns whose 200-wide box meets x 1000..2000: 3 (900..1100) to 6 (1800..2000); rows 0..10.
  for (const n of nodes) {
    const [c, r] = n.id.split(',').map(Number) as [number, number];
    const inside = c >= 3 && c <= 6 && r <= 10;
    // Row-wires crossing into the window bring their other end (columns 2 and 7).
    const wireEnd = (c === 2 || c === 7) && r <= 10;
    const expected = inside || wireEnd || n.id === '19,19' || n.id === '0,5' || n.id === '19,5';
    expect(ids.has(n.id), n.id).toBe(expected);
  }
  // In the graph's order, and only wires between held nodes.
  expect(held.nodes).toEqual(nodes.filter((n) => ids.has(n.id)));
  expect(held.edges.map((e) => e.id)).toContain('long');
  for (const e of held.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
  expect(held.edges).toEqual(edges.filter((e) => ids.has(e.source) && ids.has(e.target)));
  // Far fewer than the graph.
  expect(held.nodes.length).toBeLessThan(nodes.length / 4);
});

test('kept between calls: a selection reuses what the window holds, a move looks again', () => {
  const { nodes, edges } = grid(20, 20);
  const w = { x0: 1000, y0: 0, x1: 2000, y1: 1000 };
  const kept = new HeldNodes<N, E>();
  const first = kept.of(nodes, edges, w, () => size, new Set());
  expect(first).toEqual(new HeldNodes<N, E>().of(nodes, edges, w, () => size, new Set()));
  // A selection remakes a node object at the same position, and keeps a far node.
  const selected = nodes.map((n) => (n.id === '4,4' ? { ...n } : n));
  const far = kept.of(selected, edges, w, () => size, new Set(['19,19']));
  expect(far).toEqual(new HeldNodes<N, E>().of(selected, edges, w, () => size, new Set(['19,19'])));
  expect(far.nodes.map((n) => n.id)).toContain('19,19');
  // A far node moved into the window is held: its new position is looked at.
  const moved = selected.map((n) => (n.id === '15,15' ? { ...n, position: { x: 1500, y: 500 } } : n));
  const now = kept.of(moved, edges, w, () => size, new Set());
  expect(now.nodes.map((n) => n.id)).toContain('15,15');
  expect(now).toEqual(new HeldNodes<N, E>().of(moved, edges, w, () => size, new Set()));
});

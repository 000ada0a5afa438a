// What React Flow holds of a big graph: only the nodes near the view. React Flow takes in every
// node it is handed (an internal node each, every wire indexed) whenever its arrays change, even
// with onlyRenderVisibleElements, which only spares the DOM. With 5,000 layers on screen in the
// overview, zooming in past the level of detail handed it all 5,000 at once (then again in
// slices): a task of 0.4–0.8 s and seconds of slices after it, though at that zoom a few hundred
// are on screen. So above `windowedNodes` it holds a window around the view (the view and half
// of it again on each side), plus what is selected and both ends of every wire that crosses the
// window; the window moves only when the view leaves it, so small pans and zooms cost nothing
// and a far pan costs a few hundred nodes. Plain data, tested without a page (test/renderer).

/** A rectangle in flow coordinates. */
export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** More nodes than this and React Flow holds only those near the view. */
export const windowedNodes = 1000;

/** What the view shows, in flow coordinates: React Flow's transform over a pane of width × height. */
export function viewBox(transform: readonly [number, number, number], width: number, height: number): Box {
  const [tx, ty, zoom] = transform;
  return { x0: -tx / zoom, y0: -ty / zoom, x1: (width - tx) / zoom, y1: (height - ty) / zoom };
}

/** Whether `outer` holds all of `inner`. */
export function covers(outer: Box, inner: Box): boolean {
  return outer.x0 <= inner.x0 && outer.y0 <= inner.y0 && outer.x1 >= inner.x1 && outer.y1 >= inner.y1;
}

/** The window held around a view: half the view's width and height more on each side. */
export function windowAround(view: Box): Box {
  const mx = (view.x1 - view.x0) / 2;
  const my = (view.y1 - view.y0) / 2;
  return { x0: view.x0 - mx, y0: view.y0 - my, x1: view.x1 + mx, y1: view.y1 + my };
}

export function sameBox(a: Box | undefined, b: Box | undefined): boolean {
  return a === b || (!!a && !!b && a.x0 === b.x0 && a.y0 === b.y0 && a.x1 === b.x1 && a.y1 === b.y1);
}

interface Placed {
  readonly id: string;
  readonly position: { readonly x: number; readonly y: number };
}
interface Wire {
  readonly source: string;
  readonly target: string;
}

/**
 * The nodes and wires of a graph that React Flow holds for the window `w`, in the graph's order:
 * the nodes whose box meets it, those in `keep` (the selection: React Flow deselects and drags only
 * what it holds), both ends of every wire whose extent meets it (a long wire across the view is
 * drawn though its ends are far), and the wires between held nodes. Kept between calls: while the
 * window and the wires stay and every node is where it was (the same node, or one remade with the
 * same position, as a selection change does), the nodes the window holds are those it held, and
 * only the selection is looked at again. A click on a layer of a 5,000-layer graph looked at every
 * wire's extent again (~20 ms on a busy machine).
 */
export class HeldNodes<N extends Placed, E extends Wire> {
  private last: { nodes: readonly N[]; edges: readonly E[]; w: Box; placed: ReadonlySet<string> } | undefined;

  of(
    nodes: readonly N[],
    edges: readonly E[],
    w: Box,
    sizeOf: (n: N) => { width: number; height: number },
    keep: ReadonlySet<string>,
  ): { nodes: N[]; edges: E[] } {
    const last = this.last;
    const placed =
      last && last.edges === edges && sameBox(last.w, w) && samePlaces(last.nodes, nodes)
        ? last.placed
        : placedIn(nodes, edges, w, sizeOf);
    this.last = { nodes, edges, w, placed };
    const held = (id: string) => placed.has(id) || keep.has(id);
    return {
      nodes: nodes.filter((n) => held(n.id)),
      edges: edges.filter((e) => held(e.source) && held(e.target)),
    };
  }
}

/** Whether `b` holds the same nodes in the same order at the same positions as `a`. */
function samePlaces(a: readonly Placed[], b: readonly Placed[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && (x.id !== y.id || x.position !== y.position)) return false;
  }
  return true;
}

/** The ids of the nodes that meet `w` and of both ends of every wire whose extent meets it. */
function placedIn<N extends Placed, E extends Wire>(
  nodes: readonly N[],
  edges: readonly E[],
  w: Box,
  sizeOf: (n: N) => { width: number; height: number },
): Set<string> {
  const held = new Set<string>();
  const byId = new Map<string, N>();
  for (const n of nodes) {
    byId.set(n.id, n);
    const { x, y } = n.position;
    if (x <= w.x1 && y <= w.y1) {
      const s = sizeOf(n);
      if (x + s.width >= w.x0 && y + s.height >= w.y0) held.add(n.id);
    }
  }
  for (const e of edges) {
    if (held.has(e.source) && held.has(e.target)) continue;
    const a = byId.get(e.source);
    const b = byId.get(e.target);
    if (!a || !b) continue;
    const sa = sizeOf(a);
    const sb = sizeOf(b);
    const x0 = Math.min(a.position.x, b.position.x);
    const y0 = Math.min(a.position.y, b.position.y);
    const x1 = Math.max(a.position.x + sa.width, b.position.x + sb.width);
    const y1 = Math.max(a.position.y + sa.height, b.position.y + sb.height);
    if (x0 <= w.x1 && y0 <= w.y1 && x1 >= w.x0 && y1 >= w.y0) {
      held.add(a.id);
      held.add(b.id);
    }
  }
  return held;
}

// React Flow takes in its nodes and wires in one piece whenever the arrays change: every new node
// is made an internal node and every wire is indexed, in one task. A 5,000-layer graph arriving
// at once (opened, or the canvas leaving its overview) made that a task of 0.3–2.7 s. Instead,
// many nodes arriving at once are handed over in slices, one task each: the nodes on screen first,
// then the rest in document order; the wires on screen come with the first slice, the others with
// the last. Once all are in, the arrays pass through unchanged, so an edit costs React Flow what
// it did before.
import { useEffect, useReducer, useRef, useState } from 'react';

/** Nodes handed over per task while a big graph is coming in. */
export const sliceNodes = 800;
/** More new nodes than this at once are handed over in slices. */
export const manyNodes = 1200;

interface Wire {
  readonly source: string;
  readonly target: string;
}

/**
 * What React Flow has been handed, kept between renders: `hand` says what to give it now, `grow`
 * adds the next slice. Plain data, so its rules are tested without a page (test/renderer).
 */
export class SliceAdoption<N extends { id: string }, E extends Wire> {
  /** How many nodes React Flow was last given. */
  private handed = 0;
  /** The nodes handed over so far, while slices are still coming; undefined when all are. */
  private adopted: Set<string> | undefined;
  /** The first slice's nodes. */
  private first: ReadonlySet<string> = new Set();
  /** The wires among the first slice's nodes, made from the wires `of`. */
  private firstEdges: { of: readonly E[]; list: readonly E[] } = { of: [], list: [] };

  /** Whether slices are still to come. */
  get slicing(): boolean {
    return this.adopted !== undefined;
  }

  /**
   * The nodes and wires to give React Flow now: all of them, or while a big graph comes in, the
   * nodes handed over so far and the wires among the first slice's nodes (React Flow indexes
   * every wire again whenever the wires change, ~65 ms at 5,000 on a quiet machine, so the
   * wires off screen come once, with the last slice).
   */
  hand(
    nodes: readonly N[],
    edges: readonly E[],
    onScreen: (n: N) => boolean,
  ): { nodes: readonly N[]; edges: readonly E[] } {
    if (!this.adopted && nodes.length - this.handed > manyNodes) {
      const first = new Set<string>();
      for (const n of nodes) if (onScreen(n)) first.add(n.id);
      // When the first slice is nearly all of it, React Flow would take in nearly every node
      // twice (the first slice filtered, then the whole array): all at once is one adoption.
      if (nodes.length - first.size > sliceNodes) {
        this.adopted = first;
        this.first = new Set(first);
      }
    }
    const adopted = this.adopted;
    if (!adopted) {
      this.handed = nodes.length;
      return { nodes, edges };
    }
    // The wires as the document has them now (an edit meanwhile), the same array while they are.
    if (this.firstEdges.of !== edges) {
      const first = this.first;
      this.firstEdges = { of: edges, list: edges.filter((e) => first.has(e.source) && first.has(e.target)) };
    }
    const handed = nodes.filter((n) => adopted.has(n.id));
    this.handed = handed.length;
    return { nodes: handed, edges: this.firstEdges.list };
  }

  /** Adds the next slice of `nodes` (in their order); after the last, `hand` passes all through. */
  grow(nodes: readonly N[]): void {
    const adopted = this.adopted;
    if (!adopted) return;
    let added = 0;
    for (const n of nodes) {
      if (added >= sliceNodes) break;
      if (adopted.has(n.id)) continue;
      adopted.add(n.id);
      added++;
    }
    if (added < sliceNodes) {
      this.adopted = undefined;
      this.handed = nodes.length;
    }
  }
}

/**
 * The nodes and wires to give React Flow now (SliceAdoption.hand; `onScreen` picks the first
 * slice). Later slices follow in tasks of their own, each re-rendering the caller.
 */
export function useAdoptedInSlices<N extends { id: string }, E extends Wire>(
  nodes: readonly N[],
  edges: readonly E[],
  onScreen: (n: N) => boolean,
): { nodes: readonly N[]; edges: readonly E[] } {
  const [, rerender] = useReducer((x: number) => x + 1, 0);
  const [slices] = useState(() => new SliceAdoption<N, E>());
  const latest = useRef(nodes);
  latest.current = nodes;
  const given = slices.hand(nodes, edges, onScreen);
  const slicing = slices.slicing;
  useEffect(() => {
    if (!slicing) return;
    let live = true;
    const next = () => {
      if (!live) return;
      slices.grow(latest.current);
      rerender();
    };
    // A new task (a message, not a timer: timers are clamped once nested); the page paints between.
    if (typeof MessageChannel === 'undefined') setTimeout(next, 0);
    else {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        next();
      };
      ch.port2.postMessage(0);
    }
    return () => {
      live = false;
    };
  });
  return given;
}

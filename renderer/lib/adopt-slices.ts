// React Flow takes in its nodes and wires in one piece whenever the arrays change: every new node
// is made an internal node and every wire is indexed, in one task. A 5,000-layer graph arriving
// at once (opened, or the canvas leaving its overview) made that a task of 0.3–2.7 s. Instead,
// many nodes arriving at once are handed over in slices, one task each: the nodes on screen first,
// then the rest in document order; the wires on screen come with the first slice, the others with
// the last. Once all are in, the arrays pass through unchanged, so an edit costs React Flow what
// it did before.
import { useEffect, useReducer, useRef } from 'react';

/** Nodes handed over per task while a big graph is coming in. */
export const sliceNodes = 800;
/** More new nodes than this at once are handed over in slices. */
export const manyNodes = 1200;

interface Sliced {
  /** How many nodes React Flow was last given. */
  handed: number;
  /** The nodes handed over so far, while slices are still coming; undefined when all are. */
  adopted: Set<string> | undefined;
  /** The wires among the first slice's nodes (see handedPart). */
  firstEdges: readonly { source: string; target: string }[];
}

/**
 * The nodes handed over so far, and the wires among the first slice's nodes: React Flow indexes
 * every wire again whenever the wires change (~65 ms at 5,000 on a quiet machine), so the wires
 * off screen come once, with the last slice.
 */
function handedPart<N extends { id: string }, E extends { source: string; target: string }>(
  adopted: ReadonlySet<string>,
  first: readonly E[],
  nodes: readonly N[],
): { nodes: readonly N[]; edges: readonly E[] } {
  return { nodes: nodes.filter((n) => adopted.has(n.id)), edges: first };
}

/**
 * The nodes and wires to give React Flow now: all of them, or, while a big graph is coming in,
 * the part handed over so far (`onScreen` picks the first slice). Later slices follow in tasks of
 * their own, each re-rendering the caller.
 */
export function useAdoptedInSlices<N extends { id: string }, E extends { source: string; target: string }>(
  nodes: readonly N[],
  edges: readonly E[],
  onScreen: (n: N) => boolean,
): { nodes: readonly N[]; edges: readonly E[] } {
  const [, grow] = useReducer((x: number) => x + 1, 0);
  const state = useRef<Sliced>({ handed: 0, adopted: undefined, firstEdges: [] });
  const latest = useRef(nodes);
  latest.current = nodes;
  const s = state.current;
  if (!s.adopted && nodes.length - s.handed > manyNodes) {
    const first = new Set<string>();
    for (const n of nodes) if (onScreen(n)) first.add(n.id);
    s.adopted = first;
    s.firstEdges = edges.filter((e) => first.has(e.source) && first.has(e.target));
  }
  const adopted = s.adopted;
  useEffect(() => {
    if (!adopted) return;
    let live = true;
    const next = () => {
      if (!live || state.current.adopted !== adopted) return;
      let added = 0;
      for (const n of latest.current) {
        if (added >= sliceNodes) break;
        if (adopted.has(n.id)) continue;
        adopted.add(n.id);
        added++;
      }
      if (added < sliceNodes) state.current.adopted = undefined;
      grow();
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
  if (!adopted) {
    s.handed = nodes.length;
    return { nodes, edges };
  }
  const part = handedPart(adopted, s.firstEdges as readonly E[], nodes);
  s.handed = part.nodes.length;
  return part;
}

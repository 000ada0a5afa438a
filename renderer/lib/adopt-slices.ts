// React Flow takes in its nodes and wires in one piece whenever the arrays change: every new node
// is made an internal node and every wire is indexed, in one task. A 5,000-layer graph arriving
// at once (opened, or the canvas leaving its overview) made that a task of 0.3–2.7 s. Instead,
// many nodes arriving at once are handed over in slices, one task each: the nodes on screen first,
// then the rest in document order; the wires on screen come with the first slice, the others with
// the last. Once all are in, the arrays pass through unchanged, so an edit costs React Flow what
// it did before. For a big graph's window (lib/view-window.ts: a few hundred nodes, 160 of them on
// screen as the canvas leaves its overview) the mounting is paced: `mountSlice` nodes on screen
// per task, with their wires, then the rest, so no task mounts them all.
import { useEffect, useReducer, useRef, useState } from 'react';
import { inNextTask } from './next-task.ts';

/** Nodes handed over per task while a big graph is coming in. */
export const sliceNodes = 800;
/** More new nodes than this at once are handed over in slices. */
export const manyNodes = 1200;
/**
 * Nodes on screen handed over per task when mounting is paced (a big graph's window, as the canvas
 * leaves its overview): each one React Flow mounts is a few elements styled, laid out and measured
 * (its ports' bounds), ~1 ms on a quiet machine and 3 ms on a busy one with its wires; 160 on
 * screen at once made the crossing one task of 0.5 s.
 */
export const mountSlice = 40;

/**
 * From this many nodes leaving React Flow at once (the canvas entering its overview, a window
 * moving far), they are first handed to it hidden, for one task, and only then left out. A node
 * React Flow has mounted and is no longer given makes its node component's store selector throw
 * (it reads the missing node's internals; React catches it and re-renders): 0.3–0.7 ms each, a
 * tenth of a second and more as the canvas left a window of hundreds of nodes. A hidden node is
 * still there to read, and React Flow unmounts it without rendering.
 */
export const hideFirst = 20;

interface Wire {
  readonly source: string;
  readonly target: string;
}

/**
 * What React Flow has been handed, kept between renders: `hand` says what to give it now, `grow`
 * adds the next slice. Plain data, so its rules are tested without a page (test/renderer).
 */
export class SliceAdoption<N extends { id: string; hidden?: boolean }, E extends Wire> {
  /** How many nodes React Flow was last given. */
  private handed = 0;
  /** The nodes handed over so far, while slices are still coming; undefined when all are. */
  private adopted: Set<string> | undefined;
  /** The first slice's nodes. */
  private first: ReadonlySet<string> = new Set();
  /** The wires among the first slice's nodes, made from the wires `of`. */
  private firstEdges: { of: readonly E[]; list: readonly E[] } = { of: [], list: [] };
  /** While mounting is paced: the nodes on screen still to come, in order (then the rest). */
  private screen: string[] = [];
  /** The nodes last given (`of`) and what of them React Flow was handed. */
  private last: { of: readonly N[]; handed: readonly N[] } = { of: [], handed: [] };
  /** Whether mounting is paced: the wires among all nodes handed so far come with them. */
  private paced = false;
  /** The wires among the handed nodes while paced, made from the wires `of` at `size` nodes. */
  private pacedEdges: { of: readonly E[]; size: number; list: readonly E[] } = { of: [], size: 0, list: [] };

  /** The nodes that left React Flow, handed hidden until the next task; with what was handed beside them. */
  private hiding: { hidden: readonly N[]; beside: readonly N[]; list: readonly N[] } | undefined;

  /** Whether slices (or the leaving of hidden nodes) are still to come. */
  get slicing(): boolean {
    return this.adopted !== undefined || this.hiding !== undefined;
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
    pace = false,
  ): { nodes: readonly N[]; edges: readonly E[] } {
    const was = this.last;
    const given = this.handOut(nodes, edges, onScreen, pace);
    // Many nodes left: handed hidden until the next task (see hideFirst).
    if (nodes !== was.of && was.handed.length >= hideFirst && (pace || nodes.length < was.handed.length)) {
      const kept = new Set(given.nodes.map((n) => n.id));
      const gone = was.handed.filter((n) => !kept.has(n.id));
      if (gone.length >= hideFirst) {
        const hidden = gone.map(hide);
        this.hiding = { hidden, beside: given.nodes, list: [...given.nodes, ...hidden] };
      }
    }
    let hiding = this.hiding;
    if (!hiding) return given;
    if (hiding.beside !== given.nodes) {
      // Handed anew meanwhile (an edit, a slice): the hidden ones stay beside, those back are not hidden.
      const back = new Set(given.nodes.map((n) => n.id));
      const hidden = hiding.hidden.filter((n) => !back.has(n.id));
      this.hiding = hiding = { hidden, beside: given.nodes, list: [...given.nodes, ...hidden] };
    }
    return { nodes: hiding.list, edges: given.edges };
  }

  private handOut(
    nodes: readonly N[],
    edges: readonly E[],
    onScreen: (n: N) => boolean,
    pace: boolean,
  ): { nodes: readonly N[]; edges: readonly E[] } {
    if (!this.adopted && pace && nodes !== this.last.of) {
      // The window moved or grew: the nodes React Flow holds stay, the new ones on screen are paced.
      const held = new Set(this.last.handed.map((n) => n.id));
      const seen: string[] = [];
      for (const n of nodes) if (!held.has(n.id) && onScreen(n)) seen.push(n.id);
      if (seen.length > mountSlice) {
        this.paced = true;
        this.screen = seen.slice(mountSlice);
        this.adopted = held;
        for (const id of seen.slice(0, mountSlice)) held.add(id);
      }
    } else if (!this.adopted && !pace && nodes.length - this.handed > manyNodes) {
      const seen: string[] = [];
      for (const n of nodes) if (onScreen(n)) seen.push(n.id);
      // When the first slice is nearly all of it, React Flow would take in nearly every node
      // twice (the first slice filtered, then the whole array): all at once is one adoption.
      if (nodes.length - seen.length > sliceNodes) {
        this.adopted = new Set(seen);
        this.first = new Set(seen);
      }
    }
    const adopted = this.adopted;
    if (!adopted) {
      this.handed = nodes.length;
      this.last = { of: nodes, handed: nodes };
      return { nodes, edges };
    }
    const handed = nodes.filter((n) => adopted.has(n.id));
    this.handed = handed.length;
    this.last = { of: nodes, handed };
    if (this.paced) {
      // A window's few hundred wires are indexed again in a few ms: each comes with its nodes.
      const made = this.pacedEdges;
      if (made.of !== edges || made.size !== adopted.size)
        this.pacedEdges = {
          of: edges,
          size: adopted.size,
          list: edges.filter((e) => adopted.has(e.source) && adopted.has(e.target)),
        };
      return { nodes: handed, edges: this.pacedEdges.list };
    }
    // The wires as the document has them now (an edit meanwhile), the same array while they are.
    if (this.firstEdges.of !== edges) {
      const first = this.first;
      this.firstEdges = { of: edges, list: edges.filter((e) => first.has(e.source) && first.has(e.target)) };
    }
    return { nodes: handed, edges: this.firstEdges.list };
  }

  /**
   * Adds the next slice: while paced, the next nodes on screen; then the rest of `nodes` (in their
   * order). After the last, `hand` passes all through.
   */
  grow(nodes: readonly N[]): void {
    if (this.hiding) {
      // The hidden nodes are unmounted by now: they leave (the next slice comes in the task after).
      this.hiding = undefined;
      return;
    }
    const adopted = this.adopted;
    if (!adopted) return;
    if (this.screen.length) {
      for (const id of this.screen.splice(0, mountSlice)) adopted.add(id);
      return;
    }
    let added = 0;
    for (const n of nodes) {
      if (added >= sliceNodes) break;
      if (adopted.has(n.id)) continue;
      adopted.add(n.id);
      added++;
    }
    if (added < sliceNodes) {
      this.adopted = undefined;
      this.paced = false;
      this.handed = nodes.length;
    }
  }
}

/** A node as React Flow is to hold it while it leaves: hidden (see hideFirst). */
function hide<N extends { hidden?: boolean }>(n: N): N {
  return n.hidden ? n : { ...n, hidden: true };
}

/**
 * The nodes and wires to give React Flow now (SliceAdoption.hand; `onScreen` picks the first
 * slice; `pace` paces the mounting of those on screen). Later slices follow in tasks of their
 * own, each re-rendering the caller.
 */
export function useAdoptedInSlices<N extends { id: string; hidden?: boolean }, E extends Wire>(
  nodes: readonly N[],
  edges: readonly E[],
  onScreen: (n: N) => boolean,
  pace = false,
): { nodes: readonly N[]; edges: readonly E[] } {
  const [, rerender] = useReducer((x: number) => x + 1, 0);
  const [slices] = useState(() => new SliceAdoption<N, E>());
  const latest = useRef(nodes);
  latest.current = nodes;
  const given = slices.hand(nodes, edges, onScreen, pace);
  const slicing = slices.slicing;
  useEffect(() => {
    if (!slicing) return;
    let live = true;
    const next = () => {
      if (!live) return;
      slices.grow(latest.current);
      rerender();
    };
    inNextTask(next);
    return () => {
      live = false;
    };
  });
  return given;
}

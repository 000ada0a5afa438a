// How React Flow lets go of its nodes as the canvas zooms out into its overview. Handing it no
// nodes at once unmounted every node it had drawn in one task: each one's store selector runs
// first and throws on the node it no longer finds (React catches that and unmounts it), then its
// elements go; at 5,000 layers on screen a window of a thousand mounted nodes made that one task
// of 0.25–0.7 s. Instead the overview canvas shows at once, the nodes React Flow still holds are
// hidden (styles.css, `[data-lod='overview']`), those it never drew go at once (they cost nothing),
// and the drawn ones go `releaseSlice` per task with their wires. Plain data, tested without a page.
import { useEffect, useReducer, useRef, useState } from 'react';

/** Drawn nodes React Flow lets go of per task (each a throw, an unmount and a few elements removed). */
export const releaseSlice = 100;

interface Wire {
  readonly source: string;
  readonly target: string;
}

/** What React Flow still holds while the canvas lets go of it, kept between renders. */
export class SliceRelease<N extends { id: string }, E extends Wire> {
  private nodes: readonly N[] = [];
  private edges: readonly E[] = [];

  /** Whether nodes are still to be let go of. */
  get releasing(): boolean {
    return this.nodes.length > 0;
  }

  /**
   * Starts letting go of what React Flow holds: the nodes it has drawn (`drawn`) stay for now, the
   * others and every wire not between two drawn nodes go at once.
   */
  start(nodes: readonly N[], edges: readonly E[], drawn: ReadonlySet<string>): void {
    this.nodes = nodes.filter((n) => drawn.has(n.id));
    this.edges = keptWires(this.nodes, edges);
  }

  /** What React Flow holds now. */
  held(): { nodes: readonly N[]; edges: readonly E[] } {
    return { nodes: this.nodes, edges: this.edges };
  }

  /** Lets go of the next slice of nodes and the wires that touched them. */
  shrink(): void {
    this.nodes = this.nodes.slice(0, Math.max(0, this.nodes.length - releaseSlice));
    this.edges = keptWires(this.nodes, this.edges);
  }

  /** Lets go of the rest now (the view left the overview: React Flow is handed the window again). */
  stop(): void {
    this.nodes = [];
    this.edges = [];
  }
}

function keptWires<E extends Wire>(nodes: readonly { id: string }[], edges: readonly E[]): E[] {
  const ids = new Set(nodes.map((n) => n.id));
  return edges.filter((e) => ids.has(e.source) && ids.has(e.target));
}

/**
 * While `overview`: what React Flow holds as it lets go of `handed` (what it was last given), one
 * slice a task, then nothing. `drawn` reads which nodes React Flow has in the page.
 */
export function useReleasedInSlices<N extends { id: string }, E extends Wire>(
  overview: boolean,
  handed: { nodes: readonly N[]; edges: readonly E[] },
  drawn: () => ReadonlySet<string>,
): { nodes: readonly N[]; edges: readonly E[] } {
  const [, rerender] = useReducer((x: number) => x + 1, 0);
  const [release] = useState(() => new SliceRelease<N, E>());
  const was = useRef(overview);
  if (overview && !was.current) release.start(handed.nodes, handed.edges, drawn());
  else if (!overview && was.current) release.stop();
  was.current = overview;
  const releasing = release.releasing;
  const held = release.held();
  useEffect(() => {
    if (!releasing) return;
    let live = true;
    // A new task (a message, not a timer: timers are clamped once nested); the page paints between.
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      if (!live) return;
      release.shrink();
      rerender();
    };
    ch.port2.postMessage(0);
    return () => {
      live = false;
      ch.port1.close();
    };
  });
  return held;
}

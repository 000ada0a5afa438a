// Values kept beside React Flow's nodes and wires rather than in them, each with its own listeners:
// the shapes the wires carry (their labels) and what each layer's face reads (its shapes, counts,
// problems, name). An edit changes these for a few nodes and wires; had they been in the objects
// React Flow is given, the new objects would make new nodes and wires arrays, and React Flow
// re-adopts every node and re-indexes every connection for each new array (tens to a hundred
// milliseconds at 5,000). Here React Flow's objects stay as they are, and only the nodes and
// labels whose values changed re-render.

/** Values by id, with a listener per id; `same` says when a value set is no change. */
export class LiveValues<T> {
  private readonly values = new Map<string, T>();
  private readonly listeners = new Map<string, Set<() => void>>();
  /** Ids whose value changed since the listeners were last told. */
  private readonly changed = new Set<string>();

  constructor(private readonly same: (a: T, b: T) => boolean = Object.is) {}

  get(id: string): T | undefined {
    return this.values.get(id);
  }

  /** Sets a value; its listener hears of it at the next `notify()`. */
  set(id: string, value: T): void {
    const old = this.values.get(id);
    if (old !== undefined && this.same(old, value)) return;
    this.values.set(id, value);
    this.changed.add(id);
  }

  /** Keeps only the values of `ids` (what is on the canvas now). */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of this.values.keys())
      if (!ids.has(id)) {
        this.values.delete(id);
        this.changed.add(id);
      }
  }

  /**
   * Tells the listeners of changed values. Called after the canvas rendered (in a layout effect),
   * not while it renders: a node or label re-rendering is an update of another component.
   */
  notify(): void {
    if (this.changed.size === 0) return;
    const ids = [...this.changed];
    this.changed.clear();
    for (const id of ids) for (const f of this.listeners.get(id) ?? []) f();
  }

  /** Listens to one id's value; returns what stops it. */
  subscribe(id: string, f: () => void): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(f);
    return () => {
      set.delete(f);
      if (set.size === 0) this.listeners.delete(id);
    };
  }
}

/** A wire's label: the shape carried, with a cross when it does not fit. */
export type WireLabel = string;

/** Labels by wire id. */
export class WireLabels extends LiveValues<WireLabel> {}

/**
 * What a layer's face reads that an edit may change: its name, key parameters, output shapes,
 * parameter count and problems. What changes only with its kind or ports (title, colour, ports)
 * is in its React Flow node's data (components/LayerNode.tsx).
 */
export interface LayerFace {
  readonly label: string;
  readonly summary: string;
  readonly shape: string;
  readonly params: string;
  readonly error: string | undefined;
  readonly warning: string | undefined;
  /** Its weights stay as they are while the rest trains (fine-tuning). */
  readonly frozen: boolean;
}

const sameFace = (a: LayerFace, b: LayerFace): boolean =>
  a.label === b.label &&
  a.summary === b.summary &&
  a.shape === b.shape &&
  a.params === b.params &&
  a.error === b.error &&
  a.warning === b.warning &&
  a.frozen === b.frozen;

/** Faces by layer id. */
export class LayerFaces extends LiveValues<LayerFace> {
  constructor() {
    super(sameFace);
  }
}

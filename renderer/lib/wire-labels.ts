// The shapes the wires carry, as their labels read, kept beside React Flow's wires rather than in
// them. An edit changes the shapes on a few wires; had the text been in each wire's data, the new
// wire objects would make a new wires array, and React Flow rebuilds its index of every
// connection for each new array (about a hundred milliseconds at 5,000 wires). Here the wire
// objects stay as they are, and only the labels whose text changed re-render.

/** A wire's label: the shape carried, with a cross when it does not fit. */
export type WireLabel = string;

/** Labels by wire id, with a listener per wire. */
export class WireLabels {
  private readonly text = new Map<string, WireLabel>();
  private readonly listeners = new Map<string, Set<() => void>>();
  /** Wires whose label changed since the listeners were last told. */
  private readonly changed = new Set<string>();

  get(id: string): WireLabel | undefined {
    return this.text.get(id);
  }

  /** Sets a wire's label; its listener hears of it at the next `notify()`. */
  set(id: string, label: WireLabel): void {
    if (this.text.get(id) === label) return;
    this.text.set(id, label);
    this.changed.add(id);
  }

  /** Keeps only the labels of `ids` (the wires on the canvas now). */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of this.text.keys())
      if (!ids.has(id)) {
        this.text.delete(id);
        this.changed.add(id);
      }
  }

  /**
   * Tells the listeners of changed labels. Called after the canvas rendered (in a layout effect),
   * not while it renders: a label re-rendering is an update of another component.
   */
  notify(): void {
    if (this.changed.size === 0) return;
    const ids = [...this.changed];
    this.changed.clear();
    for (const id of ids) for (const f of this.listeners.get(id) ?? []) f();
  }

  /** Listens to one wire's label; returns what stops it. */
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

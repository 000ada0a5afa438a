// Comparing two runs marks, on the canvas, the layers the second run's graph added or changed
// against the first's (an outline and a badge on each, not the selection). The marks belong to
// the document they were made for: the next edit (any other document) clears them, as does Clear.
import { create } from 'zustand';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { useEditor } from '../store/document-store.ts';

export type DiffMark = 'added' | 'changed';

interface DiffHighlightState {
  /** The document the marks were made for; undefined when nothing is marked. */
  readonly doc: NetloomDocument | undefined;
  readonly marks: ReadonlyMap<string, DiffMark>;
  mark(doc: NetloomDocument, added: readonly string[], changed: readonly string[]): void;
  clear(): void;
}

export const useDiffHighlight = create<DiffHighlightState>((set) => ({
  doc: undefined,
  marks: new Map(),
  mark(doc, added, changed) {
    set({
      doc,
      marks: new Map([
        ...changed.map((id) => [id, 'changed'] as const),
        ...added.map((id) => [id, 'added'] as const),
      ]),
    });
  },
  clear() {
    set({ doc: undefined, marks: new Map() });
  },
}));

useEditor.subscribe((s) => {
  const h = useDiffHighlight.getState();
  if (h.doc !== undefined && s.doc !== h.doc) h.clear();
});

/** The mark on one layer (for the canvas's node). */
export function useDiffMark(id: string): DiffMark | undefined {
  return useDiffHighlight((s) => s.marks.get(id));
}

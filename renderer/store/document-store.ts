// The editor's store: the Document (the only truth) with undo/redo snapshots, and UI state.
// Shapes, parameter counts and diagnostics are derived from the Document by the core (store/lowering-store.ts).
import { create } from 'zustand';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { emptyDocument } from '../../src/document/edits.ts';

export type Theme = 'dark' | 'light';

export interface EditorState {
  readonly doc: NetloomDocument;
  readonly past: readonly NetloomDocument[];
  readonly future: readonly NetloomDocument[];
  readonly selection: readonly string[];
  /** Where the document lives: a path (desktop) or a file name (browser); undefined if never saved. */
  readonly filePath: string | undefined;
  readonly dirty: boolean;
  readonly theme: Theme;
  readonly message: { kind: 'error' | 'info'; text: string } | undefined;
  /** Counts documents opened (load): views that belong to one document (the Train tab) start over. */
  readonly opened: number;

  /** Applies an edit as one undoable step. */
  edit(change: (doc: NetloomDocument) => NetloomDocument): void;
  /** Replaces the document without an undo step (e.g. live node dragging after `checkpoint`). */
  replace(doc: NetloomDocument): void;
  /** Records the current document as an undo step before a gesture (a drag) changes it. */
  checkpoint(): void;
  undo(): void;
  redo(): void;
  load(doc: NetloomDocument, filePath: string | undefined, dirty?: boolean): void;
  select(ids: readonly string[]): void;
  markSaved(filePath: string | undefined): void;
  setTheme(theme: Theme): void;
  say(kind: 'error' | 'info', text: string): void;
  dismiss(): void;
}

const historyLimit = 200;

export const useEditor = create<EditorState>((set, get) => ({
  doc: emptyDocument(),
  past: [],
  future: [],
  selection: [],
  filePath: undefined,
  dirty: false,
  theme: 'dark',
  message: undefined,
  opened: 0,

  edit(change) {
    const { doc, past } = get();
    const next = change(doc);
    if (next === doc) return;
    set({ doc: next, past: [...past, doc].slice(-historyLimit), future: [], dirty: true });
  },
  replace(doc) {
    set({ doc, dirty: true });
  },
  checkpoint() {
    const { doc, past } = get();
    if (past[past.length - 1] === doc) return;
    set({ past: [...past, doc].slice(-historyLimit), future: [] });
  },
  undo() {
    const { doc, past, future } = get();
    const prev = past[past.length - 1];
    if (!prev) return;
    set({ doc: prev, past: past.slice(0, -1), future: [doc, ...future], dirty: true });
  },
  redo() {
    const { doc, past, future } = get();
    const next = future[0];
    if (!next) return;
    set({ doc: next, past: [...past, doc], future: future.slice(1), dirty: true });
  },
  load(doc, filePath, dirty = false) {
    set({ doc, filePath, past: [], future: [], selection: [], dirty, opened: get().opened + 1 });
  },
  select(ids) {
    const cur = get().selection;
    if (cur.length === ids.length && cur.every((c, i) => c === ids[i])) return;
    set({ selection: [...ids] });
  },
  markSaved(filePath) {
    set({ filePath, dirty: false });
  },
  setTheme(theme) {
    set({ theme });
  },
  say(kind, text) {
    set({ message: { kind, text } });
  },
  dismiss() {
    set({ message: undefined });
  },
}));

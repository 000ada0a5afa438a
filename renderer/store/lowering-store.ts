// What the editor shows of the document's lowering (shapes, parameter counts, problems, totals),
// kept by the core's incremental lowering (src/compile/incremental.ts) as the document changes:
// an edit lowers the nodes it can change, in the same task as the edit, so its frame shows the
// result. Work that does not fit a slice (opening a 5,000-layer project, an Input's shape that
// every layer depends on) goes on in later tasks, a slice at a time, so input is never blocked for
// long; meanwhile `pending` says how many nodes are still to come.
import { create } from 'zustand';
import { IncrementalLowering } from '../../src/compile/incremental.ts';
import type { EditorLowering } from '../../src/compile/incremental.ts';
import type { Lowered } from '../../src/compile/lower.ts';
import { loweringCache } from '../../src/compile/lowering-cache.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { useEditor } from './document-store.ts';

/** How long one slice of lowering may run before the page gets its turn back (ms). */
const sliceMs = 40;

interface LoweringState {
  /** The document these facts are of. */
  readonly doc: NetloomDocument;
  readonly facts: EditorLowering;
}

const engine = new IncrementalLowering();

export const useLowering = create<LoweringState>(() => {
  const doc = useEditor.getState().doc;
  return { doc, facts: engine.update(doc) };
});

/** The current document's lowering facts (re-renders when they change). */
export function useLowered(): EditorLowering {
  return useLowering((s) => s.facts);
}

let scheduled = false;
const channel = typeof MessageChannel === 'undefined' ? undefined : new MessageChannel();
/** A new task soon (a message, not a timer: timers are clamped to 4 ms once nested). */
const soon = (f: () => void): void => {
  if (channel) {
    channel.port1.onmessage = f;
    channel.port2.postMessage(0);
  } else setTimeout(f, 0);
};

function publish(doc: NetloomDocument, facts: EditorLowering): void {
  if (useLowering.getState().facts !== facts || useLowering.getState().doc !== doc)
    useLowering.setState({ doc, facts });
  if (facts.pending > 0 && !scheduled) {
    scheduled = true;
    soon(() => {
      scheduled = false;
      publish(doc, engine.resume(performance.now() + sliceMs));
    });
  }
}

useEditor.subscribe((s, prev) => {
  if (s.doc !== prev.doc) publish(s.doc, engine.update(s.doc, performance.now() + sliceMs));
});

const waiting: { doc: NetloomDocument; resolve: (f: EditorLowering | undefined) => void }[] = [];
useLowering.subscribe((s) => {
  if (s.facts.pending > 0) return;
  for (const w of waiting.splice(0)) w.resolve(w.doc === s.doc ? s.facts : undefined);
});

/**
 * The complete facts of `doc` once its lowering is done; undefined if another document replaced it
 * first.
 */
export function whenLowered(doc: NetloomDocument): Promise<EditorLowering | undefined> {
  const s = useLowering.getState();
  if (s.doc === doc && s.facts.pending === 0) return Promise.resolve(s.facts);
  if (useEditor.getState().doc !== doc) return Promise.resolve(undefined);
  return new Promise((resolve) => waiting.push({ doc, resolve }));
}

/**
 * The whole IR graph of a document (what export, weights files and training read), lowered on
 * demand and remembered while lowering would repeat it.
 */
export const lowerCached: (doc: NetloomDocument) => Lowered = loweringCache();

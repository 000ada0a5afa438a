// What the editor shows of the document's lowering (shapes, parameter counts, problems, totals),
// kept by the core's incremental lowering (src/compile/incremental.ts) as the document changes:
// an edit lowers the nodes it can change, in the same task as the edit, so its frame shows the
// result. Work that does not fit a slice (opening a 5,000-layer project, an Input's shape that
// every layer depends on) goes on in later tasks, a slice at a time, so input is never blocked for
// long; meanwhile `pending` says how many nodes are still to come. Such a slice's facts are
// published in the task after it, so the canvas's patch of them is a task of its own. A freshly opened graph's
// parameters are parsed in slices before its graph is checked (IncrementalLowering.prepare).
import { create } from 'zustand';
import { IncrementalLowering, unloweredFacts } from '../../src/compile/incremental.ts';
import type { EditorLowering } from '../../src/compile/incremental.ts';
import type { Lowered } from '../../src/compile/lower.ts';
import { loweringCache } from '../../src/compile/lowering-cache.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { useEditor } from './document-store.ts';

/** How long one slice of lowering may run before the page gets its turn back (ms). */
const sliceMs = 40;

/** From how many nodes a newly opened document is lowered only in tasks after the one that loads it. */
const bigDocument = 1000;

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

/** What is shown of a document whose parameters are still being parsed: every node pending. */
let unlowered: { doc: NetloomDocument; facts: EditorLowering } | undefined;

/**
 * Facts a later slice lowered, to be published in a task of their own: the canvas patches what
 * they changed (React renders in the task that sets the store), and that work must not share a
 * task with a slice of lowering (0.9 s tasks opening a 5,000-node ONNX file under load).
 */
let ready: { doc: NetloomDocument; facts: EditorLowering } | undefined;

/**
 * One slice of `doc`'s lowering, its facts returned. A freshly opened big graph first has its
 * nodes' parameters parsed and its graph checked in slices (`prepare`), so that neither the task
 * that loads it nor any later one checks 5,000 nodes at once; an edit finds its document prepared
 * at once.
 */
function lowerSlice(doc: NetloomDocument): EditorLowering {
  const deadline = performance.now() + sliceMs;
  if (engine.prepare(doc, deadline)) {
    unlowered = undefined;
    return engine.update(doc, deadline);
  }
  if (unlowered?.doc !== doc) unlowered = { doc, facts: unloweredFacts(doc) };
  return unlowered.facts;
}

function publish(doc: NetloomDocument, facts: EditorLowering): void {
  ready = undefined;
  const s = useLowering.getState();
  if (s.facts !== facts || s.doc !== doc) useLowering.setState({ doc, facts });
  if (facts.pending > 0) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  soon(() => {
    scheduled = false;
    // The document of now: another may have replaced the one the last slice was of.
    const doc = useEditor.getState().doc;
    const done = ready;
    if (done?.doc === doc) {
      publish(doc, done.facts);
      return;
    }
    const facts = lowerSlice(doc);
    const s = useLowering.getState();
    // Facts already shown (a slice that only prepared) need no task to publish them.
    ready = s.doc === doc && s.facts === facts ? undefined : { doc, facts };
    schedule();
  });
}

useEditor.subscribe((s, prev) => {
  if (s.doc === prev.doc) return;
  // A big file opened: the task that loads it draws it (unlowered) and leaves all the lowering
  // work to later tasks. An edit, or a small document, lowers in its own task, so its frame
  // shows the result.
  if (s.doc.nodes.length > bigDocument && engine.isNew(s.doc)) {
    if (unlowered?.doc !== s.doc) unlowered = { doc: s.doc, facts: unloweredFacts(s.doc) };
    publish(s.doc, unlowered.facts);
  } else publish(s.doc, lowerSlice(s.doc));
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

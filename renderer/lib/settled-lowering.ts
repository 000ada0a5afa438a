// The lowering facts the canvas draws. While a document's lowering goes on in slices (opening a
// 5,000-layer project: one slice per task, tens of them), every slice's facts would rebuild the
// changed React Flow nodes and hand React Flow all 5,000 nodes and wires again — a task of
// 50–300 ms per slice. The canvas instead draws a document's first slice at once (the graph shows)
// and then its finished facts, once.
import { useRef } from 'react';
import type { EditorLowering } from '../../src/compile/incremental.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { useLowering } from '../store/lowering-store.ts';

/** The current document's facts: the first slice and the finished ones, not those in between. */
export function useSettledLowered(): EditorLowering {
  const held = useRef<{ doc: NetloomDocument; facts: EditorLowering } | undefined>(undefined);
  return useLowering((s) => {
    const h = held.current;
    if (!h || h.doc !== s.doc || s.facts.pending === 0) held.current = { doc: s.doc, facts: s.facts };
    return held.current!.facts;
  });
}

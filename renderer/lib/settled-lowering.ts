// The lowering facts the canvas draws. While a document's lowering goes on in slices (opening a
// 5,000-layer project: one slice per task, tens of them), the canvas draws every slice's facts:
// a slice's layers get their faces (shapes, counts) and its wires their labels, while React Flow
// keeps the same node and wire objects (lib/flow-model.ts remakes a node only when its ports or
// place change), so each slice's redraw costs what the slice lowered. Drawing only the first and
// the finished facts, as before the faces, made the finished ones one task that redrew all 5,000
// layers and wires at once (0.15–0.3 s).
import type { EditorLowering } from '../../src/compile/incremental.ts';
import { useLowering } from '../store/lowering-store.ts';

/** The current document's facts, each slice's as it comes. */
export function useSettledLowered(): EditorLowering {
  return useLowering((s) => s.facts);
}

// Shapes, parameter counts and diagnostics derived from the Document by the core, memoised on
// what lowering reads (src/compile/lowering-cache.ts), so dragging a node does not re-lower.
import { loweringCache } from '../../src/compile/lowering-cache.ts';
import type { Lowered } from '../../src/compile/lower.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { useEditor } from './document-store.ts';

export const lowerCached: (doc: NetloomDocument) => Lowered = loweringCache();

export function useLowered(): Lowered {
  return lowerCached(useEditor((s) => s.doc));
}

// Shapes, parameter counts and diagnostics derived from the Document by the core, memoised on the
// document object (every edit makes a new one).
import { lowerDocument } from '../../src/compile/lower.ts';
import type { Lowered } from '../../src/compile/lower.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { useEditor } from './document-store.ts';

let cache: { doc: NetloomDocument; lowered: Lowered } | undefined;

export function lowerCached(doc: NetloomDocument): Lowered {
  if (cache?.doc !== doc) cache = { doc, lowered: lowerDocument(doc) };
  return cache.lowered;
}

export function useLowered(): Lowered {
  return lowerCached(useEditor((s) => s.doc));
}

// The editor lowers the document after every edit to show shapes and problems. Lowering reads the
// nodes' ids, kinds, parameters, names, frozen and weight-sharing fields and the wires; it does
// not read positions, groups or the training setup. So the cache keys on those fields: dragging a
// node (a new document whose nodes differ only in position) reuses the last lowering.
import type { DocNode, NetloomDocument } from '../document/schema.ts';
import type { LowerOptions, Lowered } from './lower.ts';
import { lowerDocument } from './lower.ts';

/** Same as lowering sees it. Parameters compare by identity: an edit makes a new params object. */
function sameNodeForLowering(a: DocNode, b: DocNode): boolean {
  return (
    a === b ||
    (a.id === b.id &&
      a.kind === b.kind &&
      a.params === b.params &&
      a.name === b.name &&
      a.frozen === b.frozen &&
      a.sharesWeightsWith === b.sharesWeightsWith)
  );
}

/** Whether lowering `a` and `b` gives the same result (true may be missed, never wrongly given). */
export function sameForLowering(a: NetloomDocument, b: NetloomDocument): boolean {
  if (a === b) return true;
  if (a.nodes.length !== b.nodes.length || a.edges.length !== b.edges.length) return false;
  for (let i = 0; i < a.nodes.length; i++) if (!sameNodeForLowering(a.nodes[i]!, b.nodes[i]!)) return false;
  if (a.edges === b.edges) return true;
  return a.edges.every((e, i) => {
    const f = b.edges[i]!;
    return (
      e === f ||
      (e.id === f.id &&
        e.source.node === f.source.node &&
        e.source.port === f.source.port &&
        e.target.node === f.target.node &&
        e.target.port === f.target.port)
    );
  });
}

/** A lowering function that remembers its last result and reuses it while lowering would repeat it. */
export function loweringCache(opts: LowerOptions = {}): (doc: NetloomDocument) => Lowered {
  let last: { doc: NetloomDocument; lowered: Lowered } | undefined;
  return (doc) => {
    if (!last || !sameForLowering(last.doc, doc)) last = { doc, lowered: lowerDocument(doc, opts) };
    else last = { doc, lowered: last.lowered };
    return last.lowered;
  };
}

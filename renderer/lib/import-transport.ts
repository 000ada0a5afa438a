// How a file read in the import worker crosses to the page without a long task on arrival: a
// message is rebuilt on the page in one piece when it is received, so the document goes as JSON
// text in parts (strings are copied, not rebuilt object by object; the page parses the parts in
// slices) and the weights as one transferred buffer (import-protocol.ts says what each holds).
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { DocumentText, PackedWeights } from './import-protocol.ts';

/** Nodes, wires or groups per part of a document's text: a part parses in about a millisecond. */
const perPart = 256;

/**
 * The document as text in parts, or undefined where JSON would change it: a number that is not
 * finite or is -0, an array hole, or a value that is not plain data (an imported layer's
 * parameters are not checked until the page lowers them, and the page must see what was read).
 */
export function documentText(doc: NetloomDocument): DocumentText | undefined {
  if (!survivesJson(doc)) return undefined;
  const { nodes, edges, groups, ...head } = doc;
  return { head: JSON.stringify(head), nodes: parts(nodes), edges: parts(edges), groups: parts(groups) };
}

function parts(list: readonly unknown[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < list.length; i += perPart) out.push(JSON.stringify(list.slice(i, i + perPart)));
  return out;
}

/** True when JSON.parse(JSON.stringify(value)) is the same value (keys set to undefined aside). */
function survivesJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!(i in value) || !survivesJson(value[i])) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      for (const v of Object.values(value)) if (v !== undefined && !survivesJson(v)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** The weights in one buffer (a copy, made in the worker), their names and sizes beside it. */
export function packWeights(weights: readonly (readonly [string, Float32Array])[]): PackedWeights {
  const sizes = weights.map(([, w]) => w.length);
  const values = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  // A copy between arrays of one type keeps each value's bits (a NaN's payload too).
  for (const [, w] of weights) {
    values.set(w, at);
    at += w.length;
  }
  return { names: weights.map(([k]) => k), sizes, values };
}

/** Each weight by name, a view of its stretch of the one buffer (the protocol checked the sizes). */
export function unpackWeights(p: PackedWeights): [string, Float32Array][] {
  let at = 0;
  return p.names.map((name, i) => {
    const size = p.sizes[i]!;
    const w = p.values.subarray(at, at + size);
    at += size;
    return [name, w];
  });
}

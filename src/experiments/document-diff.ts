// A run's document stored as what differs from an earlier run's document: the run history keeps
// "the document as it was (a hash and a copy of what differs)". The patch is a small structural
// diff of JSON values in which arrays of objects with a string `id` (nodes, edges, groups) are
// diffed by id, so changing one field of one node stores that field, not the node list. Key order
// is kept (the document's hash is over its JSON text), so the rebuilt document hashes the same.
import { z } from 'zod';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * A patch turning one JSON value into another:
 * - `{ v }`: the new value whole;
 * - `{ o, keys? }`: an object; `o` patches changed or added keys; `keys` is the new key list when
 *   it is not the base's keys followed by the added ones (a key was removed or moved);
 * - `{ a, ids? }`: an array of objects with distinct string ids; `a` patches elements by id (an
 *   element new to the array is a `{ v }`); `ids` is the new order when it is not the base's.
 */
export type JsonPatch =
  | { readonly v: Json }
  | { readonly o: Readonly<Record<string, JsonPatch>>; readonly keys?: readonly string[] }
  | { readonly a: Readonly<Record<string, JsonPatch>>; readonly ids?: readonly string[] };

const jsonSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(jsonSchema),
    z.record(z.string(), jsonSchema),
  ]),
);

export const jsonPatchSchema: z.ZodType<JsonPatch> = z.lazy(() =>
  z.union([
    z.object({ v: jsonSchema }).strict(),
    z.object({ o: z.record(z.string(), jsonPatchSchema), keys: z.array(z.string()).optional() }).strict(),
    z.object({ a: z.record(z.string(), jsonPatchSchema), ids: z.array(z.string()).optional() }).strict(),
  ]),
);

const isObject = (x: unknown): x is Record<string, Json> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** The ids of an array whose every element is an object with a distinct string id; else undefined. */
function idsOf(a: readonly Json[]): string[] | undefined {
  const ids: string[] = [];
  for (const e of a) {
    if (!isObject(e) || typeof e.id !== 'string') return undefined;
    ids.push(e.id);
  }
  return new Set(ids).size === ids.length ? ids : undefined;
}

const same = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

/** The patch from `base` to `next`, or undefined when they are the same JSON. */
export function diffJson(base: Json, next: Json): JsonPatch | undefined {
  if (same(base, next)) return undefined;
  if (isObject(base) && isObject(next)) {
    const o: Record<string, JsonPatch> = {};
    for (const k of Object.keys(next)) {
      const p = k in base ? diffJson(base[k]!, next[k]!) : { v: next[k]! };
      if (p) o[k] = p;
    }
    const keys = Object.keys(next);
    // Without `keys`, every base key is kept in its place and new keys follow: a removal gives `keys`.
    const implied = [...Object.keys(base), ...keys.filter((k) => !(k in base))];
    return same(keys, implied) ? { o } : { o, keys };
  }
  if (Array.isArray(base) && Array.isArray(next)) {
    const baseIds = idsOf(base);
    const ids = idsOf(next);
    if (baseIds && ids) {
      const byId = new Map(base.map((e, i) => [baseIds[i]!, e]));
      const a: Record<string, JsonPatch> = {};
      next.forEach((e, i) => {
        const old = byId.get(ids[i]!);
        const p = old === undefined ? { v: e } : diffJson(old, e);
        if (p) a[ids[i]!] = p;
      });
      return same(ids, baseIds) ? { a } : { a, ids };
    }
  }
  return { v: next };
}

/** Applies a patch from diffJson to the same base; throws an Error saying where it does not fit. */
export function applyJsonPatch(base: Json, patch: JsonPatch, at = '$'): Json {
  if ('v' in patch) return patch.v;
  if ('o' in patch) {
    if (!isObject(base)) throw new Error(`${at}: the patch expects an object`);
    const keys = patch.keys ?? [...Object.keys(base), ...Object.keys(patch.o).filter((k) => !(k in base))];
    const out: Record<string, Json> = {};
    for (const k of keys) {
      const p = patch.o[k];
      if (p) out[k] = applyJsonPatch(k in base ? base[k]! : null, p, `${at}.${k}`);
      else if (k in base) out[k] = base[k]!;
      else throw new Error(`${at}.${k}: neither in the base nor in the patch`);
    }
    return out;
  }
  if (!Array.isArray(base)) throw new Error(`${at}: the patch expects an array`);
  const baseIds = idsOf(base);
  if (!baseIds) throw new Error(`${at}: the patch expects an array of objects with ids`);
  const byId = new Map(base.map((e, i) => [baseIds[i]!, e]));
  return (patch.ids ?? baseIds).map((id) => {
    const p = patch.a[id];
    const old = byId.get(id);
    if (p) return applyJsonPatch(old ?? null, p, `${at}[${id}]`);
    if (old === undefined) throw new Error(`${at}[${id}]: neither in the base nor in the patch`);
    return old;
  });
}

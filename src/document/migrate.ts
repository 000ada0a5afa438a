// Old project files migrate forward one version at a time, so any saved file still opens.
import { NetloomError } from '../util/errors.ts';
import { documentVersion } from './schema.ts';

type Json = Record<string, unknown>;

/**
 * Version 0 is the pre-release draft format: edges as {from: "node:port", to: "node:port"},
 * node positions as top-level x/y, layer parameters under "config".
 */
function from0(doc: Json): Json {
  const nodes = Array.isArray(doc['nodes']) ? doc['nodes'] : [];
  const edges = Array.isArray(doc['edges']) ? doc['edges'] : [];
  const split = (ref: unknown): { node: string; port: string } => {
    const s = typeof ref === 'string' ? ref : '';
    const i = s.lastIndexOf(':');
    return i < 0 ? { node: s, port: '' } : { node: s.slice(0, i), port: s.slice(i + 1) };
  };
  return {
    ...doc,
    format: 'netloom',
    version: 1,
    nodes: nodes.map((n: unknown) => {
      if (typeof n !== 'object' || n === null) return n;
      const { x, y, config, ...rest } = n as Json;
      return {
        ...rest,
        params: rest['params'] ?? config ?? {},
        position: rest['position'] ?? { x: typeof x === 'number' ? x : 0, y: typeof y === 'number' ? y : 0 },
      };
    }),
    edges: edges.map((e: unknown, i: number) => {
      if (typeof e !== 'object' || e === null) return e;
      const { from, to, ...rest } = e as Json;
      if (from === undefined && to === undefined) return e;
      return { id: rest['id'] ?? `e${i}`, source: split(from), target: split(to) };
    }),
  };
}

const migrations: ReadonlyArray<(doc: Json) => Json> = [from0];

export function migrate(doc: Json, path = '<document>'): Json {
  const raw = doc['version'];
  const version = raw === undefined ? 0 : raw;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new NetloomError('invalid-file', `${path}: "version" must be a whole number`, {
      path: `${path}#/version`,
    });
  }
  if (version > documentVersion) {
    throw new NetloomError(
      'unsupported-version',
      `${path} was saved by a newer Netloom (file version ${version}; this one reads up to ${documentVersion})`,
      { path },
    );
  }
  let out = doc;
  for (let v = version; v < documentVersion; v++) out = migrations[v]!(out);
  return out;
}

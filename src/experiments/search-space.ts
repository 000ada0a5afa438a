// Searchable parameters: a layer's field (`hidden1.units`, `conv1.kernelSize`), a block's repeat
// count (`block1.repeat`, see repeat-block.ts) or a training setting (`lr`, `batchSize`, `epochs`), each with the values it may take — a list (`4,8,16`) or a
// range (`2..16`, `1e-4..1e-1:log`). A candidate is one value per parameter, applied to a copy of
// the document, so every point of a search opens as an ordinary document.
import type { NetloomDocument } from '../document/schema.ts';
import { NetloomError } from '../util/errors.ts';
import { Rng } from '../util/random.ts';
import { blockPorts, repeatBlock } from './repeat-block.ts';

export const trainingKeys = ['lr', 'batchSize', 'epochs'] as const;
export type TrainingKey = (typeof trainingKeys)[number];

export type SearchTarget =
  | { readonly kind: 'training'; readonly key: TrainingKey }
  | { readonly kind: 'layer'; readonly node: string; readonly field: string }
  /** A block (group) repeated in a chain: `<group>.repeat`. */
  | { readonly kind: 'repeat'; readonly group: string };

export type SearchValues =
  | { readonly kind: 'list'; readonly values: readonly (number | string)[] }
  | {
      readonly kind: 'range';
      readonly lo: number;
      readonly hi: number;
      readonly log: boolean;
      readonly int: boolean;
    };

export interface SearchParam {
  /** As the user wrote it: `lr`, `hidden1.units`. */
  readonly name: string;
  readonly target: SearchTarget;
  readonly values: SearchValues;
}

/** One value per parameter, by name. */
export type Candidate = Readonly<Record<string, number | string>>;

const bad = (spec: string, why: string) =>
  new NetloomError('bad-argument', `searchable parameter '${spec}': ${why}`, { path: spec });

function number(spec: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw bad(spec, `'${text}' is not a number`);
  return n;
}

/** Parses `name=values` against the document (the node and its field must exist). */
export function parseSearchParam(spec: string, doc: NetloomDocument): SearchParam {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw bad(spec, 'write it as name=values, e.g. lr=1e-4..1e-1:log or hidden1.units=4,8,16');
  const name = spec.slice(0, eq).trim();
  const text = spec.slice(eq + 1).trim();
  let target: SearchTarget;
  if ((trainingKeys as readonly string[]).includes(name)) {
    target = { kind: 'training', key: name as TrainingKey };
  } else {
    const dot = name.lastIndexOf('.');
    if (dot <= 0)
      throw bad(spec, `'${name}' is neither ${trainingKeys.join(', ')}, node.field nor block.repeat`);
    const node = doc.nodes.find((n) => n.id === name.slice(0, dot));
    const field = name.slice(dot + 1);
    const group = doc.groups.find((g) => g.id === name.slice(0, dot));
    if (field === 'repeat' && group && !Object.hasOwn(node?.params ?? {}, field)) {
      try {
        blockPorts(doc, group.id);
      } catch (e) {
        throw bad(spec, e instanceof Error ? e.message : String(e));
      }
      target = { kind: 'repeat', group: group.id };
    } else if (!node) throw bad(spec, `no node '${name.slice(0, dot)}' in the document`);
    else if (!Object.hasOwn(node.params ?? {}, field))
      throw bad(
        spec,
        `node '${node.id}' (${node.kind}) has no field '${field}' set (fields: ${Object.keys(node.params ?? {}).join(', ') || 'none'})`,
      );
    else target = { kind: 'layer', node: node.id, field };
  }
  const range = /^(.+?)\.\.(.+?)(:log)?$/.exec(text);
  let values: SearchValues;
  if (range) {
    const lo = number(spec, range[1]!);
    const hi = number(spec, range[2]!);
    if (!(lo < hi)) throw bad(spec, `the range must go up (${lo}..${hi})`);
    const log = range[3] !== undefined;
    if (log && lo <= 0) throw bad(spec, 'a :log range must be above 0');
    values = { kind: 'range', lo, hi, log, int: Number.isInteger(lo) && Number.isInteger(hi) && !log };
  } else {
    const items = text.split(',').map((t) => t.trim());
    if (items.length === 0 || items.some((t) => t === '')) throw bad(spec, 'give values as a,b,c or lo..hi');
    values = { kind: 'list', values: items.map((t) => (Number.isFinite(Number(t)) ? Number(t) : t)) };
  }
  if (target.kind !== 'layer') {
    const nums = values.kind === 'list' ? values.values : [values.lo, values.hi];
    for (const v of nums) {
      if (typeof v !== 'number' || !(v > 0)) throw bad(spec, `${name} takes positive numbers; got '${v}'`);
      if ((target.kind === 'repeat' || target.key !== 'lr') && !Number.isInteger(v))
        throw bad(spec, `${name} takes whole numbers; got ${v}`);
    }
  }
  return { name, target, values };
}

/** The parameter's value in the document as it is (the search's starting point). */
export function currentValue(p: SearchParam, doc: NetloomDocument): number | string | undefined {
  if (p.target.kind === 'repeat') return 1;
  if (p.target.kind === 'layer') {
    const t = p.target;
    const v = doc.nodes.find((n) => n.id === t.node)?.params?.[t.field];
    // A pair with both sides equal (kernelSize [3, 3]) is the one number applyCandidate sets.
    if (Array.isArray(v) && v.length > 0 && v.every((x) => x === v[0]) && typeof v[0] === 'number')
      return v[0];
    return typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v);
  }
  const tr = (doc.training ?? {}) as { batchSize?: unknown; epochs?: unknown; objectives?: unknown };
  if (p.target.key === 'lr') {
    const o = Array.isArray(tr.objectives)
      ? (tr.objectives[0] as { optimizer?: { lr?: unknown } })
      : undefined;
    return typeof o?.optimizer?.lr === 'number' ? o.optimizer.lr : 1e-3;
  }
  const v = tr[p.target.key];
  return typeof v === 'number' ? v : undefined;
}

/** A copy of the document with the candidate's values set. */
export function applyCandidate(
  doc: NetloomDocument,
  params: readonly SearchParam[],
  c: Candidate,
): NetloomDocument {
  let out: NetloomDocument = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, params: { ...n.params } })) };
  for (const p of params) {
    const v = c[p.name];
    if (v === undefined) continue;
    const t = p.target;
    if (t.kind === 'repeat') continue;
    if (t.kind === 'layer') {
      const node = out.nodes.find((n) => n.id === t.node)!;
      // A field that holds a pair (kernelSize [3, 3]) takes one number for both.
      const old = node.params?.[t.field];
      node.params = { ...node.params, [t.field]: Array.isArray(old) ? old.map(() => v) : v };
      continue;
    }
    const training = { ...(out.training ?? { objectives: [] }) } as Record<string, unknown>;
    if (t.key === 'lr') {
      const objectives = Array.isArray(training['objectives'])
        ? (training['objectives'] as Record<string, unknown>[])
        : [];
      training['objectives'] = objectives.map((o) => ({
        ...o,
        optimizer: { ...((o['optimizer'] as Record<string, unknown> | undefined) ?? {}), lr: v },
      }));
    } else training[t.key] = v;
    out = { ...out, training };
  }
  // Repeats last: the copies take the block's fields as the candidate set them.
  for (const p of params) {
    const v = c[p.name];
    if (p.target.kind === 'repeat' && v !== undefined) out = repeatBlock(out, p.target.group, Number(v));
  }
  return out;
}

/** `count` evenly spaced values of a range (log-spaced for :log), whole numbers for an int range. */
export function rangeGrid(v: SearchValues, count: number): (number | string)[] {
  if (v.kind === 'list') return [...v.values];
  const at = (f: number) => {
    const x = v.log
      ? Math.exp(Math.log(v.lo) + f * (Math.log(v.hi) - Math.log(v.lo)))
      : v.lo + f * (v.hi - v.lo);
    return v.int ? Math.round(x) : Number(x.toPrecision(3));
  };
  const out = Array.from({ length: count }, (_, k) => at(count === 1 ? 0.5 : k / (count - 1)));
  return [...new Set(out)];
}

function sampleValue(v: SearchValues, rng: Rng): number | string {
  if (v.kind === 'list') return v.values[Math.floor(rng.next() * v.values.length)]!;
  const f = rng.next();
  const x = v.log
    ? Math.exp(Math.log(v.lo) + f * (Math.log(v.hi) - Math.log(v.lo)))
    : v.lo + f * (v.hi - v.lo);
  return v.int ? Math.round(x) : Number(x.toPrecision(3));
}

const key = (c: Candidate) => JSON.stringify(Object.entries(c).sort());

/** Every combination of the parameters' values (ranges cut into `points` values), in order. */
export function gridCandidates(params: readonly SearchParam[], points = 4): Candidate[] {
  let out: Record<string, number | string>[] = [{}];
  for (const p of params)
    out = out.flatMap((c) => rangeGrid(p.values, points).map((v) => ({ ...c, [p.name]: v })));
  return out;
}

/** `count` distinct random combinations (fewer when the space has fewer), seeded. */
export function randomCandidates(
  params: readonly SearchParam[],
  count: number,
  seed: number,
  exclude: readonly Candidate[] = [],
): Candidate[] {
  const rng = new Rng(seed);
  const seen = new Set(exclude.map(key));
  const out: Candidate[] = [];
  for (let tries = 0; out.length < count && tries < count * 50; tries++) {
    const c = Object.fromEntries(params.map((p) => [p.name, sampleValue(p.values, rng)]));
    if (seen.has(key(c))) continue;
    seen.add(key(c));
    out.push(c);
  }
  return out;
}

/** Picks `count` of the grid's combinations spread over it (all of them when there are few). */
export function sampleGrid(
  grid: readonly Candidate[],
  count: number,
  seed: number,
  exclude: readonly Candidate[] = [],
): Candidate[] {
  const seen = new Set(exclude.map(key));
  const left = grid.filter((c) => !seen.has(key(c)));
  if (left.length <= count) return [...left];
  const rng = new Rng(seed);
  const order = left.map((c) => ({ c, r: rng.next() })).sort((a, b) => a.r - b.r);
  return order.slice(0, count).map((o) => o.c);
}

export const candidateKey = key;

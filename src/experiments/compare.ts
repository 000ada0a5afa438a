// What differs between two runs: their settings (learning rate 0.01 vs 0.001), their graphs (layers
// added, removed, changed field by field; wires added or removed), and whether comparing their
// numbers is fair at all — runs on another dataset, split or seed are "not comparable" unless the
// user says otherwise, and the reason is given in words.
import type { DocNode, NetloomDocument } from '../document/schema.ts';
import type { RunRecord } from './run-record.ts';

export type Value = string | number | boolean | undefined;

export interface SettingDiff {
  readonly field: string;
  readonly a: Value;
  readonly b: Value;
}

export interface FieldDiff {
  readonly field: string;
  readonly a: string;
  readonly b: string;
}

export interface LayerRef {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
}

export interface GraphDiff {
  readonly added: readonly LayerRef[];
  readonly removed: readonly LayerRef[];
  readonly changed: readonly (LayerRef & { readonly fields: readonly FieldDiff[] })[];
  /** Wires as "source.port → target.port". */
  readonly wiresAdded: readonly string[];
  readonly wiresRemoved: readonly string[];
}

export interface RunComparison {
  readonly settings: readonly SettingDiff[];
  readonly graph: GraphDiff;
  /** False when the runs' numbers are not a fair comparison; `reasons` says why. */
  readonly comparable: boolean;
  readonly reasons: readonly string[];
}

export interface RunWithDocument {
  readonly record: RunRecord;
  readonly document: NetloomDocument;
}

function flatSettings(r: RunRecord): Record<string, Value> {
  const s = r.settings;
  return {
    dataset: r.dataset,
    optimizer: s.optimizer,
    lr: s.lr,
    batchSize: s.batchSize,
    epochs: s.epochs,
    steps: s.steps,
    seed: s.seed,
    validationSplit: s.validationSplit,
    examples: s.examples,
    augment: s.augment,
    backend: r.backend,
  };
}

/** Settings that decide which examples are trained and validated on: differing, the numbers differ in kind. */
const splitFields: readonly (readonly [string, string])[] = [
  ['dataset', 'dataset'],
  ['examples', 'number of examples'],
  ['validationSplit', 'validation split'],
  ['seed', 'seed'],
];

const show = (v: unknown): string => (v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v));

export function diffSettings(a: RunRecord, b: RunRecord): SettingDiff[] {
  const fa = flatSettings(a);
  const fb = flatSettings(b);
  return Object.keys(fa).flatMap((field) =>
    fa[field] === fb[field] ? [] : [{ field, a: fa[field], b: fb[field] }],
  );
}

const ref = (n: DocNode): LayerRef => ({ id: n.id, kind: n.kind, name: n.name ?? n.id });
const wire = (e: NetloomDocument['edges'][number]) =>
  `${e.source.node}.${e.source.port} → ${e.target.node}.${e.target.port}`;

export function diffDocuments(a: NetloomDocument, b: NetloomDocument): GraphDiff {
  const inA = new Map(a.nodes.map((n) => [n.id, n]));
  const inB = new Map(b.nodes.map((n) => [n.id, n]));
  const changed: (LayerRef & { fields: FieldDiff[] })[] = [];
  for (const nb of b.nodes) {
    const na = inA.get(nb.id);
    if (!na) continue;
    const fields: FieldDiff[] = [];
    if (na.kind !== nb.kind) fields.push({ field: 'kind', a: na.kind, b: nb.kind });
    const pa = (na.params ?? {}) as Record<string, unknown>;
    const pb = (nb.params ?? {}) as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort()) {
      if (JSON.stringify(pa[k]) !== JSON.stringify(pb[k]))
        fields.push({ field: k, a: show(pa[k]), b: show(pb[k]) });
    }
    if ((na.frozen ?? false) !== (nb.frozen ?? false))
      fields.push({ field: 'frozen', a: show(na.frozen ?? false), b: show(nb.frozen ?? false) });
    if (fields.length) changed.push({ ...ref(nb), fields });
  }
  const wa = new Set(a.edges.map(wire));
  const wb = new Set(b.edges.map(wire));
  return {
    added: b.nodes.filter((n) => !inA.has(n.id)).map(ref),
    removed: a.nodes.filter((n) => !inB.has(n.id)).map(ref),
    changed,
    wiresAdded: [...wb].filter((w) => !wa.has(w)),
    wiresRemoved: [...wa].filter((w) => !wb.has(w)),
  };
}

/** Compares run `a` (the reference) with run `b`. */
export function compareRuns(a: RunWithDocument, b: RunWithDocument): RunComparison {
  const settings = diffSettings(a.record, b.record);
  const fa = flatSettings(a.record);
  const fb = flatSettings(b.record);
  const reasons = splitFields.flatMap(([field, words]) =>
    fa[field] === fb[field]
      ? []
      : [`not comparable: different ${words} (${show(fa[field])} vs ${show(fb[field])})`],
  );
  return {
    settings,
    graph: diffDocuments(a.document, b.document),
    comparable: reasons.length === 0,
    reasons,
  };
}

/** The comparison as lines for a terminal. */
export function formatComparison(c: RunComparison, a: string, b: string): string[] {
  const out = [`${a} vs ${b}`];
  out.push(...(c.comparable ? ['same dataset, split and seed'] : c.reasons));
  if (c.settings.length === 0) out.push('settings: the same');
  for (const s of c.settings) out.push(`  ${s.field}: ${show(s.a)} vs ${show(s.b)}`);
  const g = c.graph;
  if (
    !g.added.length &&
    !g.removed.length &&
    !g.changed.length &&
    !g.wiresAdded.length &&
    !g.wiresRemoved.length
  )
    out.push('graph: the same');
  for (const n of g.added) out.push(`  + ${n.name} (${n.kind})`);
  for (const n of g.removed) out.push(`  - ${n.name} (${n.kind})`);
  for (const n of g.changed)
    out.push(`  ~ ${n.name} (${n.kind}): ${n.fields.map((f) => `${f.field} ${f.a} vs ${f.b}`).join(', ')}`);
  for (const w of g.wiresAdded) out.push(`  + wire ${w}`);
  for (const w of g.wiresRemoved) out.push(`  - wire ${w}`);
  return out;
}

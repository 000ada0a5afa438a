// A run's document kept as what differs from an earlier run's: random edits of templates round-trip
// through the store (memory and the Node folder), a one-field change stores far less than the
// whole document, deleting a base another run's diff needs keeps it, and a damaged diff or a
// missing base is an error naming the run.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseDocument } from '../../src/document/parse.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { documentSchema } from '../../src/document/schema.ts';
import { nodeRunFiles } from '../../src/experiments/node-run-files.ts';
import type { RunFiles } from '../../src/experiments/run-files.ts';
import { memoryRunFiles } from '../../src/experiments/run-files.ts';
import { RunStore, documentHash } from '../../src/experiments/run-store.ts';
import { Rng } from '../../src/util/random.ts';

const root = join(import.meta.dirname, '../..');
const template = (name: string): NetloomDocument =>
  parseDocument(readFileSync(join(root, 'templates', `${name}.json`), 'utf8'), `${name}.json`);

async function record(store: RunStore, d: NetloomDocument) {
  const r = await store.start({
    document: d,
    source: 'app',
    dataset: 'spirals',
    backend: 'wasm',
    settings: { optimizer: 'adam', lr: 0.01, batchSize: 32, epochs: 1, seed: 0, validationSplit: 0.2 },
  });
  await r.epoch({ epoch: 1, loss: 0.5, valLoss: 0.4, valAccuracy: 0.9 });
  await r.finish({});
  return r.record;
}

type Node = NetloomDocument['nodes'][number];
type Edge = NetloomDocument['edges'][number];

/** One random edit a person makes: change a field, add or remove a node, add or remove a wire. */
function edit(d: NetloomDocument, rng: Rng, k: number): NetloomDocument {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
  const what = Math.floor(rng.next() * 6);
  if (what === 0 && d.nodes.length > 2) {
    const gone = pick(d.nodes).id;
    return {
      ...d,
      nodes: d.nodes.filter((n) => n.id !== gone),
      edges: d.edges.filter((e) => e.source.node !== gone && e.target.node !== gone),
    };
  }
  if (what === 1) {
    const n = pick(d.nodes);
    const copy: Node = { ...n, id: `added${k}`, position: { x: 500 + k, y: 20 * k } };
    const at = Math.floor(rng.next() * (d.nodes.length + 1));
    return { ...d, nodes: [...d.nodes.slice(0, at), copy, ...d.nodes.slice(at)] };
  }
  if (what === 2 && d.edges.length > 0) {
    const gone = pick(d.edges).id;
    return { ...d, edges: d.edges.filter((e) => e.id !== gone) };
  }
  if (what === 3) {
    const a = pick(d.nodes).id;
    const b = pick(d.nodes).id;
    const wire: Edge = {
      id: `${a}:y->${b}:x#${k}`,
      source: { node: a, port: 'y' },
      target: { node: b, port: 'x' },
    };
    return { ...d, edges: [...d.edges, wire] };
  }
  if (what === 4) return { ...d, description: `edit ${k}` };
  // Change (or add) a field of one node's params, or move it.
  const n = pick(d.nodes);
  const changed: Node =
    rng.next() < 0.5
      ? { ...n, params: { ...n.params, units: 1 + Math.floor(rng.next() * 100) } }
      : { ...n, position: { x: Math.round(rng.next() * 900), y: Math.round(rng.next() * 900) } };
  return { ...d, nodes: d.nodes.map((m) => (m.id === n.id ? changed : m)) };
}

function storedBytes(files: RunFiles & { files: Map<string, Uint8Array> }, hash: string): number {
  const b = files.files.get(`documents/${hash}.json`) ?? files.files.get(`documents/${hash}.diff.json`);
  return b?.length ?? 0;
}

describe('documents kept as diffs', () => {
  test.each(['playground', 'lenet5', 'resnet20'])(
    'random edits of %s round-trip through the memory store',
    async (name) => {
      const files = memoryRunFiles();
      const store = new RunStore(files);
      const rng = new Rng(name.length * 7919);
      let d = template(name);
      const runs: { id: string; doc: NetloomDocument }[] = [];
      for (let k = 0; k < 16; k++) {
        const r = await record(store, d);
        runs.push({ id: r.id, doc: d });
        d = edit(edit(d, rng, 2 * k), rng, 2 * k + 1);
      }
      const diffs = [...files.files.keys()].filter((p) => p.endsWith('.diff.json'));
      expect(diffs.length).toBeGreaterThan(8);
      for (const { id, doc } of runs) {
        const r = await store.read(id);
        const back = await store.document(r);
        expect(back).toEqual(documentSchema.parse(doc));
        expect(await documentHash(back)).toBe(r.documentHash);
      }
    },
  );

  test('the Node folder store keeps and rebuilds diffs the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netloom-docdiff-'));
    const store = new RunStore(nodeRunFiles(dir));
    const rng = new Rng(5);
    let d = template('playground');
    const runs: { id: string; doc: NetloomDocument }[] = [];
    for (let k = 0; k < 6; k++) {
      runs.push({ id: (await record(store, d)).id, doc: d });
      d = edit(d, rng, k);
    }
    const second = await store.read(runs[1]!.id);
    const diff = JSON.parse(
      readFileSync(join(dir, 'documents', `${second.documentHash}.diff.json`), 'utf8'),
    ) as { base: string };
    expect(diff.base).toBe((await store.read(runs[0]!.id)).documentHash);
    for (const { id, doc } of runs) {
      expect(await store.document(await store.read(id))).toEqual(documentSchema.parse(doc));
    }
  });

  test.each(['playground', 'lenet5'])(
    'a one-field change of %s stores far less than the whole',
    async (name) => {
      const files = memoryRunFiles();
      const store = new RunStore(files);
      const d = template(name);
      const first = await record(store, d);
      const dense = d.nodes.find((n) => n.kind === 'Dense')!;
      const changed = {
        ...d,
        nodes: d.nodes.map((n) => (n.id === dense.id ? { ...n, params: { ...n.params, units: 7 } } : n)),
      };
      const second = await record(store, changed);
      const whole = storedBytes(files, first.documentHash);
      const diff = storedBytes(files, second.documentHash);
      expect(files.files.has(`documents/${second.documentHash}.diff.json`)).toBe(true);
      console.log(`${name}: whole document ${whole} bytes, one-field diff ${diff} bytes`);
      expect(diff).toBeGreaterThan(0);
      expect(diff * 5).toBeLessThan(whole);
      expect(await store.document(second)).toEqual(documentSchema.parse(changed));
    },
  );

  test('deleting the run whose document is a base keeps the base while a diff needs it', async () => {
    const files = memoryRunFiles();
    const store = new RunStore(files);
    const d = template('playground');
    const base = await record(store, d);
    const next = { ...d, description: 'changed' };
    const dependent = await record(store, next);
    expect(files.files.has(`documents/${dependent.documentHash}.diff.json`)).toBe(true);
    await store.delete([base.id]);
    expect(files.files.has(`documents/${base.documentHash}.json`)).toBe(true);
    expect(await store.document(await store.read(dependent.id))).toEqual(documentSchema.parse(next));
    // keep-best-N too: the better-scored dependent stays, the base document with it.
    const third = await record(store, { ...d, description: 'third' });
    await store.keepBest(1);
    const left = (await store.list()).map((l) => l.id);
    expect(left).toHaveLength(1);
    const kept = await store.read(left[0]!);
    expect(await store.document(kept)).toEqual(
      documentSchema.parse(kept.id === third.id ? { ...d, description: 'third' } : next),
    );
    // With no run left, no document is left.
    await store.delete(left);
    expect([...files.files.keys()].filter((p) => p.startsWith('documents/'))).toEqual([]);
  });

  test('a damaged diff or a missing base is an error naming the run', async () => {
    const files = memoryRunFiles();
    const store = new RunStore(files);
    const d = template('playground');
    const base = await record(store, d);
    const run = await record(store, { ...d, description: 'changed' });
    const path = `documents/${run.documentHash}.diff.json`;
    const good = files.files.get(path)!;
    const text = new TextDecoder().decode(good).replace('"changed"', '"chanGed"');
    files.files.set(path, new TextEncoder().encode(text));
    await expect(store.document(run)).rejects.toThrow(
      new RegExp(`document of run ${run.id} cannot be rebuilt: the rebuilt document does not match`),
    );
    files.files.set(path, new TextEncoder().encode('{"format":"netloom-document-diff"'));
    await expect(store.document(run)).rejects.toThrow(
      new RegExp(`document of run ${run.id} cannot be rebuilt: not a document diff`),
    );
    files.files.set(path, good);
    files.files.delete(`documents/${base.documentHash}.json`);
    await expect(store.document(run)).rejects.toThrow(
      new RegExp(
        `document of run ${run.id} cannot be rebuilt: its base documents/${base.documentHash}\\.json is missing`,
      ),
    );
    // The listing still reads the run (its record is whole); export names the run too.
    expect((await store.list()).map((l) => l.problem)).toEqual([undefined, undefined]);
    await expect(store.exportRun(run.id)).rejects.toThrow(run.id);
  });
});

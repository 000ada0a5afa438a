// The editor's incremental lowering against the whole-document lowering: after every edit of a
// random sequence (parameters, names, wires, nodes added and removed, frozen, weight sharing,
// moves), on every template and on generated graphs, the shapes, diagnostics, parameter counts,
// FLOPs, wire types and weights are the same. And it does the little work an edit needs.
import { describe, expect, test, vi } from 'vitest';
import { z } from 'zod';
import { IncrementalLowering } from '../../src/compile/incremental.ts';
import type { EditorLowering } from '../../src/compile/incremental.ts';
import type { Lowered } from '../../src/compile/lower.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import type { DocNode, NetloomDocument } from '../../src/document/schema.ts';
import {
  addNode,
  connect,
  moveNodes,
  removeEdges,
  removeNodes,
  renameNode,
  setParam,
} from '../../src/document/edits.ts';
import { checkCache, checkGraph } from '../../src/compile/graph-checks.ts';
import { portsOf } from '../../src/layers/layer-def.ts';
import { layerDef } from '../../src/layers/registry.ts';
import { loadTemplate, templateNames } from '../../src/templates/catalogue.ts';
import { Rng } from '../../src/util/random.ts';
import { generatedGraph } from '../../bench/compile.bench.ts';
import { middleDense, residualMlp } from '../../bench/graphs.ts';
import { chainDoc, doc, node } from '../helpers/doc.ts';

function expectSame(inc: EditorLowering, full: Lowered, at: string): void {
  expect(inc.pending, at).toBe(0);
  expect([...inc.nodes], at).toEqual([...full.nodes]);
  expect(inc.diagnostics, at).toEqual(full.diagnostics);
  expect(inc.totals, at).toEqual(full.totals);
  expect(inc.edgeTypes, at).toEqual(full.edgeTypes);
  expect(inc.order, at).toEqual(full.order);
  const w = (list: readonly { id: string; shape: readonly number[]; role: string }[]) =>
    list.map((x) => [x.id, x.shape, x.role]);
  expect(w(inc.weights), at).toEqual(w(full.graph.weights));
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;

/** A value near the old one, or a wrong one now and then (the inspector lets users type anything). */
function mutate(rng: Rng, v: unknown): unknown {
  if (typeof v === 'number') return pick(rng, [v + 1, Math.max(1, v - 1), v * 2, 1, 3, 0, -2, 'x']);
  if (typeof v === 'boolean') return !v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) {
    if (v.length === 0 || rng.next() < 0.2) return pick(rng, [[1], [2, 2], [4, 3], [], 'x']);
    const copy = [...v];
    copy[rng.int(copy.length)] = pick(rng, [1, 2, 3, 5, 8, 0]);
    return copy;
  }
  if (typeof v === 'string') return pick(rng, [v, 'bogus', 'same', 'valid', 'int64', 'float32', 'mean']);
  return pick(rng, [1, 4, 'x', true]);
}

function paramKeys(n: DocNode): string[] {
  const def = layerDef(n.kind);
  const shape = def && def.params instanceof z.ZodObject ? Object.keys(def.params.shape) : [];
  return [...new Set([...shape, ...Object.keys(n.params)])];
}

function ports(n: DocNode, side: 'inputs' | 'outputs'): string[] {
  const def = layerDef(n.kind);
  if (!def) return [side === 'inputs' ? 'x' : 'y'];
  const p = def.params.safeParse(n.params);
  return p.success ? portsOf(def[side], p.data as Record<string, unknown>).map((x) => x.name) : ['x'];
}

const kinds = [
  'ReLU',
  'Dense',
  'Flatten',
  'Add',
  'Concat',
  'Output',
  'Input',
  'Dropout',
  'Conv2d',
  'Constant',
];

/** One random edit of the kinds an editor makes. */
function randomEdit(rng: Rng, d: NetloomDocument): NetloomDocument {
  const n = d.nodes.length ? pick(rng, d.nodes) : undefined;
  const r = rng.int(100);
  if (!n || r < 6) {
    const added = addNode(d, pick(rng, kinds), { x: rng.int(800), y: rng.int(800) });
    const fresh = added.nodes[added.nodes.length - 1]!;
    const from = n && ports(n, 'outputs')[0];
    const into = ports(fresh, 'inputs')[0];
    return n && from && into
      ? connect(added, { node: n.id, port: from }, { node: fresh.id, port: into })
      : added;
  }
  if (r < 45) {
    const key = paramKeys(n).length ? pick(rng, paramKeys(n)) : 'extra';
    return setParam(d, n.id, key, mutate(rng, n.params[key]));
  }
  if (r < 52) {
    const names = ['x', 'y', 'input', 'output', '', `${pick(rng, d.nodes).id}.weight`, pick(rng, d.nodes).id];
    return renameNode(d, n.id, pick(rng, names));
  }
  if (r < 60) return moveNodes(d, new Map([[n.id, { x: rng.int(900), y: rng.int(900) }]]));
  if (r < 64) return removeNodes(d, [n.id]);
  if (r < 72 && d.edges.length) return removeEdges(d, [pick(rng, d.edges).id]);
  if (r < 84) {
    const target = pick(rng, d.nodes);
    const from = ports(n, 'outputs');
    const into = ports(target, 'inputs');
    if (!from.length || !into.length) return d;
    return connect(d, { node: n.id, port: pick(rng, from) }, { node: target.id, port: pick(rng, into) });
  }
  if (r < 90) return { ...d, nodes: d.nodes.map((m) => (m === n ? { ...m, frozen: !m.frozen } : m)) };
  // Weight sharing: with a node of the same kind (usually), another kind, a missing node, or none.
  const same = d.nodes.filter((m) => m.kind === n.kind && m.id !== n.id);
  const owner =
    rng.next() < 0.7 && same.length
      ? pick(rng, same).id
      : pick(rng, [undefined, 'ghost', pick(rng, d.nodes).id]);
  return {
    ...d,
    nodes: d.nodes.map((m) => {
      if (m !== n) return m;
      const { sharesWeightsWith: _, ...rest } = m;
      return owner === undefined ? rest : { ...rest, sharesWeightsWith: owner };
    }),
  };
}

function checkSequence(start: NetloomDocument, seed: number, edits: number): void {
  const rng = new Rng(seed);
  const inc = new IncrementalLowering();
  let d = start;
  expectSame(inc.update(d), lowerDocument(d), `${start.name}: start`);
  for (let k = 0; k < edits; k++) {
    d = randomEdit(rng, d);
    expectSame(inc.update(d), lowerDocument(d), `${start.name}: seed ${seed}, edit ${k + 1}`);
  }
}

describe('incremental lowering equals the whole-document lowering after every edit', () => {
  test.each(templateNames())('template %s', (name) => {
    checkSequence(loadTemplate(name)!, 7, name === 'resnet18' ? 15 : 40);
  });

  test.each([1, 2, 3, 4, 5, 6])('a generated residual MLP, seed %i', (seed) => {
    checkSequence(residualMlp(24), seed, 80);
  });

  test('a generated residual conv net', () => {
    checkSequence(generatedGraph(24), 11, 40);
  });

  test('an edit split across deadlines ends where one whole pass ends', () => {
    const inc = new IncrementalLowering();
    const d = residualMlp(40);
    let l = inc.update(d, -1);
    expect(l.pending).toBe(d.nodes.length);
    expect(l.nodes.size).toBe(0);
    while (l.pending > 0) l = inc.resume(performance.now() + 0.2);
    expectSame(l, lowerDocument(d), 'resumed');
  });

  test('a graph prepared in slices, and edited meanwhile, lowers as one whole pass does', () => {
    const inc = new IncrementalLowering();
    // A bad parameter among them: its problem is found whether prepared or not.
    const d = setParam(residualMlp(200), 'n8', 'units', -3);
    let slices = 1;
    // A past deadline: each call parses one short run of nodes and says it is not done.
    while (!inc.prepare(d, -1)) slices++;
    expect(slices).toBeGreaterThan(3);
    // An edit between slices: the new document is prepared from where its nodes are parsed.
    const edited = setParam(d, 'n12', 'units', 70);
    while (!inc.prepare(edited, -1));
    let l = inc.update(edited, -1);
    while (l.pending > 0) l = inc.resume(performance.now() + 0.2);
    expectSame(l, lowerDocument(edited), 'prepared');
    expect(l.diagnostics.some((x) => x.node === 'n8')).toBe(true);
    // A document lowered last needs no preparing.
    expect(inc.prepare(edited, -1)).toBe(true);
  });

  test('a graph opened, lowered to the end in slices bounded by a deadline, equals one whole pass', () => {
    // A clock that moves 1 ms each time it is read: a slice of 3 ms ends after the same steps
    // however busy the machine.
    let clock = 0;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => ++clock);
    try {
      const graphs = [setParam(residualMlp(300), 'n8', 'units', -3), generatedGraph(24)];
      for (const d of graphs) {
        const inc = new IncrementalLowering();
        const slice = () => performance.now() + 3;
        let prepared = 1;
        while (!inc.prepare(d, slice())) prepared++;
        let l = inc.update(d, slice());
        let updates = 1;
        while (l.pending > 0) {
          // Each slice stops at its deadline, a few nodes on, and leaves the rest pending.
          const before = l.pending;
          l = inc.update(d, slice());
          expect(before - l.pending, d.name).toBeGreaterThan(0);
          expect(before - l.pending, d.name).toBeLessThanOrEqual(3);
          updates++;
        }
        // 300 nodes' parameters and graph take more than one slice to prepare.
        if (d === graphs[0]) expect(prepared).toBeGreaterThan(1);
        expect(updates, d.name).toBeGreaterThan(d.nodes.length / 3);
        expectSame(l, lowerDocument(d), `${d.name} in slices`);
      }
    } finally {
      now.mockRestore();
    }
  });

  test('a file opened is new to the lowering; an edit of the lowered document is not', () => {
    const inc = new IncrementalLowering();
    const d = residualMlp(300);
    expect(inc.isNew(d)).toBe(true);
    inc.update(d);
    expect(inc.isNew(d)).toBe(false);
    // An edit of the first node (one of the nodes looked at) leaves the rest as they were.
    expect(inc.isNew(setParam(d, 'n0', 'units', 9))).toBe(false);
    // The same graph read again from its file: every node's parameters are new objects.
    expect(inc.isNew(JSON.parse(JSON.stringify(d)) as NetloomDocument)).toBe(true);
  });
});

/**
 * A burst of field edits (what typing between two frames makes): 1–4 nodes get new parameters,
 * names, frozen flags, weight sharing or an Input's fixed batch, with ids, kinds and wires as they
 * were. These go through the patched check and the changed-nodes pass, not the whole ones.
 */
function fieldEdits(rng: Rng, d: NetloomDocument): NetloomDocument {
  let out = d;
  for (let k = 1 + rng.int(4); k > 0; k--) {
    const n = pick(rng, out.nodes);
    const r = rng.int(100);
    if (r < 55) {
      const key = paramKeys(n).length ? pick(rng, paramKeys(n)) : 'extra';
      out = setParam(out, n.id, key, mutate(rng, n.params[key]));
    } else if (r < 65 && n.kind === 'Input') {
      out = setParam(out, n.id, 'batch', pick(rng, [undefined, 1, 4, 0]));
    } else if (r < 75) {
      out = renameNode(out, n.id, pick(rng, ['x', 'y', '', `${pick(rng, out.nodes).id}.weight`]));
    } else if (r < 85) {
      out = { ...out, nodes: out.nodes.map((m) => (m.id === n.id ? { ...m, frozen: !m.frozen } : m)) };
    } else {
      const owner = pick(rng, [undefined, 'ghost', pick(rng, out.nodes).id]);
      out = {
        ...out,
        nodes: out.nodes.map((m) => {
          if (m.id !== n.id) return m;
          const { sharesWeightsWith: _, ...rest } = m;
          return owner === undefined ? rest : { ...rest, sharesWeightsWith: owner };
        }),
      };
    }
  }
  return out;
}

describe('bursts of field edits (the patched check) equal the whole lowering', () => {
  test.each([1, 2, 3, 4])(
    'a residual MLP with a layer of unknown kind and shared weights, seed %i',
    (seed) => {
      const rng = new Rng(seed);
      const base = residualMlp(30);
      let d: NetloomDocument = {
        ...base,
        nodes: [
          ...base.nodes.map((n) => (n.id === 'n6' ? { ...n, sharesWeightsWith: 'n2' } : n)),
          { id: 'odd', kind: 'NoSuchLayer', params: {}, position: { x: 0, y: 0 } },
        ],
      };
      const inc = new IncrementalLowering();
      const cache = checkCache();
      expectSame(inc.update(d), lowerDocument(d), 'start');
      checkGraph(d, cache);
      for (let k = 0; k < 60; k++) {
        d = fieldEdits(rng, d);
        const at = `seed ${seed}, burst ${k + 1}`;
        // The cached check (patched from the last one) finds what a check from nothing finds.
        const patched = checkGraph(d, cache);
        const fresh = checkGraph(d);
        expect([...patched.nodesById], at).toEqual([...fresh.nodesById]);
        expect([...patched.params], at).toEqual([...fresh.params]);
        expect(patched.diagnostics, at).toEqual(fresh.diagnostics);
        expect(patched.order, at).toEqual(fresh.order);
        expect([...patched.incoming], at).toEqual([...fresh.incoming]);
        expectSame(inc.update(d), lowerDocument(d), at);
      }
    },
  );

  test("a layer that took another's weights is told when its owner changes, not itself", () => {
    const inc = new IncrementalLowering();
    const share = (d: NetloomDocument, id: string, owner: string) => ({
      ...d,
      nodes: d.nodes.map((n) => (n.id === id ? { ...n, sharesWeightsWith: owner } : n)),
    });
    let d = residualMlp(16);
    expectSame(inc.update(d), lowerDocument(d), 'plain');
    d = share(d, 'n8', 'n4');
    expectSame(inc.update(d), lowerDocument(d), 'n8 takes n4');
    // n8 itself is the same object now; only its owner changed.
    d = share(d, 'n4', 'n0');
    const full = lowerDocument(d);
    expect(full.diagnostics.map((x) => x.node)).toContain('n8');
    expectSame(inc.update(d), full, 'n4 takes n0');
    // A Dense pointed at a ReLU is told so by the ReLU's name; the ReLU renamed, the message follows.
    d = residualMlp(16);
    expectSame(inc.update(d), lowerDocument(d), 'another graph');
    d = share(d, 'n12', 'n9');
    expectSame(inc.update(d), lowerDocument(d), 'n12 takes the ReLU n9');
    d = renameNode(d, 'n9', 'relu nine');
    const renamed = lowerDocument(d);
    expect(renamed.diagnostics.find((x) => x.node === 'n12')?.message).toContain('relu nine');
    expectSame(inc.update(d), renamed, 'the ReLU renamed');
  });
});

describe('an edit costs what it changes', () => {
  const lowered = (inc: IncrementalLowering, d: NetloomDocument) => {
    const before = inc.loweredCount;
    return { facts: inc.update(d), count: inc.loweredCount - before };
  };

  test('a Dense width lowers it and the layers whose inputs change, then stops', () => {
    const inc = new IncrementalLowering();
    const d = residualMlp(400);
    const first = lowered(inc, d);
    expect(first.count).toBe(d.nodes.length);
    const id = middleDense(400);
    const edit = lowered(inc, setParam(d, id, 'units', 65));
    // The Dense, the ReLU after it (its input is wider) and the next Dense (same output): three.
    expect(edit.count).toBe(3);
    expect(edit.facts.totals.params - first.facts.totals.params).toBe(
      64 * 65 + 65 + (65 * 64 + 64) - 2 * (64 * 64 + 64),
    );
    // Unchanged reports and wire types keep their identity.
    const far = 'n3';
    expect(edit.facts.nodes.get(far)).toBe(first.facts.nodes.get(far));
    expect(edit.facts.edgeTypes.get('x->n0:x')).toBe(first.facts.edgeTypes.get('x->n0:x'));
    // No problem before or after: the same (empty) list of problems.
    expect(edit.facts.diagnostics).toBe(first.facts.diagnostics);
  });

  test('the list of problems is kept while its problems are, and made again when they change', () => {
    const inc = new IncrementalLowering();
    const d = setParam(residualMlp(40), 'x', 'shape', [32]);
    const broken = inc.update(d).diagnostics;
    expect(broken.length).toBeGreaterThan(0);
    // A width elsewhere that leaves every problem as it was.
    const d2 = setParam(d, 'n8', 'units', 65);
    expect(inc.update(d2).diagnostics).toBe(broken);
    const fixed = inc.update(setParam(d2, 'x', 'shape', [64])).diagnostics;
    expect(fixed).not.toBe(broken);
    expect(fixed).toEqual(lowerDocument(setParam(d2, 'x', 'shape', [64])).diagnostics);
  });

  test('moving a node lowers nothing and returns the same facts', () => {
    const inc = new IncrementalLowering();
    const d = residualMlp(40);
    const first = lowered(inc, d);
    const moved = lowered(inc, moveNodes(d, new Map([['n5', { x: 400, y: 40 }]])));
    expect(moved.count).toBe(0);
    expect(moved.facts.nodes.get('n5')).toBe(first.facts.nodes.get('n5'));
    expect(moved.facts.totals).toEqual(first.facts.totals);
  });

  test('an input shape changes every shape downstream', () => {
    const inc = new IncrementalLowering();
    const d = residualMlp(40);
    lowered(inc, d);
    const edit = lowered(inc, setParam(d, 'x', 'shape', [32]));
    // Every Add now joins [N, 64] to [N, 32]: errors from the first one on, the rest blocked.
    expect(edit.facts.diagnostics.filter((x) => x.severity === 'error').map((x) => x.node)).toEqual(['n3']);
    expectSame(edit.facts, lowerDocument(setParam(d, 'x', 'shape', [32])), 'input shape');
  });
});

test('two Inputs with one name: the second is told, not a crash', () => {
  const d = doc(
    [
      { ...node('a', 'Input', { shape: [4] }), name: 'x' },
      { ...node('b', 'Input', { shape: [4] }), name: 'x' },
      { ...node('c', 'Input', { shape: [4] }), name: 'd.weight' },
      node('d', 'Dense', { units: 3 }),
    ],
    [['a:y', 'd:x']],
  );
  const full = lowerDocument(d);
  expect(full.diagnostics.filter((x) => x.code !== 'no-output')).toEqual([
    expect.objectContaining({
      node: 'b',
      field: 'name',
      message: expect.stringContaining('another Input is already named "x"'),
    }),
    expect.objectContaining({ node: 'd', message: expect.stringContaining('an Input is named "d.weight"') }),
  ]);
  expectSame(new IncrementalLowering().update(d), full, 'names');
});

test('a loop of groups is the same warning in both, and a change of groups alone reaches the facts', () => {
  const inc = new IncrementalLowering();
  const plain = residualMlp(8);
  expectSame(inc.update(plain), lowerDocument(plain), 'no groups');
  const looped: NetloomDocument = {
    ...plain,
    groups: [
      { id: 'a', name: 'A', parent: 'b', collapsed: false },
      { id: 'b', name: 'B', parent: 'a', collapsed: false },
    ],
  };
  const full = lowerDocument(looped);
  expect(full.diagnostics.map((d) => d.code)).toContain('group-cycle');
  expectSame(inc.update(looped), full, 'looped groups');
});

test('the weights kept by deltas: over 2 GiB together is the same error, gone again after an edit', () => {
  const inc = new IncrementalLowering();
  const steps = Array.from({ length: 3 }, () => ({ kind: 'Dense', params: { units: 16_000 } }));
  let d = chainDoc([16_000], steps);
  const big = lowerDocument(d);
  expect(big.diagnostics.map((x) => x.code)).toContain('too-large');
  expectSame(inc.update(d), big, 'three Dense(16000)');
  // One Dense at 100 units: its weights and the next one's shrink, in place in the list.
  d = setParam(d, 'n2', 'units', 100);
  const small = lowerDocument(d);
  expect(small.diagnostics.map((x) => x.code)).not.toContain('too-large');
  expectSame(inc.update(d), small, 'one Dense(100)');
  d = setParam(d, 'n2', 'units', 16_000);
  expectSame(inc.update(d), lowerDocument(d), 'back to 16000');
});

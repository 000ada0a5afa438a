// The graph check split across tasks (checkGraphUntil: what the editor runs while a big file
// opens) finds what the whole check finds: the same order, loops, wires and problems, on generated
// graphs with every kind of problem the check knows, however the slices fall and whatever the
// editor checked before.
import { describe, expect, test } from 'vitest';
import type { CheckedGraph } from '../../src/compile/graph-checks.ts';
import { checkCache, checkGraph, checkGraphUntil } from '../../src/compile/graph-checks.ts';
import type { CheckCache } from '../../src/compile/graph-checks.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { setParam } from '../../src/document/edits.ts';
import { Rng } from '../../src/util/random.ts';
import { residualMlp } from '../../bench/graphs.ts';

/** The check as plain data (maps as entry lists), to compare two checks' findings. */
function findings(c: CheckedGraph): unknown {
  return {
    nodes: [...c.nodesById.keys()],
    defs: [...c.defs].map(([id, d]) => [id, d.kind]),
    params: [...c.params],
    incoming: [...c.incoming],
    order: c.order,
    cyclic: c.cyclic,
    diagnostics: c.diagnostics,
  };
}

/** Checks `doc` a step per call (a deadline already past); the result and how many calls it took. */
function sliced(doc: NetloomDocument, cache: CheckCache): { checked: CheckedGraph; calls: number } {
  for (let calls = 1; ; calls++) {
    const checked = checkGraphUntil(doc, cache, -1);
    if (checked) return { checked, calls };
  }
}

/** A residual MLP with `count` problems of the kinds the check finds, placed by `seed`. */
function brokenGraph(layers: number, seed: number, count: number): NetloomDocument {
  const rng = new Rng(seed);
  let d = residualMlp(layers);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  for (let k = 0; k < count; k++) {
    const n = pick(d.nodes.slice(1, -1));
    const e = pick(d.edges);
    switch (k % 7) {
      case 0: // two nodes with one id
        d = { ...d, nodes: [...d.nodes, { ...n, position: { x: 0, y: 0 } }] };
        break;
      case 1: // a kind no layer has
        d = { ...d, nodes: d.nodes.map((x) => (x === n ? { ...x, kind: 'Bogus' } : x)) };
        break;
      case 2: // a parameter that does not parse
        d = n.kind === 'Dense' ? setParam(d, n.id, 'units', -3) : setParam(d, n.id, 'inputs', 'x');
        break;
      case 3: // a wire to a node that is not there
        d = { ...d, edges: [...d.edges, { ...e, id: `${e.id}~gone`, target: { node: 'gone', port: 'x' } }] };
        break;
      case 4: // a wire from a port the node does not have
        d = {
          ...d,
          edges: d.edges.map((x) => (x === e ? { ...x, source: { ...x.source, port: 'nope' } } : x)),
        };
        break;
      case 5: // a second wire into one input
        d = { ...d, edges: [...d.edges, { ...e, id: `${e.id}~twice` }] };
        break;
      default: {
        // a loop: the wire into an early Add's skip input now comes from a later layer
        const from = pick(d.nodes.slice(Math.floor(d.nodes.length / 2), -1));
        d = {
          ...d,
          edges: d.edges.map((x) =>
            x.target.node === 'n3' && x.target.port === 'x1'
              ? { ...x, source: { node: from.id, port: 'y' } }
              : x,
          ),
        };
      }
    }
  }
  return d;
}

describe('the graph check split across tasks finds what the whole check finds', () => {
  test.each([1, 2, 3, 4])('a generated graph with problems of every kind, seed %i', (seed) => {
    const d = brokenGraph(900, seed, 14);
    const whole = checkGraph(d);
    // Every kind of problem is there to be found.
    const codes = new Set(whole.diagnostics.map((x) => x.code));
    for (const code of [
      'duplicate-id',
      'unknown-kind',
      'bad-param',
      'dangling-edge',
      'unknown-port',
      'multiple-wires',
      'cycle',
    ])
      expect(codes, code).toContain(code);
    const { checked, calls } = sliced(d, checkCache());
    expect(calls).toBeGreaterThan(5);
    expect(findings(checked)).toEqual(findings(whole));
  });

  test('a graph without problems, and the whole check then finds it checked', () => {
    const d = residualMlp(2000);
    const cache = checkCache();
    const { checked, calls } = sliced(d, cache);
    expect(calls).toBeGreaterThan(10);
    expect(findings(checked)).toEqual(findings(checkGraph(d)));
    expect(checked.diagnostics).toEqual([]);
    // What the editor's lowering then asks for: the same check, not a second one.
    expect(checkGraph(d, cache)).toBe(checked);
  });

  test('a check begun on one document and switched to another checks the second as a whole pass does', () => {
    const cache = checkCache();
    const a = brokenGraph(600, 7, 7);
    for (let k = 0; k < 4; k++) expect(checkGraphUntil(a, cache, -1)).toBeUndefined();
    const b = brokenGraph(600, 8, 9);
    expect(findings(sliced(b, cache).checked)).toEqual(findings(checkGraph(b)));
    // An edit of the checked document, sliced, reusing its wires' check: still the same findings.
    const edited = setParam(b, 'n10', 'units', 5);
    expect(findings(sliced(edited, cache).checked)).toEqual(findings(checkGraph(edited)));
  });
});

// The canvas's flow model remakes only what an edit changed: after one Dense's units change, the
// faces of that Dense and of the layers whose shapes or counts follow are new, and React Flow is
// handed the very same nodes and wires arrays, every object in them as before (a new array costs
// React Flow a pass over every node). A move remakes the moved node only and lowers nothing; a
// selection the selected node only; no change, same arrays.
import { expect, test } from 'vitest';
import { IncrementalLowering } from '../../src/compile/incremental.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { moveNodes, renameNode, setParam } from '../../src/document/edits.ts';
import { Rng } from '../../src/util/random.ts';
import { FlowModel, preparedLayers } from '../../renderer/lib/flow-model.ts';
import type { FlowGraph } from '../../renderer/lib/flow-model.ts';
import { layerId, middleDense, residualMlp } from '../../bench/graphs.ts';

const byId = <T extends { id: string }>(list: readonly T[]) => new Map(list.map((x) => [x.id, x]));

/** Ids whose objects differ between two lists of React Flow objects. */
function remade<T extends { id: string }>(before: readonly T[], after: readonly T[]): string[] {
  const old = byId(before);
  return after.filter((x) => old.get(x.id) !== x).map((x) => x.id);
}

test('an edit remakes the faces of the edited layer and the layers its shapes reach; React Flow keeps its arrays', () => {
  let doc = residualMlp(400);
  const lower = new IncrementalLowering();
  const flow = new FlowModel(() => undefined);
  const first = flow.update(doc, lower.update(doc), []);
  expect(first.nodes).toHaveLength(402);
  expect(flow.update(doc, lower.update(doc), [])).toBe(first);

  // Dense(64) → ReLU → Dense(64): with 65 units the ReLU carries [N, 65] and the second Dense has
  // 65·64 + 64 parameters; its output stays [N, 64], so nothing further down changes.
  const dense = middleDense(400);
  const k = Number(dense.slice(1));
  const [relu, dense2] = [layerId(k + 1), layerId(k + 2)];
  const lowered = lower.loweredCount;
  const facesBefore = new Map(first.nodes.map((n) => [n.id, flow.faces.get(n.id)]));
  flow.faces.notify(); // the first faces, as the canvas tells them once it has rendered
  const changedFaces: string[] = [];
  const listening = first.nodes.map((n) => flow.faces.subscribe(n.id, () => changedFaces.push(n.id)));
  doc = setParam(doc, dense, 'units', 65);
  const next = flow.update(doc, lower.update(doc), []);
  flow.faces.notify();
  for (const stop of listening) stop();
  expect(lower.loweredCount - lowered).toBeLessThan(10);
  // React Flow's nodes: the same array, every node object as it was.
  expect(next.nodes).toBe(first.nodes);
  expect(next.flagged).toBe(first.flagged);
  // The faces that changed, and only they, are new and told to their listeners.
  const newFaces = first.nodes.filter((n) => flow.faces.get(n.id) !== facesBefore.get(n.id)).map((n) => n.id);
  expect(newFaces.sort()).toEqual([dense, relu, dense2].sort());
  expect(changedFaces.sort()).toEqual([dense, relu, dense2].sort());
  expect(flow.faces.get(relu)!.shape).toBe('[N, 65]');
  expect(flow.faces.get(dense2)!.params).toContain((65 * 64 + 64).toLocaleString('en-US'));
  // The wires' shapes change in their labels; the wire objects (what React Flow indexes) stay.
  expect(next.edges).toBe(first.edges);
  expect(flow.labels.get(`${dense}->${relu}:x`)).toBe('[N, 65]');
  expect(flow.labels.get(`${relu}->${dense2}:x`)).toBe('[N, 65]');
  expect(flow.labels.get(`${dense2}->${layerId(k + 3)}:x0`)).toBe('[N, 64]');

  // A move: the moved node only, no lowering.
  const before = lower.loweredCount;
  doc = moveNodes(doc, new Map([[relu, { x: 300, y: 40 }]]));
  const moved = flow.update(doc, lower.update(doc), []);
  expect(lower.loweredCount).toBe(before);
  expect(remade(next.nodes, moved.nodes)).toEqual([relu]);
  expect(moved.edges).toBe(next.edges);

  // Selecting a layer remakes that layer's node only.
  const selected = flow.update(doc, lower.update(doc), [dense2]);
  expect(remade(moved.nodes, selected.nodes)).toEqual([dense2]);
  expect(selected.nodes.find((n) => n.id === dense2)!.selected).toBe(true);

  // A problem: the layer's face says it and the graph flags it (the overview paints it red); its
  // node object stays.
  doc = setParam(doc, dense, 'units', 0);
  const broken = flow.update(doc, lower.update(doc), [dense2]);
  expect(flow.faces.get(dense)!.error).toBeTruthy();
  expect(broken.flagged.has(dense)).toBe(true);
  expect(broken.nodes).toBe(selected.nodes);
});

/** What the canvas shows of a graph: every node's and wire's content, and each wire's label. */
function shown(flow: FlowModel, g: FlowGraph): unknown {
  return {
    nodes: g.nodes.map((n) => [n.id, n.position, n.selected, n.data, n.handles, flow.faces.get(n.id)]),
    flagged: [...g.flagged].sort(),
    edges: g.edges.map((e) => [e.id, e.source, e.target, e.className, e.data, flow.labels.get(e.id)]),
  };
}

test('after random edits, moves and selections the kept model shows what a fresh one shows', () => {
  const rng = new Rng(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng.next() * list.length)]!;
  let doc = residualMlp(60);
  const lower = new IncrementalLowering();
  const flow = new FlowModel(() => undefined);
  let selection: string[] = [];
  const ids = doc.nodes.map((n) => n.id);
  const dense = doc.nodes.filter((n) => n.kind === 'Dense').map((n) => n.id);
  for (let step = 0; step < 60; step++) {
    const r = rng.next();
    if (r < 0.35) doc = setParam(doc, pick(dense), 'units', pick([32, 64, 65, 'x', 0]));
    else if (r < 0.45) doc = setParam(doc, 'x', 'shape', pick([[64], [32], [1, 8, 8]]));
    else if (r < 0.55) doc = renameNode(doc, pick(ids), `layer ${step}`);
    else if (r < 0.75) doc = moveNodes(doc, new Map([[pick(ids), { x: step * 20, y: step * 40 }]]));
    else selection = rng.next() < 0.2 ? [] : [pick(ids)];
    const kept = flow.update(doc, lower.update(doc), selection);
    const fresh = new FlowModel(() => undefined);
    const whole = fresh.update(doc, lowerDocument(doc), selection);
    expect(shown(flow, kept), `step ${step}`).toEqual(shown(fresh, whole));
  }
});

test('a big document just opened is made ahead in slices; the update then shows what one made at once shows', () => {
  // 1,200 layers: over preparedLayers. A problem (0 units) and a selection, so faces, flags and
  // wire reasons are made ahead too.
  let doc = residualMlp(1200);
  doc = setParam(doc, middleDense(1200), 'units', 0);
  expect(doc.nodes.length).toBeGreaterThan(preparedLayers);
  const selection = [doc.nodes[5]!.id];
  const facts = lowerDocument(doc);
  const flow = new FlowModel(() => undefined);
  const small = residualMlp(8);
  const before = flow.update(small, lowerDocument(small), []);
  expect(flow.unprepared(small)).toBe(false);
  expect(flow.unprepared(doc)).toBe(true);
  // Slices: each call stops when asked to, until all are made.
  let calls = 0;
  while (!flow.prepare(doc, facts, selection, () => true)) {
    calls++;
    // What was shown stays shown meanwhile.
    expect(flow.shown).toBe(before);
    expect(flow.unprepared(doc)).toBe(calls < 1000);
  }
  expect(calls).toBeGreaterThan(10);
  expect(flow.unprepared(doc)).toBe(false);
  expect(flow.prepared?.facts).toBe(facts);
  const made = flow.update(doc, facts, selection);
  expect(flow.prepared).toBeUndefined();
  const fresh = new FlowModel(() => undefined);
  expect(shown(flow, made)).toEqual(shown(fresh, fresh.update(doc, facts, selection)));
  expect(made.flagged.size).toBeGreaterThan(0);
  // The facts changed after the slices (a lowering finished meanwhile): the update makes again
  // what they change, and shows what a fresh model shows.
  const flow2 = new FlowModel(() => undefined);
  const unlowered = new IncrementalLowering().update(doc);
  // Every slice is made with the first slice's facts (the canvas shows those first).
  expect(flow2.prepare(doc, unlowered, [], () => true)).toBe(false);
  while (!flow2.prepare(doc, facts, selection, () => false));
  expect(flow2.prepared?.facts).toBe(unlowered);
  const later = flow2.update(doc, facts, selection);
  const fresh2 = new FlowModel(() => undefined);
  expect(shown(flow2, later)).toEqual(shown(fresh2, fresh2.update(doc, facts, selection)));
  // An edit of the shown document is no new document: nothing is made ahead.
  expect(flow.unprepared(setParam(doc, middleDense(1200), 'units', 64))).toBe(false);
});

// The canvas's flow model remakes only what an edit changed: after one Dense's units change, the
// React Flow node objects of that Dense and of the layers whose shapes or counts follow are new,
// and every other node and wire is the same object as before (which is what lets React and React
// Flow skip them). A move remakes the moved node only and lowers nothing; no change, same arrays.
import { expect, test } from 'vitest';
import type { Edge, Node } from '@xyflow/react';
import { IncrementalLowering } from '../../src/compile/incremental.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { moveNodes, renameNode, setParam } from '../../src/document/edits.ts';
import { Rng } from '../../src/util/random.ts';
import { FlowModel } from '../../renderer/lib/flow-model.ts';
import { layerId, middleDense, residualMlp } from '../../bench/graphs.ts';

const byId = <T extends { id: string }>(list: readonly T[]) => new Map(list.map((x) => [x.id, x]));

/** Ids whose objects differ between two lists of React Flow objects. */
function remade<T extends { id: string }>(before: readonly T[], after: readonly T[]): string[] {
  const old = byId(before);
  return after.filter((x) => old.get(x.id) !== x).map((x) => x.id);
}

test('an edit remakes the edited layer and the layers its shapes reach, nothing else', () => {
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
  doc = setParam(doc, dense, 'units', 65);
  const next = flow.update(doc, lower.update(doc), []);
  expect(lower.loweredCount - lowered).toBeLessThan(10);
  expect(remade(first.nodes, next.nodes).sort()).toEqual([dense, relu, dense2].sort());
  const shapes = byId(next.nodes as Node<{ shape: string; params: string }>[]);
  expect(shapes.get(relu)!.data.shape).toBe('[N, 65]');
  expect(shapes.get(dense2)!.data.params).toContain((65 * 64 + 64).toLocaleString('en-US'));
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
});

/** What the canvas shows of a graph: every node's and wire's content, and each wire's label. */
function shown(flow: FlowModel, g: { nodes: readonly Node[]; edges: readonly Edge[] }): unknown {
  return {
    nodes: g.nodes.map((n) => [n.id, n.position, n.selected, n.data, n.handles]),
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

// The editor's lowering cache keys on what lowering reads: a drag reuses the last lowering, while
// every edit lowering does read (a parameter, a name, a wire, a node) lowers again.
import { describe, expect, test } from 'vitest';
import { loweringCache, sameForLowering } from '../../src/compile/lowering-cache.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import {
  addNode,
  groupNodes,
  moveNodes,
  removeEdges,
  renameNode,
  setParam,
} from '../../src/document/edits.ts';
import { chainDoc } from '../helpers/doc.ts';

const base = () => chainDoc([4], [{ kind: 'Dense', params: { units: 3 } }]);

describe('the lowering cache', () => {
  test('dragging a node (or grouping it) does not lower again', () => {
    const lower = loweringCache();
    const d = base();
    const first = lower(d);
    const moved = moveNodes(d, new Map([['n1', { x: 300, y: 40 }]]));
    expect(lower(moved)).toBe(first);
    expect(lower(groupNodes(moved, ['n1'], 'Block'))).toBe(first);
    // What it reuses is what lowering the moved document gives.
    const fresh = lowerDocument(moved);
    expect(first.totals).toEqual(fresh.totals);
    expect(first.diagnostics).toEqual(fresh.diagnostics);
  });

  test('an edit that lowering reads lowers again', () => {
    const lower = loweringCache();
    const d = base();
    const first = lower(d);
    const wider = setParam(d, 'n1', 'units', 5);
    const second = lower(wider);
    expect(second).not.toBe(first);
    expect(second.nodes.get('n1')!.outputs['y']!.shape).toEqual([1, 5]);
    expect(lower(renameNode(wider, 'n1', 'hidden'))).not.toBe(second);
    expect(lower(removeEdges(wider, ['e0'])).diagnostics.map((x) => x.code)).toContain('unconnected-input');
    expect(lower(addNode(wider, 'ReLU', { x: 0, y: 0 })).nodes.has('relu1')).toBe(true);
  });

  test('documents that differ in what lowering reads are never taken for the same', () => {
    const d = base();
    const copy = structuredClone(d);
    // Equal content but new params objects: lowered again (identity is the edit signal).
    expect(sameForLowering(d, copy)).toBe(false);
    expect(sameForLowering(d, { ...d, nodes: d.nodes.map((n) => ({ ...n, frozen: true })) })).toBe(false);
    expect(
      sameForLowering(d, {
        ...d,
        edges: d.edges.map((e) => (e.id === 'e0' ? { ...e, target: { ...e.target, port: 'z' } } : e)),
      }),
    ).toBe(false);
    expect(sameForLowering(d, { ...d, name: 'renamed', description: 'x' })).toBe(true);
  });
});

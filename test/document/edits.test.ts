// The editor's pure document edits, run in Node: paste (fresh ids, names, wires), loops refused
// before they are wired, grouping, and edits that leave everything else as it was.
import { describe, expect, test } from 'vitest';
import {
  addNode,
  connect,
  copySelection,
  groupNodes,
  makesCycle,
  moveNodes,
  parseClip,
  paste,
  removeNodes,
  renameGroup,
  setFrozen,
  toggleCollapsed,
  trainOnly,
  unfreezeAll,
  ungroup,
} from '../../src/document/edits.ts';
import { chainDoc } from '../helpers/doc.ts';

// input → n1 (Dense) → n2 (ReLU) → output
const base = () =>
  chainDoc(
    [4],
    [
      { kind: 'Dense', params: { units: 3 } },
      { kind: 'ReLU', params: {} },
    ],
  );

describe('paste', () => {
  test('copies get fresh ids, an offset, and the wires between them; wires to the outside stay behind', () => {
    const d = base();
    const clip = copySelection(d, ['n1', 'n2']);
    expect(clip.edges.map((e) => e.id)).toEqual(['e1']); // n1 → n2 only
    const { doc, ids } = paste(d, clip);
    expect(ids).toEqual(['dense1', 'relu1']);
    expect(doc.nodes.length).toBe(d.nodes.length + 2);
    const dense = doc.nodes.find((n) => n.id === 'dense1')!;
    expect(dense.kind).toBe('Dense');
    expect(dense.params).toEqual({ units: 3 });
    expect(dense.position).toEqual({ x: 40, y: 140 });
    const added = doc.edges.filter((e) => ids.includes(e.source.node) || ids.includes(e.target.node));
    expect(added).toEqual([
      {
        id: 'dense1:y->relu1:x',
        source: { node: 'dense1', port: 'y' },
        target: { node: 'relu1', port: 'x' },
      },
    ]);
    // The original is untouched.
    expect(d.nodes.length).toBe(4);
  });

  test('a pasted Input or Output is named after its new id (graph input names stay unique)', () => {
    const d = base();
    const { doc, ids } = paste(d, copySelection(d, ['input']));
    expect(ids).toEqual(['input1']);
    expect(doc.nodes.find((n) => n.id === 'input1')?.name).toBe('input1');
  });

  test('a pasted node leaves its block', () => {
    const d = groupNodes(base(), ['n1'], 'Block');
    const { doc, ids } = paste(d, copySelection(d, ['n1']));
    expect(doc.nodes.find((n) => n.id === ids[0])?.group).toBeUndefined();
  });

  test('the clipboard text is read back only when it is a well-formed Netloom clip', () => {
    const d = base();
    const clip = copySelection(d, ['n1', 'n2']);
    expect(parseClip(JSON.stringify(clip))).toEqual(clip);
    expect(parseClip('hello')).toBeUndefined();
    expect(parseClip(JSON.stringify({ netloomClipboard: 1, nodes: [{ id: 3 }], edges: [] }))).toBeUndefined();
    expect(parseClip(JSON.stringify({ netloomClipboard: 2, nodes: [], edges: [] }))).toBeUndefined();
  });
});

describe('loops', () => {
  const d = base();
  test('wiring a node to itself or back up its chain would close a loop', () => {
    expect(makesCycle(d, 'n1', 'n1')).toBe(true);
    expect(makesCycle(d, 'n2', 'n1')).toBe(true);
    expect(makesCycle(d, 'output', 'input')).toBe(true);
  });
  test('wiring forward or sideways does not', () => {
    expect(makesCycle(d, 'input', 'n2')).toBe(false);
    const withNew = addNode(d, 'ReLU', { x: 0, y: 0 });
    expect(makesCycle(withNew, 'n2', 'relu1')).toBe(false);
  });
});

describe('wires and nodes', () => {
  test('connecting into a wired input replaces its wire', () => {
    const d = addNode(base(), 'Dense', { x: 13, y: 27 });
    expect(d.nodes.at(-1)).toMatchObject({ id: 'dense1', position: { x: 20, y: 20 } });
    const next = connect(d, { node: 'dense1', port: 'y' }, { node: 'n2', port: 'x' });
    const into = next.edges.filter((e) => e.target.node === 'n2');
    expect(into.map((e) => e.source.node)).toEqual(['dense1']);
  });

  test('removing a node removes its wires; removing nothing returns the same document', () => {
    const d = base();
    const next = removeNodes(d, ['n1']);
    expect(next.nodes.map((n) => n.id)).toEqual(['input', 'n2', 'output']);
    expect(next.edges.map((e) => e.id)).toEqual(['e_out']);
    expect(removeNodes(d, ['nope'])).toBe(d);
  });

  test('moving a node changes its position and shares everything else', () => {
    const d = base();
    const next = moveNodes(d, new Map([['n1', { x: 5, y: 6 }]]));
    expect(next.nodes[1]!.position).toEqual({ x: 5, y: 6 });
    expect(next.nodes[1]!.params).toBe(d.nodes[1]!.params);
    expect(next.nodes[2]).toBe(d.nodes[2]);
    expect(next.edges).toBe(d.edges);
  });
});

describe('grouping', () => {
  test('a block gets a fresh id and the name given; its members point at it', () => {
    const d = groupNodes(base(), ['n1', 'n2'], 'Head');
    expect(d.groups).toEqual([{ id: 'block1', name: 'Head', collapsed: false }]);
    expect(d.nodes.filter((n) => n.group === 'block1').map((n) => n.id)).toEqual(['n1', 'n2']);
    const again = groupNodes(d, ['input'], 'Stem');
    expect(again.groups.map((g) => g.id)).toEqual(['block1', 'block2']);
  });

  test('grouping nothing changes nothing; collapsing toggles', () => {
    const d = base();
    expect(groupNodes(d, [], 'Empty')).toBe(d);
    const g = groupNodes(d, ['n1'], 'B');
    expect(toggleCollapsed(g, 'block1').groups[0]!.collapsed).toBe(true);
    expect(toggleCollapsed(toggleCollapsed(g, 'block1'), 'block1').groups[0]!.collapsed).toBe(false);
  });
});

describe('the node menu’s block edits', () => {
  test('a selected block nests in a new one; ungroup gives its layers and inner blocks to the parent', () => {
    const inner = groupNodes(base(), ['n2'], 'Inner');
    const outer = groupNodes(inner, ['n1', 'group:block1'], 'Outer');
    expect(outer.groups).toEqual([
      { id: 'block1', name: 'Inner', collapsed: false, parent: 'block2' },
      { id: 'block2', name: 'Outer', collapsed: false },
    ]);
    const opened = ungroup(outer, 'block2');
    expect(opened.groups).toEqual([{ id: 'block1', name: 'Inner', collapsed: false, parent: undefined }]);
    expect(opened.nodes.find((n) => n.id === 'n1')!.group).toBeUndefined();
    expect(opened.nodes.find((n) => n.id === 'n2')!.group).toBe('block1');
    // The inner block's layers go to the outer block when the inner one is taken apart.
    const flat = ungroup(outer, 'block1');
    expect(flat.nodes.filter((n) => n.group === 'block2').map((n) => n.id)).toEqual(['n1', 'n2']);
    expect(ungroup(outer, 'nope')).toBe(outer);
    expect(renameGroup(outer, 'block2', 'Head').groups[1]!.name).toBe('Head');
  });

  test('freeze and unfreeze the selection, a block as its members; nothing to change is no edit', () => {
    const d = groupNodes(base(), ['n1', 'n2'], 'Head');
    const frozen = setFrozen(d, ['group:block1'], true);
    expect(frozen.nodes.filter((n) => n.frozen).map((n) => n.id)).toEqual(['n1', 'n2']);
    expect(setFrozen(frozen, ['n1'], true)).toBe(frozen);
    const back = setFrozen(frozen, ['n1'], false);
    expect(back.nodes.filter((n) => n.frozen).map((n) => n.id)).toEqual(['n2']);
    expect('frozen' in back.nodes.find((n) => n.id === 'n1')!).toBe(false);
  });
});

describe('fine-tuning: train only the selection', () => {
  const frozenIds = (d: ReturnType<typeof base>) => d.nodes.filter((n) => n.frozen).map((n) => n.id);

  test('every node outside the selection is frozen; the selection trains; unfreeze all undoes it', () => {
    const d = trainOnly(base(), ['n2']);
    expect(frozenIds(d)).toEqual(['input', 'n1', 'output']);
    expect('frozen' in d.nodes.find((n) => n.id === 'n2')!).toBe(false);
    // Selecting another node moves the training there.
    expect(frozenIds(trainOnly(d, ['n1']))).toEqual(['input', 'n2', 'output']);
    const all = unfreezeAll(d);
    expect(frozenIds(all)).toEqual([]);
    expect(all.nodes.some((n) => 'frozen' in n)).toBe(false);
    expect(unfreezeAll(all)).toBe(all);
  });

  test('a selected block trains all its members, nested blocks included', () => {
    const outer = groupNodes(base(), ['n1', 'n2'], 'Head');
    const inner = groupNodes(outer, ['n2'], 'Inner');
    const nested = {
      ...inner,
      groups: inner.groups.map((g) => (g.id === 'block2' ? { ...g, parent: 'block1' } : g)),
    };
    expect(frozenIds(trainOnly(nested, ['group:block1']))).toEqual(['input', 'output']);
    expect(frozenIds(trainOnly(nested, ['group:block2']))).toEqual(['input', 'n1', 'output']);
  });

  test('an empty selection changes nothing', () => {
    const d = base();
    expect(trainOnly(d, [])).toBe(d);
  });
});

// A block's repeat count as a searchable parameter. A block (a group, with the groups inside it)
// repeats when it has one input and one output: every wire entering it comes from the same outside
// port, and every wire leaving it leaves from the same inside port. Repeating it k times chains k
// copies — copy j+1 takes copy j's output where the block took its input — and what read the
// block's output reads the last copy's. So a block whose output has its input's shape (a residual
// block, Dense n → n) can be stacked; one that changes the shape fails in the lowering, named.
import type { DocEdge, DocGroup, DocNode, NetloomDocument, PortRef } from '../document/schema.ts';
import { groupChain, groupParents } from '../document/groups.ts';
import { NetloomError } from '../util/errors.ts';

const bad = (group: string, why: string) =>
  new NetloomError('bad-argument', `block '${group}': ${why}`, { path: group });

const same = (a: PortRef, b: PortRef) => a.node === b.node && a.port === b.port;

export interface BlockPorts {
  /** The node ids in the block (its groups' nodes, nested groups included). */
  readonly nodes: ReadonlySet<string>;
  /** The groups in the block (itself and the groups nested in it). */
  readonly groups: ReadonlySet<string>;
  /** Where the block's input comes from, outside it. */
  readonly input: PortRef;
  /** The port inside the block its output leaves from. */
  readonly output: PortRef;
}

/** The block's nodes and its one input and one output; an error names why it cannot repeat. */
export function blockPorts(doc: NetloomDocument, groupId: string): BlockPorts {
  const group = doc.groups.find((g) => g.id === groupId);
  if (!group) throw bad(groupId, 'no such block (group) in the document');
  const parents = groupParents(doc.groups);
  const groups = new Set(
    doc.groups.filter((g) => groupChain(parents, g.id).includes(groupId)).map((g) => g.id),
  );
  const nodes = new Set(
    doc.nodes.filter((n) => n.group !== undefined && groups.has(n.group)).map((n) => n.id),
  );
  if (nodes.size === 0) throw bad(groupId, 'it holds no layers');
  const entering = doc.edges.filter((e) => !nodes.has(e.source.node) && nodes.has(e.target.node));
  const leaving = doc.edges.filter((e) => nodes.has(e.source.node) && !nodes.has(e.target.node));
  const input = entering[0]?.source;
  const output = leaving[0]?.source;
  if (!input || entering.some((e) => !same(e.source, input)))
    throw bad(
      groupId,
      `to repeat, a block takes one input (wires enter it from ${new Set(entering.map((e) => `${e.source.node}.${e.source.port}`)).size} outside ports)`,
    );
  if (!output || leaving.some((e) => !same(e.source, output)))
    throw bad(
      groupId,
      `to repeat, a block gives one output (wires leave it from ${new Set(leaving.map((e) => `${e.source.node}.${e.source.port}`)).size} ports inside it)`,
    );
  return { nodes, groups, input, output };
}

/** A copy of the document with the block repeated `times` times in a chain (1: as it is). */
export function repeatBlock(doc: NetloomDocument, groupId: string, times: number): NetloomDocument {
  if (!Number.isInteger(times) || times < 1)
    throw bad(groupId, `a repeat count is a whole number ≥ 1; got ${times}`);
  const block = blockPorts(doc, groupId);
  if (times === 1) return doc;
  const taken = new Set([
    ...doc.nodes.map((n) => n.id),
    ...doc.groups.map((g) => g.id),
    ...doc.edges.map((e) => e.id),
  ]);
  const fresh = (base: string) => {
    let id = base;
    for (let k = 2; taken.has(id); k++) id = `${base}_${k}`;
    taken.add(id);
    return id;
  };
  const inside = doc.nodes.filter((n) => block.nodes.has(n.id));
  const ys = inside.map((n) => n.position.y);
  const height = Math.max(...ys) - Math.min(...ys) + 80;
  const innerEdges = doc.edges.filter(
    (e) => block.nodes.has(e.source.node) && block.nodes.has(e.target.node),
  );
  const entering = doc.edges.filter((e) => !block.nodes.has(e.source.node) && block.nodes.has(e.target.node));
  const nodes: DocNode[] = [...doc.nodes];
  const groups: DocGroup[] = [...doc.groups];
  const edges: DocEdge[] = [...doc.edges];
  let previousOutput = block.output;
  for (let copy = 2; copy <= times; copy++) {
    const nodeId = new Map([...block.nodes].map((id) => [id, fresh(`${id}_r${copy}`)]));
    const groupIdOf = new Map([...block.groups].map((id) => [id, fresh(`${id}_r${copy}`)]));
    for (const g of doc.groups.filter((x) => block.groups.has(x.id)))
      groups.push({
        ...g,
        id: groupIdOf.get(g.id)!,
        name: g.id === groupId ? `${g.name} ×${copy}` : g.name,
        ...(g.parent !== undefined ? { parent: groupIdOf.get(g.parent) ?? g.parent } : {}),
      });
    for (const n of inside) {
      const shares = n.sharesWeightsWith;
      nodes.push({
        ...n,
        id: nodeId.get(n.id)!,
        ...(n.name !== undefined ? { name: `${n.name} ${copy}` } : {}),
        params: { ...n.params },
        position: { x: n.position.x, y: n.position.y + (copy - 1) * height },
        ...(n.group !== undefined ? { group: groupIdOf.get(n.group) ?? n.group } : {}),
        ...(shares !== undefined ? { sharesWeightsWith: nodeId.get(shares) ?? shares } : {}),
      });
    }
    for (const e of innerEdges)
      edges.push({
        id: fresh(`${e.id}_r${copy}`),
        source: { ...e.source, node: nodeId.get(e.source.node)! },
        target: { ...e.target, node: nodeId.get(e.target.node)! },
      });
    for (const e of entering)
      edges.push({
        id: fresh(`${e.id}_r${copy}`),
        source: previousOutput,
        target: { ...e.target, node: nodeId.get(e.target.node)! },
      });
    previousOutput = { node: nodeId.get(block.output.node)!, port: block.output.port };
  }
  // What read the block's output reads the last copy's; layers below move down to make room.
  const last = previousOutput;
  const bottom = Math.max(...ys);
  return {
    ...doc,
    nodes: nodes.map((n, k) =>
      k < doc.nodes.length && !block.nodes.has(n.id) && n.position.y > bottom
        ? { ...n, position: { x: n.position.x, y: n.position.y + (times - 1) * height } }
        : n,
    ),
    groups,
    // Only the document's own wires out of the block move; the copies' wires are already chained.
    edges: edges.map((e, k) =>
      k < doc.edges.length && block.nodes.has(e.source.node) && !block.nodes.has(e.target.node)
        ? { ...e, source: last }
        : e,
    ),
  };
}

// Pure edits of a Document: each takes a document and returns the next one (or the same object
// when nothing changes), never mutating. The editor's store applies them as undoable steps; they
// run in Node without React, and test/document/edits.test.ts checks them.
import { z } from 'zod';
import type { DocEdge, DocNode, NetloomDocument } from './schema.ts';
import { edgeSchema, nodeSchema } from './schema.ts';

export function emptyDocument(): NetloomDocument {
  return {
    format: 'netloom',
    version: 1,
    name: 'Untitled',
    description: '',
    nodes: [],
    edges: [],
    groups: [],
  };
}

export function freshId(doc: NetloomDocument, base: string): string {
  const taken = new Set([...doc.nodes.map((n) => n.id), ...doc.groups.map((g) => g.id)]);
  const stem = base.toLowerCase().replace(/[^a-z0-9]+/g, '');
  for (let i = 1; ; i++) {
    const id = `${stem}${i}`;
    if (!taken.has(id)) return id;
  }
}

export function addNode(
  doc: NetloomDocument,
  kind: string,
  position: { x: number; y: number },
): NetloomDocument {
  const id = freshId(doc, kind);
  const node: DocNode = { id, kind, params: {}, position: snap(position) };
  // Inputs and Outputs are named (the ONNX input/output names).
  if (kind === 'Input' || kind === 'Output') node.name = id;
  return { ...doc, nodes: [...doc.nodes, node] };
}

export function snap(p: { x: number; y: number }, grid = 20): { x: number; y: number } {
  return { x: Math.round(p.x / grid) * grid, y: Math.round(p.y / grid) * grid };
}

/** Connects source:port → target:port, replacing any wire already into that input port. */
export function connect(
  doc: NetloomDocument,
  source: { node: string; port: string },
  target: { node: string; port: string },
): NetloomDocument {
  const edges = doc.edges.filter((e) => !(e.target.node === target.node && e.target.port === target.port));
  const id = `${source.node}:${source.port}->${target.node}:${target.port}`;
  return { ...doc, edges: [...edges, { id, source, target }] };
}

/** True when wiring source → target would close a loop. */
export function makesCycle(doc: NetloomDocument, source: string, target: string): boolean {
  if (source === target) return true;
  const out = new Map<string, string[]>();
  for (const e of doc.edges) out.set(e.source.node, [...(out.get(e.source.node) ?? []), e.target.node]);
  const stack = [target];
  const seen = new Set<string>();
  while (stack.length) {
    const n = stack.pop()!;
    if (n === source) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(out.get(n) ?? []));
  }
  return false;
}

export function removeNodes(doc: NetloomDocument, ids: readonly string[]): NetloomDocument {
  const gone = new Set(ids);
  if (!doc.nodes.some((n) => gone.has(n.id))) return doc;
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !gone.has(n.id)),
    edges: doc.edges.filter((e) => !gone.has(e.source.node) && !gone.has(e.target.node)),
  };
}

export function removeEdges(doc: NetloomDocument, ids: readonly string[]): NetloomDocument {
  const gone = new Set(ids);
  return { ...doc, edges: doc.edges.filter((e) => !gone.has(e.id)) };
}

export function setParam(doc: NetloomDocument, nodeId: string, key: string, value: unknown): NetloomDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (n.id === nodeId ? { ...n, params: { ...n.params, [key]: value } } : n)),
  };
}

export function renameNode(doc: NetloomDocument, nodeId: string, name: string): NetloomDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? { ...n, name: name || undefined } : n)) };
}

export function moveNodes(
  doc: NetloomDocument,
  moves: ReadonlyMap<string, { x: number; y: number }>,
): NetloomDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (moves.has(n.id) ? { ...n, position: moves.get(n.id)! } : n)),
  };
}

/** Layers and the wires between them, as copied (and as the system clipboard carries them, in JSON). */
export interface Clip {
  readonly netloomClipboard: 1;
  readonly nodes: DocNode[];
  readonly edges: DocEdge[];
}

export function copySelection(doc: NetloomDocument, ids: readonly string[]): Clip {
  const keep = new Set(ids);
  return {
    netloomClipboard: 1,
    nodes: doc.nodes.filter((n) => keep.has(n.id)),
    edges: doc.edges.filter((e) => keep.has(e.source.node) && keep.has(e.target.node)),
  };
}

/** Pastes with fresh ids, offset so the copy does not hide the original; returns the new ids. */
export function paste(
  doc: NetloomDocument,
  clip: Clip,
  offset = 40,
): { doc: NetloomDocument; ids: string[] } {
  let next = doc;
  const map = new Map<string, string>();
  for (const n of clip.nodes) {
    const id = freshId(next, n.kind);
    map.set(n.id, id);
    const copy: DocNode = {
      ...n,
      id,
      group: undefined,
      position: { x: n.position.x + offset, y: n.position.y + offset },
      ...(n.name !== undefined ? { name: n.kind === 'Input' || n.kind === 'Output' ? id : n.name } : {}),
    };
    next = { ...next, nodes: [...next.nodes, copy] };
  }
  for (const e of clip.edges) {
    const s = map.get(e.source.node);
    const t = map.get(e.target.node);
    if (s && t) next = connect(next, { node: s, port: e.source.port }, { node: t, port: e.target.port });
  }
  return { doc: next, ids: [...map.values()] };
}

const clipSchema = z.object({
  netloomClipboard: z.literal(1),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
});

/** The clipboard's text as layers to paste; undefined when it is not a Netloom clip (or is malformed). */
export function parseClip(text: string): Clip | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined; // not ours
  }
  const parsed = clipSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** A block of `ids`: layers join it, and `group:<id>` entries (selected blocks) nest in it. */
export function groupNodes(doc: NetloomDocument, ids: readonly string[], name: string): NetloomDocument {
  if (ids.length === 0) return doc;
  const gid = freshId(doc, 'block');
  const keep = new Set(ids);
  return {
    ...doc,
    groups: [
      ...doc.groups.map((g) => (keep.has(`group:${g.id}`) ? { ...g, parent: gid } : g)),
      { id: gid, name, collapsed: false },
    ],
    nodes: doc.nodes.map((n) => (keep.has(n.id) ? { ...n, group: gid } : n)),
  };
}

/** Takes a block away: its layers and inner blocks belong to its parent (or to no block) again. */
export function ungroup(doc: NetloomDocument, gid: string): NetloomDocument {
  const g = doc.groups.find((x) => x.id === gid);
  if (!g) return doc;
  return {
    ...doc,
    groups: doc.groups
      .filter((x) => x.id !== gid)
      .map((x) => (x.parent === gid ? { ...x, parent: g.parent } : x)),
    nodes: doc.nodes.map((n) => (n.group === gid ? { ...n, group: g.parent } : n)),
  };
}

export function renameGroup(doc: NetloomDocument, gid: string, name: string): NetloomDocument {
  return { ...doc, groups: doc.groups.map((g) => (g.id === gid ? { ...g, name } : g)) };
}

export function toggleCollapsed(doc: NetloomDocument, gid: string): NetloomDocument {
  return { ...doc, groups: doc.groups.map((g) => (g.id === gid ? { ...g, collapsed: !g.collapsed } : g)) };
}

/** The nodes a selection stands for: node ids as they are, `group:<id>` as every member (nested ones too). */
export function selectedNodes(doc: NetloomDocument, selection: readonly string[]): Set<string> {
  const groups = new Set(
    selection.filter((s) => s.startsWith('group:')).map((s) => s.slice('group:'.length)),
  );
  const parent = new Map(doc.groups.map((g) => [g.id, g.parent]));
  const inSelectedGroup = (g: string | undefined): boolean => {
    for (let at = g; at; at = parent.get(at)) if (groups.has(at)) return true;
    return false;
  };
  const ids = new Set(selection);
  return new Set(doc.nodes.filter((n) => ids.has(n.id) || inSelectedGroup(n.group)).map((n) => n.id));
}

/**
 * Fine-tuning in one edit: the selected nodes (or groups) train, every other node is frozen (its
 * weights stay as they are). An empty selection changes nothing.
 */
export function trainOnly(doc: NetloomDocument, selection: readonly string[]): NetloomDocument {
  const keep = selectedNodes(doc, selection);
  if (keep.size === 0) return doc;
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const frozen = !keep.has(n.id);
      if ((n.frozen ?? false) === frozen) return n;
      if (frozen) return { ...n, frozen: true };
      const { frozen: _was, ...rest } = n;
      return rest;
    }),
  };
}

/** The nodes a selection stands for (blocks as their members) stop training, or train again. */
export function setFrozen(
  doc: NetloomDocument,
  selection: readonly string[],
  frozen: boolean,
): NetloomDocument {
  const ids = selectedNodes(doc, selection);
  if (!doc.nodes.some((n) => ids.has(n.id) && (n.frozen ?? false) !== frozen)) return doc;
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      if (!ids.has(n.id) || (n.frozen ?? false) === frozen) return n;
      if (frozen) return { ...n, frozen: true };
      const { frozen: _was, ...rest } = n;
      return rest;
    }),
  };
}

/** Every node trains again. */
export function unfreezeAll(doc: NetloomDocument): NetloomDocument {
  if (!doc.nodes.some((n) => n.frozen)) return doc;
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      if (!n.frozen) return n;
      const { frozen: _was, ...rest } = n;
      return rest;
    }),
  };
}

// The editor's store: the Document (the only truth) with undo/redo snapshots, and UI state.
// Shapes, parameter counts and diagnostics are derived from the Document by the core (useLowered).
import { create } from 'zustand';
import type { DocEdge, DocNode, NetloomDocument } from '../../src/document/schema.ts';
import { layerDef } from '../../src/layers/registry.ts';
import { portsOf } from '../../src/layers/layer-def.ts';

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

export type Theme = 'dark' | 'light';

export interface EditorState {
  readonly doc: NetloomDocument;
  readonly past: readonly NetloomDocument[];
  readonly future: readonly NetloomDocument[];
  readonly selection: readonly string[];
  /** Where the document lives: a path (desktop) or a file name (browser); undefined if never saved. */
  readonly filePath: string | undefined;
  readonly dirty: boolean;
  readonly theme: Theme;
  readonly message: { kind: 'error' | 'info'; text: string } | undefined;

  /** Applies an edit as one undoable step. */
  edit(change: (doc: NetloomDocument) => NetloomDocument): void;
  /** Replaces the document without an undo step (e.g. live node dragging after `checkpoint`). */
  replace(doc: NetloomDocument): void;
  /** Records the current document as an undo step before a gesture (a drag) changes it. */
  checkpoint(): void;
  undo(): void;
  redo(): void;
  load(doc: NetloomDocument, filePath: string | undefined, dirty?: boolean): void;
  select(ids: readonly string[]): void;
  markSaved(filePath: string | undefined): void;
  setTheme(theme: Theme): void;
  say(kind: 'error' | 'info', text: string): void;
  dismiss(): void;
}

const historyLimit = 200;

export const useEditor = create<EditorState>((set, get) => ({
  doc: emptyDocument(),
  past: [],
  future: [],
  selection: [],
  filePath: undefined,
  dirty: false,
  theme: 'dark',
  message: undefined,

  edit(change) {
    const { doc, past } = get();
    const next = change(doc);
    if (next === doc) return;
    set({ doc: next, past: [...past, doc].slice(-historyLimit), future: [], dirty: true });
  },
  replace(doc) {
    set({ doc, dirty: true });
  },
  checkpoint() {
    const { doc, past } = get();
    if (past[past.length - 1] === doc) return;
    set({ past: [...past, doc].slice(-historyLimit), future: [] });
  },
  undo() {
    const { doc, past, future } = get();
    const prev = past[past.length - 1];
    if (!prev) return;
    set({ doc: prev, past: past.slice(0, -1), future: [doc, ...future], dirty: true });
  },
  redo() {
    const { doc, past, future } = get();
    const next = future[0];
    if (!next) return;
    set({ doc: next, past: [...past, doc], future: future.slice(1), dirty: true });
  },
  load(doc, filePath, dirty = false) {
    set({ doc, filePath, past: [], future: [], selection: [], dirty });
  },
  select(ids) {
    const cur = get().selection;
    if (cur.length === ids.length && cur.every((c, i) => c === ids[i])) return;
    set({ selection: [...ids] });
  },
  markSaved(filePath) {
    set({ filePath, dirty: false });
  },
  setTheme(theme) {
    set({ theme });
  },
  say(kind, text) {
    set({ message: { kind, text } });
  },
  dismiss() {
    set({ message: undefined });
  },
}));

// ---- Pure document edits (kept here so tests can call them without React) ----

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

export function parseClip(text: string): Clip | undefined {
  try {
    const v = JSON.parse(text) as Partial<Clip>;
    if (v && v.netloomClipboard === 1 && Array.isArray(v.nodes) && Array.isArray(v.edges)) return v as Clip;
  } catch {
    // not ours
  }
  return undefined;
}

export function groupNodes(doc: NetloomDocument, ids: readonly string[], name: string): NetloomDocument {
  if (ids.length === 0) return doc;
  const gid = freshId(doc, 'block');
  const keep = new Set(ids);
  return {
    ...doc,
    groups: [...doc.groups, { id: gid, name, collapsed: false }],
    nodes: doc.nodes.map((n) => (keep.has(n.id) ? { ...n, group: gid } : n)),
  };
}

export function ungroup(doc: NetloomDocument, gid: string): NetloomDocument {
  const g = doc.groups.find((x) => x.id === gid);
  return {
    ...doc,
    groups: doc.groups
      .filter((x) => x.id !== gid)
      .map((x) => (x.parent === gid ? { ...x, parent: g?.parent } : x)),
    nodes: doc.nodes.map((n) => (n.group === gid ? { ...n, group: g?.parent } : n)),
  };
}

export function toggleCollapsed(doc: NetloomDocument, gid: string): NetloomDocument {
  return { ...doc, groups: doc.groups.map((g) => (g.id === gid ? { ...g, collapsed: !g.collapsed } : g)) };
}

/** Port names of a node as currently configured (Concat's x0..xn follow its params). */
export function nodePorts(n: DocNode): { inputs: string[]; outputs: string[] } {
  const def = layerDef(n.kind);
  if (!def) return { inputs: ['x'], outputs: ['y'] };
  const parsed = def.params.safeParse(n.params);
  const params = (parsed.success ? parsed.data : def.params.parse({})) as Record<string, unknown>;
  return {
    inputs: portsOf(def.inputs, params).map((p) => p.name),
    outputs: portsOf(def.outputs, params).map((p) => p.name),
  };
}

// Writes the statements that compute a set of nodes, as a person would: a chain of layers reuses
// one variable `x` (x = self.conv1(x); x = F.relu(x)), and a value read again later — a residual
// branch, a VAE's mu — gets a name of its own, from its node.
import type { HelperName } from './helpers.ts';
import type { PortRef, TorchGraph } from './graph.ts';
import { portRef, splitRef } from './graph.ts';
import type { ModuleTree } from './module-tree.ts';
import { pyIdentifier } from './python.ts';

export interface EmitSpec {
  readonly graph: TorchGraph;
  readonly tree: ModuleTree;
  /** Nodes to compute, in graph order; Inputs, Outputs and values given as arguments are skipped. */
  readonly nodes: readonly string[];
  /** Values already in variables (the function's arguments, or a forward() call's results). */
  readonly given: ReadonlyMap<PortRef, string>;
  /** "self" in model.py, "model" in train.py. */
  readonly root: string;
  readonly batch: string;
  readonly device: string;
  /** Values needed after the statements (returned); preferred variable names for them. */
  readonly keep: ReadonlyMap<PortRef, string>;
  /** Names already used in the function (arguments, helpers). */
  readonly reserved: ReadonlySet<string>;
  use(helper: HelperName): string;
}

export interface Emitted {
  readonly lines: readonly string[];
  readonly vars: ReadonlyMap<PortRef, string>;
}

export function emitStatements(s: EmitSpec): Emitted {
  const { graph } = s;
  const inSet = new Set(s.nodes);
  const lines: string[] = [];
  const vars = new Map<PortRef, string>(s.given);
  const names = new Set<string>([...s.reserved, ...s.given.values(), 'x']);
  const fresh = (base: string): string => {
    const b = pyIdentifier(base);
    let n = b;
    for (let k = 2; names.has(n); k++) n = `${b}_${k}`;
    names.add(n);
    return n;
  };

  // Reads left of each value inside this function; kept values are read once more at the end.
  const reads = new Map<PortRef, number>();
  for (const id of s.nodes) {
    for (const ref of Object.values(graph.nodes.get(id)!.sources)) reads.set(ref, (reads.get(ref) ?? 0) + 1);
  }
  for (const ref of s.keep.keys()) reads.set(ref, (reads.get(ref) ?? 0) + 1);
  // How many pending reads each variable still serves (a value and its aliases share one).
  const pending = new Map<string, number>();
  for (const [ref, v] of vars) pending.set(v, (pending.get(v) ?? 0) + (reads.get(ref) ?? 0));

  let group: string | undefined;
  const groupName = new Map(graph.doc.groups.map((g) => [g.id, g.name]));
  for (const id of s.nodes) {
    const n = graph.nodes.get(id)!;
    const kind = n.doc.kind;
    if (kind === 'Output' || kind === 'Input') continue;
    if (n.outputs.every((p) => vars.has(portRef(id, p)))) continue;
    const x: Record<string, string> = {};
    for (const [port, ref] of Object.entries(n.sources)) {
      if (!inSet.has(splitRef(ref)[0]) && !vars.has(ref))
        throw new Error(`internal: ${id}.${port} reads ${ref}, which is not computed here`);
      const v = vars.get(ref);
      if (v === undefined) throw new Error(`internal: ${ref} has no variable yet`);
      x[port] = v;
      pending.set(v, (pending.get(v) ?? 0) - 1);
    }
    const owner = graph.moduleOf.get(id);
    const code = n.form.call({
      p: n.params,
      t: n.types,
      x,
      m: owner !== undefined ? s.tree.access(s.root, owner) : '',
      training: `${s.root}.training`,
      batch: s.batch,
      device: s.device,
      use: s.use,
    });

    const readsOf = (port: string): number => reads.get(portRef(id, port)) ?? 0;
    // A layer that passes its input on (Identity, Dropout at p = 0) adds no statement.
    if (typeof code === 'string' && Object.values(x).includes(code) && n.outputs.length === 1) {
      vars.set(portRef(id, n.outputs[0]!), code);
      pending.set(code, (pending.get(code) ?? 0) + readsOf(n.outputs[0]!));
      continue;
    }
    const out: Record<string, string> = {};
    for (const port of n.outputs) {
      const ref = portRef(id, port);
      const r = readsOf(port);
      let v: string;
      const wanted = s.keep.get(ref);
      if (r === 0 && n.outputs.length > 1) continue;
      if (wanted !== undefined) v = fresh(wanted);
      else if (n.family !== 'loss' && n.outputs.length === 1 && r === 1 && (pending.get('x') ?? 0) <= 0)
        v = 'x';
      else v = fresh(n.outputs.length > 1 ? `${id}_${port}` : id);
      out[port] = v;
      vars.set(ref, v);
      pending.set(v, (pending.get(v) ?? 0) + r);
    }
    const g = n.doc.group;
    if (g !== group && g !== undefined) lines.push(`# ${groupName.get(g) ?? g}`);
    group = g;
    if (typeof code === 'string') lines.push(`${out[n.outputs[0]!]} = ${code}`);
    else lines.push(...code.lines(out));
  }
  return { lines, vars };
}

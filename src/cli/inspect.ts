// `netloom inspect`: a per-node table of kind, output shape, parameters and FLOPs, like
// torchinfo's summary, plus totals, per-group counts and the graph's diagnostics.
import type { NetloomDocument } from '../document/schema.ts';
import { groupChain, groupParents } from '../document/groups.ts';
import { hasErrors } from '../compile/diagnostics.ts';
import { lowerDocument } from '../compile/lower.ts';
import type { Lowered } from '../compile/lower.ts';
import { formatShape } from '../ir/types.ts';
import type { TensorType } from '../ir/types.ts';
import type { Diagnostic } from '../util/errors.ts';
import { echo, firstFew } from '../util/text.ts';
import { oneFile, parse } from './args.ts';
import type { Command } from './command.ts';
import { loadProject } from './project.ts';
import { humanCount } from './text-table.ts';

export interface InspectNode {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly group: string | null;
  /** Shapes arriving at the input ports, batch axis written N. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Output shapes by port, batch axis written N. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly params: number;
  readonly trainableParams: number;
  readonly flops: number;
}

export interface InspectReport {
  readonly name: string;
  readonly nodes: readonly InspectNode[];
  readonly groups: readonly { id: string; name: string; params: number }[];
  readonly totals: { params: number; trainableParams: number; flops: number };
  readonly diagnostics: readonly Diagnostic[];
}

function shapeText(t: TensorType, kind: string): string {
  // Constants carry no batch axis; every other layer's axis 0 is the batch.
  const s = formatShape(t.shape, kind !== 'Constant');
  return t.dtype === 'float32' ? s : `${s} ${t.dtype}`;
}

export function inspectDocument(doc: NetloomDocument, lowered: Lowered = lowerDocument(doc)): InspectReport {
  // Everything by id, once: a search per node made 100,000 nodes take minutes.
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const into = new Map<string, NetloomDocument['edges'][number][]>();
  for (const e of doc.edges) {
    const list = into.get(e.target.node);
    if (list) list.push(e);
    else into.set(e.target.node, [e]);
  }
  const inputsOf = (id: string): Record<string, string> => {
    // User-named ports: a Map, so a port called "__proto__" or "toString" is just a name.
    const out = new Map<string, string>();
    for (const e of into.get(id) ?? []) {
      const outs = lowered.nodes.get(e.source.node)?.outputs;
      const t = outs && Object.hasOwn(outs, e.source.port) ? outs[e.source.port] : undefined;
      if (t) out.set(e.target.port, shapeText(t, byId.get(e.source.node)?.kind ?? ''));
    }
    return Object.fromEntries(out);
  };
  const nodes: InspectNode[] = [];
  for (const id of lowered.order.length ? lowered.order : doc.nodes.map((n) => n.id)) {
    const n = byId.get(id);
    const r = lowered.nodes.get(id);
    if (!n || !r) continue;
    nodes.push({
      id,
      name: r.name,
      kind: n.kind,
      group: n.group ?? null,
      inputs: inputsOf(id),
      outputs: Object.fromEntries(Object.entries(r.outputs).map(([p, t]) => [p, shapeText(t, n.kind)])),
      params: r.params,
      trainableParams: r.trainableParams,
      flops: r.flops,
    });
  }
  // A node counts towards its group and every enclosing group (a loop of groups counted once).
  const parents = groupParents(doc.groups);
  const groupTotals = new Map<string, number>();
  for (const n of nodes) {
    if (n.params === 0) continue;
    for (const g of groupChain(parents, n.group ?? undefined)) {
      groupTotals.set(g, (groupTotals.get(g) ?? 0) + n.params);
    }
  }
  const groups = doc.groups.map((g) => ({ id: g.id, name: g.name, params: groupTotals.get(g.id) ?? 0 }));
  return { name: doc.name, nodes, groups, totals: { ...lowered.totals }, diagnostics: lowered.diagnostics };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Problems the table lists before it gives a count of the rest. */
const maxProblems = 20;

export function formatInspectTable(r: InspectReport): string[] {
  const shapes = (m: Readonly<Record<string, string>>) =>
    Object.entries(m)
      .map(([p, s]) => (Object.keys(m).length > 1 ? `${p}: ${s}` : s))
      .join('  ');
  const rows = r.nodes.map((n) => [
    echo(n.name, 40),
    echo(n.kind, 40),
    // A sink (Output) has no outputs of its own: show what it receives.
    Object.keys(n.outputs).length
      ? shapes(n.outputs)
      : Object.keys(n.inputs).length
        ? `← ${shapes(n.inputs)}`
        : '',
    n.params ? fmt(n.params) : '–',
    n.flops ? humanCount(n.flops) : '–',
  ]);
  const head = ['Node', 'Kind', 'Output shape', 'Params', 'FLOPs'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = '─'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  const out = [r.name, rule, line(head), rule, ...rows.map(line), rule];
  for (const g of r.groups) out.push(`Group ${echo(g.name)}: ${fmt(g.params)} parameters`);
  out.push(
    `Total parameters: ${fmt(r.totals.params)} (trainable ${fmt(r.totals.trainableParams)}, ` +
      `${((r.totals.params * 4) / 2 ** 20).toFixed(2)} MB as float32)`,
    `FLOPs per example: ${humanCount(r.totals.flops)} (${fmt(r.totals.flops)})`,
  );
  const names = new Map(r.nodes.map((n) => [n.id, n.name]));
  const problems = r.diagnostics.map((d) => {
    const where = d.node
      ? `node "${echo(names.get(d.node) ?? d.node)}"${d.field ? ` field ${echo(d.field)}` : ''}${d.port ? ` port ${echo(d.port)}` : ''}`
      : 'graph';
    return `${d.severity}: ${where}: ${d.message}`;
  });
  // A file with 100,000 problems gets the first ones and a count; --json lists them all.
  out.push(...firstFew(problems, maxProblems, 'more problems (netloom inspect --json lists them all)'));
  return out;
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'per-layer table of output shapes, parameters and FLOPs; diagnostics',
  usage: 'netloom inspect <project.json|template-name> [--json]',
  async run(args, io) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    const doc = loadProject(io, oneFile(positionals, 'project file or template name'));
    const lowered = lowerDocument(doc);
    const report = inspectDocument(doc, lowered);
    if (values.json) io.out(JSON.stringify(report, null, 2));
    else for (const l of formatInspectTable(report)) io.out(l);
    return hasErrors(lowered) ? 1 : 0;
  },
};

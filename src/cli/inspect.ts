// `netloom inspect`: a per-node table of kind, output shape, parameters and FLOPs, like
// torchinfo's summary, plus totals, per-group counts and the graph's diagnostics.
import type { NetloomDocument } from '../document/schema.ts';
import { hasErrors } from '../compile/diagnostics.ts';
import { lowerDocument } from '../compile/lower.ts';
import type { Lowered } from '../compile/lower.ts';
import { formatShape } from '../ir/types.ts';
import type { TensorType } from '../ir/types.ts';
import type { Diagnostic } from '../util/errors.ts';
import { oneFile, parse } from './args.ts';
import type { Command } from './command.ts';
import { loadProject } from './project.ts';

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
  const kindOf = new Map(doc.nodes.map((n) => [n.id, n.kind]));
  const inputsOf = (id: string): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const e of doc.edges) {
      if (e.target.node !== id) continue;
      const t = lowered.nodes.get(e.source.node)?.outputs[e.source.port];
      if (t) out[e.target.port] = shapeText(t, kindOf.get(e.source.node) ?? '');
    }
    return out;
  };
  const nodes: InspectNode[] = [];
  for (const id of lowered.order.length ? lowered.order : doc.nodes.map((n) => n.id)) {
    const n = doc.nodes.find((x) => x.id === id);
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
  const parent = new Map(doc.groups.map((g) => [g.id, g.parent]));
  const groups = doc.groups.map((g) => {
    let params = 0;
    for (const n of nodes) {
      // A node counts towards its group and every enclosing group.
      for (let at: string | undefined = n.group ?? undefined; at; at = parent.get(at)) {
        if (at === g.id) params += n.params;
      }
    }
    return { id: g.id, name: g.name, params };
  });
  return { name: doc.name, nodes, groups, totals: { ...lowered.totals }, diagnostics: lowered.diagnostics };
}

const fmt = (n: number) => n.toLocaleString('en-US');

function humanFlops(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

export function formatInspectTable(r: InspectReport): string[] {
  const shapes = (m: Readonly<Record<string, string>>) =>
    Object.entries(m)
      .map(([p, s]) => (Object.keys(m).length > 1 ? `${p}: ${s}` : s))
      .join('  ');
  const rows = r.nodes.map((n) => [
    n.name,
    n.kind,
    // A sink (Output) has no outputs of its own: show what it receives.
    Object.keys(n.outputs).length
      ? shapes(n.outputs)
      : Object.keys(n.inputs).length
        ? `← ${shapes(n.inputs)}`
        : '',
    n.params ? fmt(n.params) : '–',
    n.flops ? humanFlops(n.flops) : '–',
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
  for (const g of r.groups) out.push(`Group ${g.name}: ${fmt(g.params)} parameters`);
  out.push(
    `Total parameters: ${fmt(r.totals.params)} (trainable ${fmt(r.totals.trainableParams)}, ` +
      `${((r.totals.params * 4) / 2 ** 20).toFixed(2)} MB as float32)`,
    `FLOPs per example: ${humanFlops(r.totals.flops)} (${fmt(r.totals.flops)})`,
  );
  const names = new Map(r.nodes.map((n) => [n.id, n.name]));
  for (const d of r.diagnostics) {
    const where = d.node
      ? `node "${names.get(d.node) ?? d.node}"${d.field ? ` field ${d.field}` : ''}${d.port ? ` port ${d.port}` : ''}`
      : 'graph';
    out.push(`${d.severity}: ${where}: ${d.message}`);
  }
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

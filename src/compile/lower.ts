// Document → IR. After the graph checks, every layer expands itself into IR ops in topological
// order; problems become diagnostics on the node (and field or port) they belong to, and lowering
// carries on past them so the editor can show every problem at once.
import type { NetloomDocument } from '../document/schema.ts';
import type { Diagnostic } from '../util/errors.ts';
import { echo } from '../util/text.ts';
import { groupCycles } from '../document/groups.ts';
import type { BuiltGraph } from '../ir/builder.ts';
import { GraphBuilder, maxWeightBytes } from '../ir/builder.ts';
import type { TensorType, Weight } from '../ir/types.ts';
import { numel } from '../ir/types.ts';
import type { LowerMode } from '../layers/layer-def.ts';
import type { WireSource } from './graph-checks.ts';
import { checkGraph } from './graph-checks.ts';
import type { NodeReport } from './lower-node.ts';
import { failedReport, lowerNode, nodeName } from './lower-node.ts';

// A node's name in the graph; the PyTorch export names its modules the same way.
export { nodeName };

export type { NodeReport } from './lower-node.ts';

export interface LowerOptions {
  readonly mode?: LowerMode;
  /** Batch size the graph is built for; exports mark axis 0 of batched inputs symbolic. */
  readonly batch?: number;
}

export interface Totals {
  readonly params: number;
  readonly trainableParams: number;
  readonly flops: number;
}

/** What the editor shows of a lowering: per-node reports, problems, totals, the types on wires. */
export interface LoweringFacts {
  readonly nodes: ReadonlyMap<string, NodeReport>;
  readonly diagnostics: readonly Diagnostic[];
  readonly totals: Totals;
  /** The type each edge carries, by edge id. */
  readonly edgeTypes: ReadonlyMap<string, TensorType>;
  readonly order: readonly string[];
}

export interface Lowered extends LoweringFacts {
  readonly graph: BuiltGraph;
  /** IR value id of each node output: `${node}:${port}`. */
  readonly portValues: ReadonlyMap<string, string>;
}

/**
 * The batch size an imported model's Input nodes fix (its shapes spell that size out), if any.
 * Only a well-formed positive integer counts; anything else is the Input's own diagnostic.
 */
export function fixedBatch(doc: NetloomDocument): number | undefined {
  for (const n of doc.nodes) {
    const b = n.kind === 'Input' ? n.params['batch'] : undefined;
    if (typeof b === 'number' && Number.isInteger(b) && b >= 1) return b;
  }
  return undefined;
}

export const noOutputWarning: Diagnostic = {
  severity: 'warning',
  code: 'no-output',
  message: 'The graph has no Output node, so an export would have no outputs',
};

/**
 * Whether the graph is to be told it has no Output node: it makes no graph output and holds no
 * Output node. An Output whose input failed upstream makes no output either, but that failure is
 * the problem to show, and the Output is there.
 */
export function lacksOutput(doc: NetloomDocument, graphOutputs: number): boolean {
  return graphOutputs === 0 && doc.nodes.length > 0 && !doc.nodes.some((n) => n.kind === 'Output');
}

/**
 * What is said of the whole graph once every node is lowered: a loop of groups (groups only arrange
 * the canvas, so the network stays well defined; every walk up the groups stops at it), and weights
 * too large together for a model to hold.
 */
/** `weightBytes`: the weights' size when the caller keeps it (the editor's lowering does, by deltas). */
export function wholeGraphDiagnostics(
  doc: NetloomDocument,
  weights: readonly Weight[],
  weightBytes = weights.reduce((sum, w) => sum + numel(w.shape) * 4, 0),
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const cycle of groupCycles(doc.groups)) {
    const names = new Map(doc.groups.map((g) => [g.id, g.name]));
    const path = [...cycle, cycle[0]!].map((id) => `"${echo(names.get(id) ?? id, 40)}"`).join(' → ');
    out.push({
      severity: 'warning',
      code: 'group-cycle',
      message: `Groups contain each other in a loop (${path}); move one of them out of the other`,
    });
  }
  if (weightBytes > maxWeightBytes) {
    out.push({
      severity: 'error',
      code: 'too-large',
      message: `The weights take ${(weightBytes / 2 ** 30).toFixed(1)} GiB together; a model (and an ONNX file) holds at most ${maxWeightBytes / 2 ** 30} GiB`,
    });
  }
  return out;
}

/** Names every node may take as a graph input's name, which generated value ids must leave free. */
export function reservedNames(doc: NetloomDocument): Set<string> {
  return new Set(doc.nodes.map(nodeName));
}

export function lowerDocument(doc: NetloomDocument, opts: LowerOptions = {}): Lowered {
  const mode = opts.mode ?? 'inference';
  const batch = fixedBatch(doc) ?? opts.batch ?? 1;
  const b = new GraphBuilder(reservedNames(doc));
  const reports = new Map<string, NodeReport>();
  const portValues = new Map<string, string>();
  const edgeTypes = new Map<string, TensorType>();

  const { nodesById, defs, params, incoming, order, cyclic, diagnostics } = checkGraph(doc);
  const valueOf = (src: WireSource) => portValues.get(`${src.node}:${src.port}`);
  const nodeById = (id: string) => nodesById.get(id);

  for (const nid of order) {
    const n = nodesById.get(nid)!;
    const outcome = lowerNode(b, {
      node: n,
      def: defs.get(nid),
      params: params.get(nid),
      incoming,
      nodeById,
      valueOf,
      mode,
      batch,
    });
    for (const [edge, t] of outcome.edgeTypes) edgeTypes.set(edge, t);
    diagnostics.push(...outcome.diagnostics);
    for (const [port, v] of outcome.outputs) portValues.set(`${nid}:${port}`, v);
    reports.set(nid, outcome.report);
  }
  for (const nid of cyclic) reports.set(nid, failedReport(nodesById.get(nid)!, params.get(nid)));

  const graph = b.build();
  diagnostics.push(...wholeGraphDiagnostics(doc, graph.weights));
  if (lacksOutput(doc, graph.outputs.length)) diagnostics.push(noOutputWarning);
  let params_ = 0;
  let trainable = 0;
  let flops = 0;
  for (const r of reports.values()) {
    params_ += r.params;
    trainable += r.trainableParams;
    flops += r.flops;
  }
  return {
    graph,
    nodes: reports,
    diagnostics,
    totals: { params: params_, trainableParams: trainable, flops },
    edgeTypes,
    order,
    portValues,
  };
}

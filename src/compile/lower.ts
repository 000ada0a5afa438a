// Document → IR. After the graph checks, every layer expands itself into IR ops in topological
// order; problems become diagnostics on the node (and field or port) they belong to, and lowering
// carries on past them so the editor can show every problem at once.
import type { NetloomDocument, DocNode } from '../document/schema.ts';
import type { Diagnostic } from '../util/errors.ts';
import { LayerError } from '../util/errors.ts';
import { echo } from '../util/text.ts';
import { groupCycles } from '../document/groups.ts';
import type { BuiltGraph } from '../ir/builder.ts';
import { GraphBuilder, maxWeightBytes, WeightTooLargeError } from '../ir/builder.ts';
import type { TensorType } from '../ir/types.ts';
import { numel } from '../ir/types.ts';
import type { LowerMode } from '../layers/layer-def.ts';
import { makeContext, portsOf } from '../layers/layer-def.ts';
import { checkGraph } from './graph-checks.ts';

export interface LowerOptions {
  readonly mode?: LowerMode;
  /** Batch size the graph is built for; exports mark axis 0 of batched inputs symbolic. */
  readonly batch?: number;
}

export interface NodeReport {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  /** Output types by port; absent when the node could not be lowered. */
  readonly outputs: Readonly<Record<string, TensorType>>;
  readonly params: number;
  readonly trainableParams: number;
  readonly flops: number;
  readonly ok: boolean;
  /** Parsed parameters with defaults filled in (undefined if they did not parse). */
  readonly resolvedParams: Readonly<Record<string, unknown>> | undefined;
}

export interface Totals {
  readonly params: number;
  readonly trainableParams: number;
  readonly flops: number;
}

export interface Lowered {
  readonly graph: BuiltGraph;
  readonly nodes: ReadonlyMap<string, NodeReport>;
  readonly diagnostics: readonly Diagnostic[];
  readonly totals: Totals;
  /** The type each edge carries, by edge id. */
  readonly edgeTypes: ReadonlyMap<string, TensorType>;
  readonly order: readonly string[];
  /** IR value id of each node output: `${node}:${port}`. */
  readonly portValues: ReadonlyMap<string, string>;
}

export function nodeName(n: DocNode): string {
  return n.name && n.name.trim() !== '' ? n.name : n.id;
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

/**
 * The parameter that sized a weight too large to make: the one whose value is the weight's largest
 * dimension it matches (Dense's units for [units, in]), so the editor marks that field.
 */
function sizingParam(params: Record<string, unknown>, shape: readonly number[]): string | undefined {
  for (const d of [...shape].sort((x, y) => y - x)) {
    for (const [k, v] of Object.entries(params)) {
      if (v === d || (Array.isArray(v) && v.includes(d))) return k;
    }
  }
  return undefined;
}

export function lowerDocument(doc: NetloomDocument, opts: LowerOptions = {}): Lowered {
  const mode = opts.mode ?? 'inference';
  const batch = fixedBatch(doc) ?? opts.batch ?? 1;
  const b = new GraphBuilder();
  const reports = new Map<string, NodeReport>();
  const portValues = new Map<string, string>();
  const edgeTypes = new Map<string, TensorType>();

  const { nodesById, defs, params, incoming, order, cyclic, diagnostics } = checkGraph(doc);

  for (const nid of order) {
    const n = nodesById.get(nid)!;
    const def = defs.get(nid);
    const p = params.get(nid);
    const failReport = (): void => {
      reports.set(nid, {
        id: nid,
        kind: n.kind,
        name: nodeName(n),
        outputs: {},
        params: 0,
        trainableParams: 0,
        flops: 0,
        ok: false,
        resolvedParams: p,
      });
    };
    if (!def || !p) {
      failReport();
      continue;
    }
    const inputs: Record<string, string | undefined> = {};
    let blocked = false;
    for (const port of portsOf(def.inputs, p)) {
      const src = incoming.get(`${nid}:${port.name}`);
      if (!src) {
        if (!port.optional) {
          diagnostics.push({
            severity: 'error',
            code: 'unconnected-input',
            node: nid,
            port: port.name,
            message: `Input "${port.label ?? port.name}" is not connected`,
          });
          blocked = true;
        }
        continue;
      }
      const v = portValues.get(`${src.node}:${src.port}`);
      if (v === undefined) {
        blocked = true; // the upstream node failed and already said why
        continue;
      }
      inputs[port.name] = v;
      edgeTypes.set(src.edge, b.type(v));
    }
    if (blocked) {
      failReport();
      continue;
    }
    b.node = nid;
    b.weightOwner = undefined;
    if (n.sharesWeightsWith !== undefined) {
      const owner = nodesById.get(n.sharesWeightsWith);
      const problem = !owner
        ? `shares weights with "${echo(n.sharesWeightsWith)}", which is not a node of this graph`
        : owner.kind !== n.kind
          ? `shares weights with "${echo(nodeName(owner))}", a ${echo(owner.kind)}; weights can be shared only between layers of the same kind (${echo(n.kind)})`
          : owner.sharesWeightsWith !== undefined
            ? `shares weights with "${echo(nodeName(owner))}", which itself shares another node's; point to the owner "${echo(owner.sharesWeightsWith)}"`
            : undefined;
      if (problem) {
        diagnostics.push({
          severity: 'error',
          code: 'bad-param',
          node: nid,
          field: 'sharesWeightsWith',
          message: problem,
        });
        failReport();
        continue;
      }
      b.weightOwner = owner!.id;
    }
    const mark = b.mark();
    try {
      // A frozen layer is fixed while the rest trains: it computes as at inference (a BatchNorm
      // uses and keeps its running statistics), so its weights stay exactly as they are.
      const ctx = makeContext(b, nid, nodeName(n), n.frozen ? 'inference' : mode, batch);
      const outs = def.lower(ctx, inputs, p);
      const outTypes: Record<string, TensorType> = {};
      for (const port of portsOf(def.outputs, p)) {
        const v = outs[port.name];
        if (v === undefined) throw new Error(`${def.kind} did not produce output ${port.name}`);
        portValues.set(`${nid}:${port.name}`, v);
        outTypes[port.name] = b.type(v);
      }
      const built = b.build();
      let count = 0;
      for (let i = mark.weights; i < built.weights.length; i++) {
        const w = built.weights[i]!;
        if (w.role === 'param') count += numel(w.shape);
      }
      let flops = 0;
      for (let i = mark.ops; i < built.ops.length; i++) flops += built.opFlops.get(built.ops[i]!.id) ?? 0;
      reports.set(nid, {
        id: nid,
        kind: n.kind,
        name: nodeName(n),
        outputs: outTypes,
        params: count,
        trainableParams: n.frozen ? 0 : count,
        flops,
        ok: true,
        resolvedParams: p,
      });
    } catch (e) {
      b.rollback(mark);
      if (!(e instanceof LayerError)) throw e;
      const field = e.field ?? (e instanceof WeightTooLargeError ? sizingParam(p, e.shape) : undefined);
      diagnostics.push({
        severity: 'error',
        code: e.code,
        node: nid,
        ...(field ? { field } : {}),
        ...(e.port ? { port: e.port } : {}),
        message: e.message,
      });
      failReport();
    }
  }
  for (const nid of cyclic) {
    const n = nodesById.get(nid)!;
    reports.set(nid, {
      id: nid,
      kind: n.kind,
      name: nodeName(n),
      outputs: {},
      params: 0,
      trainableParams: 0,
      flops: 0,
      ok: false,
      resolvedParams: params.get(nid),
    });
  }

  // Groups only arrange the canvas, so a loop of parents leaves the network well defined; it is
  // shown, and every walk up the groups stops at it.
  for (const cycle of groupCycles(doc.groups)) {
    const names = new Map(doc.groups.map((g) => [g.id, g.name]));
    const path = [...cycle, cycle[0]!].map((id) => `"${echo(names.get(id) ?? id, 40)}"`).join(' → ');
    diagnostics.push({
      severity: 'warning',
      code: 'group-cycle',
      message: `Groups contain each other in a loop (${path}); move one of them out of the other`,
    });
  }

  const graph = b.build();
  const weightBytes = graph.weights.reduce((sum, w) => sum + numel(w.shape) * 4, 0);
  if (weightBytes > maxWeightBytes) {
    diagnostics.push({
      severity: 'error',
      code: 'too-large',
      message: `The weights take ${(weightBytes / 2 ** 30).toFixed(1)} GiB together; a model (and an ONNX file) holds at most ${maxWeightBytes / 2 ** 30} GiB`,
    });
  }
  if (graph.outputs.length === 0 && doc.nodes.length > 0) {
    diagnostics.push({
      severity: 'warning',
      code: 'no-output',
      message: 'The graph has no Output node, so an export would have no outputs',
    });
  }
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

// One document node's lowering: its inputs resolved from the wires, its weight sharing checked,
// its layer's lower() run on a builder, its report and diagnostics. The whole-document lowering
// (lower.ts) runs it on one shared builder for every node in order; the editor's incremental
// lowering (incremental.ts) runs it on a builder of its own per node that changed. One function
// for both is what makes the incremental result the full one.
import type { DocNode } from '../document/schema.ts';
import type { Diagnostic } from '../util/errors.ts';
import { LayerError } from '../util/errors.ts';
import type { GraphBuilder } from '../ir/builder.ts';
import { WeightTooLargeError } from '../ir/builder.ts';
import { echo } from '../util/text.ts';
import type { TensorType } from '../ir/types.ts';
import { numel } from '../ir/types.ts';
import type { AnyLayerDef, LowerMode } from '../layers/layer-def.ts';
import { makeContext, portsOf } from '../layers/layer-def.ts';
import type { WireSource } from './graph-checks.ts';

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

export function nodeName(n: DocNode): string {
  return n.name && n.name.trim() !== '' ? n.name : n.id;
}

/** A report for a node that could not be lowered (no outputs, nothing counted). */
export function failedReport(n: DocNode, p: Readonly<Record<string, unknown>> | undefined): NodeReport {
  return {
    id: n.id,
    kind: n.kind,
    name: nodeName(n),
    outputs: {},
    params: 0,
    trainableParams: 0,
    flops: 0,
    ok: false,
    resolvedParams: p,
  };
}

/** What lowering one node needs besides the builder. */
export interface NodeStep {
  readonly node: DocNode;
  readonly def: AnyLayerDef | undefined;
  /** Parsed parameters; undefined when they do not parse. */
  readonly params: Record<string, unknown> | undefined;
  readonly incoming: ReadonlyMap<string, WireSource>;
  /** The node another one names in `sharesWeightsWith` (looked up in the document). */
  readonly nodeById: (id: string) => DocNode | undefined;
  /** The IR value an upstream output port holds; undefined when that node failed (or is not lowered). */
  readonly valueOf: (source: WireSource) => string | undefined;
  readonly mode: LowerMode;
  readonly batch: number;
}

export interface NodeOutcome {
  readonly report: NodeReport;
  /** Problems found lowering this node, in the order found. */
  readonly diagnostics: readonly Diagnostic[];
  /** The IR value of each output port (empty when the node failed). */
  readonly outputs: ReadonlyMap<string, string>;
  /** The type carried by each wire into this node whose source has a value, in port order. */
  readonly edgeTypes: readonly (readonly [string, TensorType])[];
  /** Graph outputs the node declared (an Output layer declares one). */
  readonly graphOutputs: number;
}

function sharingProblem(n: DocNode, owner: DocNode | undefined): string | undefined {
  if (!owner) return `shares weights with "${echo(n.sharesWeightsWith)}", which is not a node of this graph`;
  if (owner.kind !== n.kind)
    return `shares weights with "${echo(nodeName(owner))}", a ${echo(owner.kind)}; weights can be shared only between layers of the same kind (${echo(n.kind)})`;
  if (owner.sharesWeightsWith !== undefined)
    return `shares weights with "${echo(nodeName(owner))}", which itself shares another node's; point to the owner "${echo(owner.sharesWeightsWith)}"`;
  return undefined;
}

/** A value's type alone (its IR id is the builder's business, and differs between builders). */
function typeOf(b: GraphBuilder, v: string): TensorType {
  const { shape, dtype } = b.type(v);
  return { shape, dtype };
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

/** Lowers one node onto `b` (rolled back to where it was if the layer fails). */
export function lowerNode(b: GraphBuilder, s: NodeStep): NodeOutcome {
  const { node: n, def, params: p } = s;
  const nid = n.id;
  const diagnostics: Diagnostic[] = [];
  const edgeTypes: (readonly [string, TensorType])[] = [];
  const failed = (): NodeOutcome => ({
    report: failedReport(n, p),
    diagnostics,
    outputs: new Map(),
    edgeTypes,
    graphOutputs: 0,
  });
  if (!def || !p) return failed();
  const inputs: Record<string, string | undefined> = {};
  let blocked = false;
  for (const port of portsOf(def.inputs, p)) {
    const src = s.incoming.get(`${nid}:${port.name}`);
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
    const v = s.valueOf(src);
    if (v === undefined) {
      blocked = true; // the upstream node failed and already said why
      continue;
    }
    inputs[port.name] = v;
    edgeTypes.push([src.edge, typeOf(b, v)]);
  }
  if (blocked) return failed();
  b.node = nid;
  b.weightOwner = undefined;
  if (n.sharesWeightsWith !== undefined) {
    const owner = s.nodeById(n.sharesWeightsWith);
    const problem = sharingProblem(n, owner);
    if (problem) {
      diagnostics.push({
        severity: 'error',
        code: 'bad-param',
        node: nid,
        field: 'sharesWeightsWith',
        message: problem,
      });
      return failed();
    }
    b.weightOwner = owner!.id;
  }
  const mark = b.mark();
  try {
    // A frozen layer is fixed while the rest trains: it computes as at inference (a BatchNorm
    // uses and keeps its running statistics), so its weights stay exactly as they are.
    const ctx = makeContext(b, nid, nodeName(n), n.frozen ? 'inference' : s.mode, s.batch);
    const outs = def.lower(ctx, inputs, p);
    const outTypes: Record<string, TensorType> = {};
    const outputs = new Map<string, string>();
    for (const port of portsOf(def.outputs, p)) {
      const v = outs[port.name];
      if (v === undefined) throw new Error(`${def.kind} did not produce output ${port.name}`);
      outputs.set(port.name, v);
      outTypes[port.name] = typeOf(b, v);
    }
    let count = 0;
    for (let i = mark.weights; i < b.weights.length; i++) {
      const w = b.weights[i]!;
      if (w.role === 'param') count += numel(w.shape);
    }
    let flops = 0;
    for (let i = mark.ops; i < b.ops.length; i++) flops += b.flopsOf(b.ops[i]!.id);
    return {
      report: {
        id: nid,
        kind: n.kind,
        name: nodeName(n),
        outputs: outTypes,
        params: count,
        trainableParams: n.frozen ? 0 : count,
        flops,
        ok: true,
        resolvedParams: p,
      },
      diagnostics,
      outputs,
      edgeTypes,
      graphOutputs: b.outputs.length - mark.outputs,
    };
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
    return failed();
  }
}

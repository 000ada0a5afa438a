// An imported ONNX graph back into an editable Document. Known op patterns fold into the layers
// that would have produced them (Gemm and MatMul + Add → Dense, Conv → Conv2d or DepthwiseConv2d,
// a BatchNorm torch folded into its Conv → Conv2d + BatchNorm2d, torch's LayerNorm and GELU
// decompositions, fused LSTM/GRU/RNN → the recurrent layers, …) with the file's weights under the
// layers' weight names; every other op becomes an ONNX op node that lowers to exactly that op. So
// any model the importer reads opens, shows its shapes, trains and exports again. torch's module
// paths name the nodes and become groups, so the canvas reads like the torch module tree.
import type { DocEdge, DocGroup, DocNode, NetloomDocument } from '../document/schema.ts';
import type { ConstTensor, Graph, Op, Weight } from '../ir/types.ts';
import { constInts, numel } from '../ir/types.ts';
import type { OnnxAttrJson, OnnxSlot } from '../layers/onnx.ts';
import { onnxOutputPort, tensorToJson } from '../layers/onnx.ts';
import { layerDef } from '../layers/registry.ts';
import { NetloomError } from '../util/errors.ts';
import { echo } from '../util/text.ts';
import { hasErrors } from '../compile/diagnostics.ts';
import { lowerDocument } from '../compile/lower.ts';
import type { ImportedModel } from './import.ts';
import { describeImport } from './import.ts';
import { foldPatterns } from './fold-patterns.ts';
import type { FoldContext, Port } from './fold-patterns.ts';
import { foldEncoderLayers } from './fold-encoder-layer.ts';
import { importGroups } from './import-groups.ts';
import { batchNormPathFor, modulePath, opPart, splitWeightName } from './torch-names.ts';

export interface ImportedDocument {
  readonly doc: NetloomDocument;
  /** Weight values by the Document's weight ids (`<node>.<name>`). */
  readonly weights: Map<string, Float32Array>;
  /** One line on what was read: opset, producer, inputs. */
  readonly summary: string;
  /** Ops that became ONNX op nodes, by op type (how much of the model no layer describes). */
  readonly genericOps: ReadonlyMap<string, number>;
}

export interface ToDocumentOptions {
  /** Group nodes by torch module path (default true). */
  readonly groups?: boolean;
}

/** [out, in] from [in, out]: a MatMul's right operand as a Dense weight. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/** int64 values beyond what a double holds exactly (Slice's "to the end") are kept in range. */
const int64Max = 9223372036854774784;
const recurrentOps = new Set(['LSTM', 'GRU', 'RNN']);

function attrJson(v: Op['attrs'][string]): OnnxAttrJson {
  if (typeof v === 'object' && !Array.isArray(v)) return tensorToJson(v as ConstTensor);
  return v as OnnxAttrJson;
}

class DocumentBuilder implements FoldContext {
  readonly nodes: DocNode[] = [];
  readonly edges: DocEdge[] = [];
  readonly weights = new Map<string, Float32Array>();
  readonly producer = new Map<string, Port>();
  readonly consumers = new Map<string, Op[]>();
  readonly producerOp = new Map<string, Op>();
  readonly outputs: Set<string>;
  readonly weightOf: Map<string, Weight>;
  readonly generic = new Map<string, number>();
  private readonly used = new Set<string>();
  readonly containers = new Set<string>();
  private readonly opsInScope = new Map<string, number>();
  /** Module path of each node, for groups. */
  readonly scopeOf = new Map<string, string>();
  /** Each node's first output shape, for stages by resolution. */
  private readonly outShape = new Map<string, readonly number[] | undefined>();
  /** Ops that have their node. */
  readonly done = new Set<Op>();

  constructor(
    readonly m: ImportedModel,
    readonly path: string,
  ) {
    const g = m.graph;
    this.outputs = new Set(g.outputs.map((o) => o.value));
    this.weightOf = new Map(g.weights.map((w) => [w.id, w]));
    for (const op of g.ops) {
      for (const o of op.outputs) this.producerOp.set(o, op);
      for (const v of new Set(op.inputs)) {
        if (v === '') continue;
        const list = this.consumers.get(v) ?? [];
        list.push(op);
        this.consumers.set(v, list);
      }
      const scope = modulePath(op.node);
      if (scope !== undefined) {
        this.opsInScope.set(scope, (this.opsInScope.get(scope) ?? 0) + 1);
        const parts = scope.split('.');
        for (let i = 1; i < parts.length; i++) this.containers.add(parts.slice(0, i).join('.'));
      }
    }
    for (const s of this.opsInScope.keys()) {
      for (const c of this.containers) if (s.startsWith(`${c}.`)) this.containers.add(c);
    }
  }

  get graph(): Graph {
    return this.m.graph;
  }

  fail(op: Op, why: string): never {
    throw new NetloomError(
      'unsupported-op',
      `${this.path}: node '${echo(op.node)}' (${echo(op.type, 40)}) ${why}`,
      {
        path: this.path,
        nodeId: op.node,
      },
    );
  }

  isWeight(v: string | undefined): v is string {
    return v !== undefined && v !== '' && this.weightOf.has(v);
  }

  constant(v: string | undefined): ConstTensor | undefined {
    return v === undefined || v === '' ? undefined : this.graph.constants.get(v);
  }

  scalar(v: string | undefined): number | undefined {
    const c = this.constant(v);
    return c && numel(c.shape) === 1 ? constInts(c)[0] : undefined;
  }

  /** The one op reading v, when v is read by exactly one op and is not a graph output. */
  sole(v: string): Op | undefined {
    const c = this.consumers.get(v);
    return c?.length === 1 && !this.outputs.has(v) ? c[0] : undefined;
  }

  shape(v: string): readonly number[] {
    return this.graph.values.get(v)!.shape;
  }

  private freshId(base: string): string {
    const clean = base.replace(/^\/+/, '').replace(/[/:]+/g, '.') || 'node';
    let id = clean;
    for (let k = 2; this.used.has(id); k++) id = `${clean}_${k}`;
    this.used.add(id);
    return id;
  }

  unused(v: string): boolean {
    return !this.consumers.has(v) && !this.outputs.has(v);
  }

  placed(op: Op): boolean {
    return this.done.has(op);
  }

  /** torch's module path for a node whose layer owns weights: from its weights' names, else the op's scope. */
  idFor(op: Op, weightIds: readonly (string | undefined)[] = [], claimed: readonly Op[] = [op]): string {
    for (const w of weightIds) {
      const split = w ? splitWeightName(w) : undefined;
      if (split && !this.used.has(split.node)) return this.remember(this.freshId(split.node), op);
    }
    const scope = modulePath(op.node);
    if (scope === undefined) return this.remember(this.freshId(op.node), op);
    // The layer is its module when it claims every op torch wrote in that module's scope.
    const mine = claimed.filter((o) => modulePath(o.node) === scope).length;
    const alone = (this.opsInScope.get(scope) ?? 0) === mine && !this.containers.has(scope);
    return this.remember(this.freshId(alone ? scope : `${scope}.${opPart(op.node)}`), op);
  }

  /** The id a layer torch folded into this op's layer would have had (a BatchNorm after a Conv). */
  siblingId(of: string, op: Op): string {
    const id = this.freshId(batchNormPathFor(of));
    const scope = modulePath(op.node);
    if (scope !== undefined) this.scopeOf.set(id, scope);
    return id;
  }

  private remember(id: string, op: Op): string {
    const scope = modulePath(op.node);
    if (scope !== undefined) this.scopeOf.set(id, scope);
    return id;
  }

  add(id: string, kind: string, params: Record<string, unknown>, name?: string): string {
    this.nodes.push({ id, kind, params, position: { x: 0, y: 0 }, ...(name ? { name } : {}) });
    return id;
  }

  wire(value: string, to: string, port = 'x'): void {
    const from = this.producer.get(value);
    if (!from) {
      throw new NetloomError(
        'invalid-onnx',
        `${this.path}: value '${echo(value)}' has no producer Netloom can show`,
        {
          path: this.path,
        },
      );
    }
    this.edges.push({
      id: `e${this.edges.length}`,
      source: { node: from.node, port: from.port },
      target: { node: to, port },
    });
  }

  setWeight(node: string, name: string, data: Float32Array | undefined): void {
    if (data) this.weights.set(`${node}.${name}`, data);
  }

  value(id: string): Float32Array {
    return this.m.weights.get(id)!;
  }

  output(v: string, node: string, port = 'y'): void {
    this.producer.set(v, { node, port });
    if (!this.outShape.has(node)) this.outShape.set(node, this.graph.values.get(v)?.shape);
  }

  /** Any op as an ONNX op node: computed inputs wired, weights owned, constants carried. */
  genericNode(op: Op): void {
    const weightIds = op.inputs.filter((v) => this.isWeight(v));
    // A node whose weights all belong to one torch module takes that module's path, so the
    // weights keep their state_dict names.
    const owners = new Set(weightIds.map((w) => splitWeightName(w)?.node ?? ''));
    const owner = owners.size === 1 ? [...owners][0] : undefined;
    const id = owner && !this.used.has(owner) ? this.remember(this.freshId(owner), op) : this.idFor(op);
    const computed = op.inputs.filter((v) => v !== '' && !this.isWeight(v) && !this.constant(v));
    const batchMarks = this.m.batchConstants;
    const ports: { value: string; port: string }[] = [];
    const slots: OnnxSlot[] = op.inputs.map((v, i): OnnxSlot => {
      if (v === '') return { kind: 'none' };
      if (this.isWeight(v)) {
        const w = this.weightOf.get(v)!;
        const split = splitWeightName(v);
        const name =
          split && split.node === id ? split.name : weightIds.length === 1 ? 'weight' : `weight${i}`;
        this.setWeight(id, name, this.value(v));
        return { kind: 'weight', name, shape: [...w.shape], role: w.role, init: 'zeros' };
      }
      const c = this.constant(v);
      // torch writes a recurrent op's zero initial state as ConstantOfShape([layers, batch, hidden]),
      // folded here at the batch it was exported with; the op's own default is the same zeros at
      // every batch, so the input is left out.
      if (
        c &&
        recurrentOps.has(op.type) &&
        i >= 5 &&
        Array.from(c.data as ArrayLike<number | bigint>).every((x) => Number(x) === 0)
      ) {
        return { kind: 'none' };
      }
      if (c) {
        const data = c.data instanceof BigInt64Array ? Array.from(c.data, Number) : Array.from(c.data);
        const safe = c.dtype === 'int64' ? data.map((x) => Math.max(Math.min(x, int64Max), -int64Max)) : data;
        const marks = batchMarks.get(v);
        const batch = marks?.flatMap((b, k) => (b ? [k] : []));
        return {
          kind: 'const',
          dtype: c.dtype,
          shape: [...c.shape],
          data: safe,
          ...(batch && batch.length ? { batch } : {}),
        };
      }
      const port = computed.length === 1 ? 'x' : `x${i}`;
      ports.push({ value: v, port });
      return { kind: 'port', name: port };
    });
    this.add(id, 'OnnxOp', {
      op: op.type,
      attrs: Object.fromEntries(Object.entries(op.attrs).map(([k, v]) => [k, attrJson(v)])),
      inputs: slots,
      outputs: op.outputs.length,
    });
    for (const p of ports) this.wire(p.value, id, p.port);
    op.outputs.forEach((o, i) => this.output(o, id, onnxOutputPort(i)));
    this.generic.set(op.type, (this.generic.get(op.type) ?? 0) + 1);
  }

  /** Blocks from torch's module paths (see import-groups.ts). */
  groups(): DocGroup[] {
    const { groups, groupOf } = importGroups(
      this.nodes.map((n) => ({
        id: n.id,
        kind: n.kind,
        scope: this.scopeOf.get(n.id),
        shape: this.outShape.get(n.id),
      })),
      this.containers,
    );
    for (const n of this.nodes) {
      const g = groupOf.get(n.id);
      if (g) n.group = g;
    }
    return groups;
  }
}

export function importedToDocument(
  m: ImportedModel,
  path = 'model.onnx',
  opts: ToDocumentOptions = {},
): ImportedDocument {
  const b = new DocumentBuilder(m, path);
  const g = m.graph;
  for (const i of g.inputs) {
    const t = g.values.get(i.value)!;
    const shape = t.shape.slice(i.batched ? 1 : 0);
    const id = b.add(inputId(b, i.name), 'Input', { shape, dtype: t.dtype }, i.name);
    b.output(i.value, id);
  }
  foldPatterns(b, b.done);
  for (const o of g.outputs.filter((x) => x.role === 'output')) {
    const id = b.add(outputId(b, o.name), 'Output', {}, o.name);
    b.wire(o.value, id);
  }
  foldEncoderLayers(b);
  const groups = opts.groups === false ? [] : b.groups();
  const base = path.replace(/^.*[\\/]/, '');
  const doc: NetloomDocument = {
    format: 'netloom',
    version: 1,
    name: m.name && m.name !== 'main_graph' && m.name !== 'torch_jit' ? m.name : base.replace(/\.onnx$/i, ''),
    description: `Imported from ${base} (${describeImport(m)}).`,
    nodes: b.nodes,
    edges: b.edges,
    groups,
  };
  fixBatchWhereSpelled(doc, m.fileBatch);
  return {
    doc,
    weights: b.weights,
    summary: describeImport(m),
    genericOps: b.generic,
  };
}

/**
 * A model whose ops spell out the batch it was exported for (a Reshape to [5, 8, 8] that is
 * [L, N·heads, d] at N = 2) works at that batch only: built for another, it fails or its outputs
 * lose the batch axis. Its Input nodes then fix that batch, so it opens, trains and exports at it.
 */
function fixBatchWhereSpelled(doc: NetloomDocument, fileBatch: number | undefined): void {
  // The probe lowers the whole model once or twice: most of the conversion's time at 5,000 layers
  // (0.3–0.6 s). A model made only of layers that keep whatever batch they are given (their
  // kinds say so: LayerDef.keepsBatch), from Inputs that fix none, spells no batch: the probe
  // would leave it as it is.
  if (doc.nodes.every((n) => layerDef(n.kind)?.keepsBatch && !(n.kind === 'Input' && 'batch' in n.params)))
    return;
  const at = fileBatch ?? 1;
  const other = at + 1;
  const probe = lowerDocument(doc, { batch: other });
  const outputsKeepBatch = probe.graph.outputs.every(
    (o) => probe.graph.values.get(o.value)?.shape[0] === other,
  );
  if (!hasErrors(probe) && outputsKeepBatch) return;
  if (hasErrors(lowerDocument(doc, { batch: at }))) return;
  for (const n of doc.nodes) if (n.kind === 'Input') n.params['batch'] = at;
}

function inputId(b: DocumentBuilder, name: string): string {
  return b.idFor({ id: name, type: 'Input', inputs: [], outputs: [], attrs: {}, node: name });
}

function outputId(b: DocumentBuilder, name: string): string {
  return b.idFor({ id: name, type: 'Output', inputs: [], outputs: [], attrs: {}, node: `out.${name}` });
}

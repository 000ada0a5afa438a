// ONNX bytes → IR graph + weight values. Shapes are inferred with the IR's op rows, so an imported
// model is checked by the same rules as one built in the editor. What torch.onnx.export writes by
// default is read as the user meant it: a static leading dimension is the batch axis, one-element
// initializers (a one-unit head's bias, PReLU's single slope) are weights, and parameters torch
// merged because their values were equal (fresh LayerNorms' ones, zero biases: one initializer
// read through Identity nodes named after each parameter) are separate weights again. Ops the IR
// has no row for are refused together, every one named, in one message.
import type {
  AttrValue,
  ConstTensor,
  Graph,
  GraphInput,
  GraphOutput,
  Op,
  TensorType,
  Value,
  Weight,
  WeightRole,
} from '../ir/types.ts';
import { constInts, formatShape, numel } from '../ir/types.ts';
import { opRow } from '../ir/ops/registry.ts';
import { attrFitsType } from '../ir/ops/op-row.ts';
import { LayerError, NetloomError } from '../util/errors.ts';
import { echo } from '../util/text.ts';
import { decodeModel, onnxOpset } from './proto.ts';
import type { Folded } from './import-fold.ts';
import { fold, foldOnlyOps, maxFoldElements } from './import-fold.ts';
import type { OnnxGraph, OnnxNode, OnnxValueInfo } from './import-proto.ts';
import { dataTypeName, decodeAttribute, decodeTensor, irDType, modelSchema } from './import-proto.ts';
import { normalizeToOpset17 } from './import-opset.ts';
import { splitWeightName } from './torch-names.ts';

/**
 * Opset 13 moved the axes of Squeeze, Unsqueeze, ReduceSum and Split from attributes to inputs, as
 * our rows read them; from 13 to 17 the ops we hold changed only in ways the rows accept, and
 * opset 18's changes (axes of the other reductions and of Pad as inputs, Split's num_outputs) are
 * rewritten to their opset-17 form on import.
 */
export const minImportOpset = 13;
export const maxImportOpset = 18;

export interface ImportOptions {
  /**
   * Size of the batch axis (axis 0 of every graph input). Default: the file's own size where it
   * is static, 1 where it is symbolic.
   */
  readonly batch?: number;
  /** Keep a static leading dimension static (not a batch axis). */
  readonly fixedBatch?: boolean;
  /** Sizes of other symbolic dimensions, by their dim_param name. */
  readonly dims?: Readonly<Record<string, number>>;
  /** The file, for messages. */
  readonly path?: string;
}

export interface ImportedModel {
  readonly graph: Graph;
  /** Values of every weight, by weight id (the ONNX initializer name). */
  readonly weights: Map<string, Float32Array>;
  readonly opset: number;
  readonly producer: string;
  readonly name: string;
  /** Things that import kept but changed or fixed (e.g. a batch size baked into a shape). */
  readonly warnings: readonly string[];
  /** The batch size the file's inputs spell out, where they are static. */
  readonly fileBatch: number | undefined;
  /** int64 constants whose elements are the batch size (from the model's shape arithmetic). */
  readonly batchConstants: ReadonlyMap<string, readonly boolean[]>;
}

/** The most elements all folded constants of one import may hold together. */
const maxFoldedTotal = 4 * maxFoldElements;

interface Use {
  readonly op: string;
  readonly index: number;
  readonly node: string;
}

class Importer {
  private readonly values = new Map<string, Value>();
  private readonly consts = new Map<string, Folded>();
  private readonly usedConsts = new Set<string>();
  /** Values whose axis 0 is the batch. */
  private readonly batchAxis0 = new Set<string>();
  private readonly ops: Op[] = [];
  private readonly opIds = new Set<string>();
  private readonly weights: Weight[] = [];
  private readonly weightValues = new Map<string, Float32Array>();
  private readonly inputs: GraphInput[] = [];
  /** Outputs of Identity nodes that read an initializer: weights of their own. */
  private copied = new Set<string>();
  /** Values computed by an op Netloom cannot run (what reads them is not checked). */
  private readonly unknown = new Set<string>();
  /** Unsupported op types → the nodes that have them. */
  private readonly unsupported = new Map<string, string[]>();
  readonly warnings: string[] = [];
  readonly batchConstants = new Map<string, readonly boolean[]>();
  fileBatch: number | undefined;
  private foldedElements = 0;

  constructor(
    private readonly g: OnnxGraph,
    private readonly opts: ImportOptions,
    private readonly opset: number,
  ) {}

  private err(code: 'invalid-onnx' | 'unsupported-op', message: string, nodeId?: string): NetloomError {
    const where = this.opts.path ? `${this.opts.path}: ` : '';
    return new NetloomError(code, where + message, {
      ...(this.opts.path ? { path: this.opts.path } : {}),
      ...(nodeId ? { nodeId } : {}),
    });
  }

  private define(id: string, t: TensorType, what: string): void {
    if (this.values.has(id) || this.consts.has(id)) {
      throw this.err('invalid-onnx', `${what} defines '${echo(id)}', which is already defined`);
    }
    this.values.set(id, { id, shape: t.shape, dtype: t.dtype });
  }

  run(): Graph {
    if (this.g.sparseInitializer.length) {
      throw this.err('unsupported-op', 'sparse initializers are not supported');
    }
    const initNames = new Set<string>();
    for (const t of this.g.initializer) {
      if (initNames.has(t.name))
        throw this.err('invalid-onnx', `initializer '${echo(t.name)}' is given twice`);
      initNames.add(t.name);
    }
    const outputNames = new Set(this.g.output.map((o) => o.name));
    // torch.onnx.export writes one initializer for parameters whose values are equal (fresh
    // LayerNorms, zero biases) and reads it through an Identity named after each other parameter.
    // Those were separate parameters: each Identity of an initializer is a weight of its own.
    const copyOf = new Map<string, string>();
    for (const n of this.g.node) {
      const src = n.input[0];
      const out = n.output[0];
      if (n.opType !== 'Identity' || (n.domain !== '' && n.domain !== 'ai.onnx')) continue;
      if (src === undefined || out === undefined || outputNames.has(out)) continue;
      const root = copyOf.get(src) ?? src;
      if (initNames.has(root)) copyOf.set(out, root);
    }
    this.copied = new Set(copyOf.keys());
    const uses = new Map<string, Use[]>();
    this.g.node.forEach((n, k) => {
      if (n.opType === 'Identity' && this.copied.has(n.output[0] ?? '')) return;
      n.input.forEach((v, index) => {
        if (v === '') return;
        const list = uses.get(v) ?? [];
        list.push({ op: n.opType, index, node: n.name || `${n.opType}_${k}` });
        uses.set(v, list);
      });
    });
    const decoded = new Map<string, ConstTensor>();
    for (const t of this.g.initializer) {
      const c = decodeTensor(t, `initializer '${echo(t.name)}'`);
      decoded.set(t.name, c);
      this.initializer(c, t.name, uses.get(t.name) ?? []);
    }
    for (const [out, root] of copyOf) {
      const c = decoded.get(root)!;
      const data =
        c.data instanceof Float32Array
          ? Float32Array.from(c.data)
          : c.data instanceof BigInt64Array
            ? BigInt64Array.from(c.data)
            : Uint8Array.from(c.data);
      this.initializer({ shape: c.shape, dtype: c.dtype, data }, out, uses.get(out) ?? []);
    }
    // Before IR version 4 initializers were also listed as graph inputs; they stay weights.
    for (const i of this.g.input) if (!initNames.has(i.name)) this.graphInput(i);
    this.g.node.forEach((n, k) => this.node(n, k));
    if (this.unsupported.size > 0) throw this.unsupportedError();
    const outputs: GraphOutput[] = this.g.output.map((o) => this.graphOutput(o.name));
    if (outputs.length === 0) throw this.err('invalid-onnx', 'the graph has no outputs');
    const constants = new Map<string, ConstTensor>();
    for (const id of this.usedConsts) {
      const c = this.consts.get(id)!;
      constants.set(id, c.tensor);
      this.values.set(id, { id, shape: c.tensor.shape, dtype: c.tensor.dtype });
      if (c.batch?.some(Boolean)) this.batchConstants.set(id, c.batch);
    }
    return {
      values: this.values,
      ops: this.ops,
      inputs: this.inputs,
      outputs,
      weights: this.weights,
      constants,
    };
  }

  private unsupportedError(): NetloomError {
    const list = [...this.unsupported].map(([type, nodes]) => {
      const shown = nodes
        .slice(0, 3)
        .map((n) => `'${echo(n)}'`)
        .join(', ');
      const more = nodes.length > 3 ? `, … ${nodes.length - 3} more` : '';
      return `${type} (${nodes.length} node${nodes.length === 1 ? '' : 's'}: ${shown}${more})`;
    });
    const first = [...this.unsupported.values()][0]?.[0];
    const n = this.unsupported.size;
    return this.err(
      'unsupported-op',
      `Netloom cannot run ${n === 1 ? 'this op' : `these ${n} ops`}: ${list.join('; ')}`,
      first,
    );
  }

  get weightMap(): Map<string, Float32Array> {
    return this.weightValues;
  }

  private initializer(t: ConstTensor, name: string, uses: readonly Use[]): void {
    // An input its op needs known when the graph is built (the op's row says which; ops folded at
    // import, such as ConstantOfShape, read only constants).
    const constUse = uses.some(
      (u) => opRow(u.op)?.constantInputs?.includes(u.index) || foldOnlyOps.has(u.op),
    );
    // A scalar (rank 0) is a constant. Every float tensor of rank 1 or more a trainable op reads
    // is a weight, one element included: nn.Linear(n, 1)'s bias, nn.PReLU()'s slope (which torch
    // writes as onnx::PRelu_N of shape [1, 1, 1]). torch writes true constants as Constant nodes.
    const n = numel(t.shape);
    const scalarLike = t.shape.length === 0 || n === 0;
    if (t.dtype !== 'float32' || scalarLike || constUse || uses.length === 0) {
      this.consts.set(name, { tensor: t });
      return;
    }
    const role: WeightRole = uses.some((u) => opRow(u.op)?.stateInputs?.includes(u.index))
      ? 'state'
      : 'param';
    const split = splitWeightName(name);
    this.addWeight(
      name,
      split?.node ?? uses[0]!.node,
      split?.name ?? name,
      t.shape,
      role,
      t.data as Float32Array,
    );
  }

  private addWeight(
    id: string,
    node: string,
    name: string,
    shape: readonly number[],
    role: WeightRole,
    data: Float32Array,
  ): void {
    this.define(id, { shape, dtype: 'float32' }, `initializer '${echo(id)}'`);
    const w: Weight = { id, node, name, shape, dtype: 'float32', role, init: { kind: 'values', data } };
    this.weights.push(w);
    this.weightValues.set(id, data);
  }

  private graphInput(i: OnnxValueInfo): void {
    const tt = i.type?.tensorType;
    if (!tt) throw this.err('unsupported-op', `input '${echo(i.name)}' is not a tensor`);
    const dtype = irDType(tt.elemType);
    if (!dtype) {
      throw this.err(
        'unsupported-op',
        `input '${echo(i.name)}' has element type ${dataTypeName(tt.elemType)}; Netloom handles FLOAT, INT64 and BOOL`,
      );
    }
    if (!tt.shape)
      throw this.err('unsupported-op', `input '${echo(i.name)}' has no shape; Netloom needs static shapes`);
    const dims = tt.shape.dim;
    let batched = false;
    const shape = dims.map((d, axis) => {
      if (d.dimValue !== undefined && d.dimParam === undefined) {
        if (!Number.isSafeInteger(d.dimValue) || d.dimValue < 0) {
          throw this.err(
            'invalid-onnx',
            `input '${echo(i.name)}' has dimension ${d.dimValue} at axis ${axis}`,
          );
        }
        // torch.onnx.export's default: static shapes, the example's batch written out. Axis 0
        // is still the batch axis (and exported as N), unless the caller keeps it fixed.
        if (axis === 0 && !this.opts.fixedBatch) {
          batched = true;
          this.fileBatch ??= d.dimValue;
          return this.opts.batch ?? d.dimValue;
        }
        return d.dimValue;
      }
      const param = d.dimParam ?? '?';
      const given =
        this.opts.dims && Object.hasOwn(this.opts.dims, param) ? this.opts.dims[param] : undefined;
      if (given !== undefined) return given;
      if (axis === 0) {
        batched = true;
        return this.opts.batch ?? 1;
      }
      throw this.err(
        'unsupported-op',
        `input '${echo(i.name)}' has a symbolic dimension '${echo(param)}' at axis ${axis}; Netloom needs static shapes — give its size`,
      );
    });
    this.define(i.name, { shape, dtype }, `input '${echo(i.name)}'`);
    if (batched) this.batchAxis0.add(i.name);
    this.inputs.push({ value: i.name, name: i.name, node: i.name, batched });
  }

  private graphOutput(name: string): GraphOutput {
    if (this.consts.has(name) && !this.values.has(name)) {
      // An output the exporter folded to a constant: an Identity keeps it a graph output.
      const c = this.consts.get(name)!;
      const src = `${name}::const`;
      this.consts.set(src, c);
      this.consts.delete(name);
      this.usedConsts.add(src);
      this.values.set(name, { id: name, shape: c.tensor.shape, dtype: c.tensor.dtype });
      this.ops.push({
        id: `${name}::identity`,
        type: 'Identity',
        inputs: [src],
        outputs: [name],
        attrs: {},
        node: name,
      });
    }
    if (!this.values.has(name))
      throw this.err('invalid-onnx', `output '${echo(name)}' is not computed by any node`);
    return { value: name, name, node: name, role: 'output' };
  }

  private problem(type: string, id: string, outputs: readonly string[]): void {
    const list = this.unsupported.get(type) ?? [];
    list.push(id);
    this.unsupported.set(type, list);
    for (const o of outputs) if (o !== '') this.unknown.add(o);
  }

  private node(n: OnnxNode, k: number): void {
    if (n.opType === 'Identity' && this.copied.has(n.output[0] ?? '')) return;
    let id = n.name || `${n.opType}_${k}`;
    while (this.opIds.has(id)) id = `${id}_${k}`;
    this.opIds.add(id);
    const what = `node '${echo(id)}' (${echo(n.opType, 40)})`;
    const rawInputs = n.input;
    for (const v of rawInputs) {
      if (v !== '' && !this.values.has(v) && !this.consts.has(v) && !this.unknown.has(v)) {
        throw this.err(
          'invalid-onnx',
          `${what} reads '${echo(v)}', which no earlier node, input or initializer defines`,
          id,
        );
      }
    }
    if (n.domain !== '' && n.domain !== 'ai.onnx') {
      this.problem(echo(`${n.domain}.${n.opType}`), id, n.output);
      return;
    }
    if (rawInputs.some((v) => this.unknown.has(v))) {
      // Downstream of an op already named: its shapes cannot be known, but its type is still
      // checked, so the message names every op the model would need.
      const known = opRow(n.opType) || foldOnlyOps.has(n.opType) || n.opType === 'Constant';
      if (!known) this.problem(echo(n.opType, 40), id, n.output);
      else for (const o of n.output) if (o !== '') this.unknown.add(o);
      return;
    }
    // Attribute names come from the file: no prototype, so "__proto__" or "toString" is just a name
    // (and then an unknown attribute), never the object's prototype or a method of it.
    const rawAttrs = Object.create(null) as Record<string, AttrValue>;
    for (const a of n.attribute) {
      if (Object.hasOwn(rawAttrs, a.name)) {
        throw this.err('invalid-onnx', `${what} gives attribute '${echo(a.name)}' twice`, id);
      }
      rawAttrs[a.name] = decodeAttribute(a, `${what} attribute '${echo(a.name)}'`);
    }

    if (n.opType === 'Constant') {
      this.constant(n, rawAttrs, what, id);
      return;
    }
    const typeOf = (v: string): TensorType | undefined =>
      v === '' ? undefined : (this.values.get(v) ?? this.consts.get(v)?.tensor);
    let norm;
    try {
      norm = normalizeToOpset17(
        { type: n.opType, inputs: rawInputs, attrs: rawAttrs },
        this.opset,
        (v) => this.consts.get(v)?.tensor,
        typeOf,
        (c) => {
          let cid = `${id}::input${this.consts.size}`;
          while (this.consts.has(cid) || this.values.has(cid)) cid += '_';
          this.consts.set(cid, { tensor: c });
          return cid;
        },
      );
    } catch (e) {
      if (e instanceof LayerError) throw this.err('invalid-onnx', `${what}: ${e.message}`, id);
      throw e;
    }
    if (typeof norm === 'string') {
      this.problem(`${n.opType} (${norm})`, id, n.output);
      return;
    }
    const { type, attrs } = norm;
    let folded: Folded[] | undefined;
    try {
      folded = fold({
        type,
        attrs,
        consts: norm.inputs.map((v) => (v === '' ? undefined : this.consts.get(v))),
        types: norm.inputs.map(typeOf),
        batchAxis0: norm.inputs.map((v) => this.batchAxis0.has(v)),
      });
    } catch (e) {
      if (e instanceof LayerError) throw this.err('invalid-onnx', `${what}: ${e.message}`, id);
      throw e;
    }
    if (folded) {
      // Each fold is bounded; so is their sum (a chain of 16M-element folds would add up).
      for (const f of folded) this.foldedElements += f.tensor.data.length;
      if (this.foldedElements > maxFoldedTotal) {
        throw this.err(
          'unsupported-op',
          `${what}: the constants computed while importing pass ${maxFoldedTotal.toLocaleString('en-US')} elements`,
          id,
        );
      }
      n.output.forEach((o, i) => {
        const f = folded?.[i];
        if (o === '' || !f) return;
        if (this.values.has(o) || this.consts.has(o))
          throw this.err('invalid-onnx', `${what} redefines '${echo(o)}'`, id);
        this.consts.set(o, f);
      });
      return;
    }
    const row = opRow(type);
    if (!row) {
      this.problem(
        foldOnlyOps.has(type)
          ? `${type} (computed at run time; Netloom needs it known when built)`
          : echo(type, 40),
        id,
        n.output,
      );
      return;
    }
    for (const [name, v] of Object.entries(attrs)) {
      const t = Object.hasOwn(row.attrs, name) ? row.attrs[name] : undefined;
      if (!t) {
        this.problem(`${type} with attribute '${echo(name)}'`, id, n.output);
        return;
      }
      if (!attrFitsType(t, v))
        throw this.err('invalid-onnx', `${what}: attribute '${echo(name)}' should be of type ${t}`, id);
    }
    const inputs = norm.inputs.map((v, i) => this.operand(type, norm.inputs, v, i, what));
    const args = {
      inputs: inputs.map(typeOf),
      consts: inputs.map((v) => (v === '' ? undefined : this.consts.get(v)?.tensor)),
      attrs,
    };
    let out: readonly TensorType[];
    try {
      out = row.infer(args);
    } catch (e) {
      if (e instanceof LayerError) {
        const b = this.opts.batch;
        const hint =
          b !== undefined && this.fileBatch !== undefined && b !== this.fileBatch
            ? ` (the file was exported for batch ${this.fileBatch} and spells that size out in its shapes; use batch ${this.fileBatch})`
            : '';
        throw this.err('invalid-onnx', `${what}: ${e.message}${hint}`, id);
      }
      throw e;
    }
    // Trailing optional outputs may be left out; one left out in the middle still needs a name.
    let outputs = [...n.output];
    while (outputs.length && outputs[outputs.length - 1] === '') outputs.pop();
    if (outputs.length > out.length) {
      throw this.err('invalid-onnx', `${what} has ${outputs.length} outputs; the op gives ${out.length}`, id);
    }
    outputs = outputs.map((o, i) => o || `${id}::out${i}`);
    for (const v of inputs) if (this.consts.has(v)) this.usedConsts.add(v);
    const batchIn = inputs.find((v) => this.batchAxis0.has(v));
    const batchDim = batchIn ? this.values.get(batchIn)?.shape[0] : undefined;
    const perm = attrs['perm'];
    const moves = type === 'Transpose' && Array.isArray(perm) && perm[0] !== 0;
    outputs.forEach((o, i) => {
      const t = out[i]!;
      this.define(o, t, what);
      if (batchDim !== undefined && !moves && t.shape.length > 0 && t.shape[0] === batchDim)
        this.batchAxis0.add(o);
    });
    this.ops.push({ id, type, inputs, outputs, attrs, node: id });
  }

  /**
   * The value an op reads at input i. A Reshape target whose first element is the batch size
   * (from a folded Shape, or written out as the file's static batch) copies the input's batch axis
   * instead (ONNX Reshape: 0 copies), so the model keeps a free batch; other ops that bake it in
   * get a warning.
   */
  private operand(type: string, all: readonly string[], v: string, i: number, what: string): string {
    const c = this.consts.get(v);
    if (!c) return v;
    const data = all[0] ?? '';
    const reshapeTarget = type === 'Reshape' && i === 1 && this.batchAxis0.has(data);
    if (reshapeTarget && c.tensor.dtype === 'int64' && c.tensor.shape.length === 1) {
      const target = constInts(c.tensor);
      const inShape = this.values.get(data)?.shape;
      const spelled =
        !c.batch?.some(Boolean) &&
        this.fileBatch !== undefined &&
        target[0] === this.fileBatch &&
        inShape?.[0] === (this.opts.batch ?? this.fileBatch);
      if (c.batch?.[0] || spelled) {
        const copy = BigInt64Array.from(c.tensor.data as BigInt64Array);
        copy[0] = 0n;
        const id = `${v}::batch0`;
        if (!this.consts.has(id))
          this.consts.set(id, { tensor: { shape: c.tensor.shape, dtype: 'int64', data: copy } });
        if (c.batch?.slice(1).some(Boolean)) this.warn(what, v);
        return id;
      }
    }
    if (c.batch?.some(Boolean)) this.warn(what, v);
    return v;
  }

  private warn(what: string, v: string): void {
    const b = this.opts.batch ?? this.fileBatch ?? 1;
    this.warnings.push(
      `${what}: '${echo(v)}' is computed from the batch size, which is fixed at ${b} in the imported model`,
    );
  }

  private constant(n: OnnxNode, attrs: Record<string, AttrValue>, what: string, id: string): void {
    const out = n.output[0];
    if (!out) throw this.err('invalid-onnx', `${what} has no output`, id);
    let t: ConstTensor | undefined;
    const v = attrs['value'];
    if (v !== undefined && typeof v === 'object' && !Array.isArray(v)) t = v as ConstTensor;
    else if (typeof attrs['value_float'] === 'number') {
      t = { shape: [], dtype: 'float32', data: Float32Array.of(attrs['value_float']) };
    } else if (Array.isArray(attrs['value_floats'])) {
      const f = attrs['value_floats'] as number[];
      t = { shape: [f.length], dtype: 'float32', data: Float32Array.from(f) };
    } else if (typeof attrs['value_int'] === 'number') {
      t = { shape: [], dtype: 'int64', data: BigInt64Array.of(BigInt(attrs['value_int'])) };
    } else if (Array.isArray(attrs['value_ints'])) {
      const f = attrs['value_ints'] as number[];
      t = { shape: [f.length], dtype: 'int64', data: BigInt64Array.from(f, (x) => BigInt(x)) };
    }
    if (!t) {
      const names = Object.keys(attrs).join(', ') || 'none';
      throw this.err('unsupported-op', `${what}: a constant given as ${names} is not supported`, id);
    }
    if (this.values.has(out) || this.consts.has(out))
      throw this.err('invalid-onnx', `${what} redefines '${echo(out)}'`, id);
    this.consts.set(out, { tensor: t });
  }
}

/** Reads an ONNX model. Throws NetloomError ('invalid-onnx' or 'unsupported-op') with one line. */
export function importOnnx(bytes: Uint8Array, opts: ImportOptions = {}): ImportedModel {
  const where = opts.path ? `${opts.path}: ` : '';
  const place = opts.path ? { path: opts.path } : {};
  let raw: unknown;
  try {
    raw = decodeModel(bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new NetloomError('invalid-onnx', `${where}not an ONNX model (${why})`, place);
  }
  const parsed = modelSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NetloomError(
      'invalid-onnx',
      `${where}not an ONNX model (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unreadable'})`,
      place,
    );
  }
  const model = parsed.data;
  if (!model.graph) throw new NetloomError('invalid-onnx', `${where}the file holds no graph`, place);
  const main = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (!main) {
    throw new NetloomError('invalid-onnx', `${where}the model does not say which ONNX opset it uses`, place);
  }
  if (main.version > maxImportOpset) {
    throw new NetloomError(
      'unsupported-version',
      `${where}opset ${main.version} is newer than Netloom reads (${minImportOpset}–${maxImportOpset}); export with opset ${onnxOpset}`,
      place,
    );
  }
  if (main.version < minImportOpset) {
    throw new NetloomError(
      'unsupported-version',
      `${where}opset ${main.version} is older than Netloom reads (${minImportOpset}–${maxImportOpset}); export with opset ${onnxOpset}`,
      place,
    );
  }
  const imp = new Importer(model.graph, opts, main.version);
  const graph = imp.run();
  return {
    graph,
    weights: imp.weightMap,
    opset: main.version,
    producer: `${model.producerName} ${model.producerVersion}`.trim(),
    name: model.graph.name,
    warnings: imp.warnings,
    fileBatch: imp.fileBatch,
    batchConstants: imp.batchConstants,
  };
}

/** "opset 14, made by pytorch 1.13.0": what an import says it read. */
export function describeImport(m: ImportedModel): string {
  const inputs = m.graph.inputs
    .map((i) => `${i.name} ${formatShape(m.graph.values.get(i.value)!.shape, i.batched)}`)
    .join(', ');
  return `opset ${m.opset}${m.producer ? `, made by ${m.producer}` : ''}; input${m.graph.inputs.length === 1 ? '' : 's'} ${inputs}`;
}

// ONNX bytes → IR graph + weight values. Shapes are inferred with the IR's op rows, so an imported
// model is checked by the same rules as one built in the editor, and anything the IR cannot hold
// (an op without a row, a subgraph, a data type, an opset we do not read) is refused with one line
// that names the node and op, never a crash.
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
import { numel } from '../ir/types.ts';
import { opRow } from '../ir/ops/registry.ts';
import type { AttrType } from '../ir/ops/op-row.ts';
import { LayerError, NetloomError } from '../util/errors.ts';
import { echo } from '../util/text.ts';
import { decodeModel, onnxOpset } from './proto.ts';
import type { Folded } from './import-fold.ts';
import { fold, foldOnlyOps, maxFoldElements } from './import-fold.ts';
import type { OnnxGraph, OnnxNode, OnnxValueInfo } from './import-proto.ts';
import { dataTypeName, decodeAttribute, decodeTensor, irDType, modelSchema } from './import-proto.ts';

/**
 * Opset 13 moved the axes of Squeeze, Unsqueeze, ReduceSum and Split from attributes to inputs, as
 * our rows read them; from 13 to 17 the ops we hold changed only in ways the rows accept.
 */
export const minImportOpset = 13;

export interface ImportOptions {
  /** Size given to a symbolic first dimension of a graph input (the batch). Default 1. */
  readonly batch?: number;
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
}

/** The most elements all folded constants of one import may hold together. */
const maxFoldedTotal = 4 * maxFoldElements;

function fits(type: AttrType, v: AttrValue): boolean {
  switch (type) {
    case 'int':
    case 'float':
      return typeof v === 'number';
    case 'ints':
    case 'floats':
      return Array.isArray(v) && v.every((x) => typeof x === 'number');
    case 'string':
      return typeof v === 'string';
    case 'strings':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'tensor':
      return typeof v === 'object' && !Array.isArray(v);
  }
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
  readonly warnings: string[] = [];
  private foldedElements = 0;

  constructor(
    private readonly g: OnnxGraph,
    private readonly opts: ImportOptions,
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
    const uses = new Map<string, { op: string; index: number; node: string }[]>();
    this.g.node.forEach((n, k) => {
      n.input.forEach((v, index) => {
        if (v === '') return;
        const list = uses.get(v) ?? [];
        list.push({ op: n.opType, index, node: n.name || `${n.opType}_${k}` });
        uses.set(v, list);
      });
    });
    const initNames = new Set<string>();
    for (const t of this.g.initializer) {
      if (initNames.has(t.name))
        throw this.err('invalid-onnx', `initializer '${echo(t.name)}' is given twice`);
      initNames.add(t.name);
      this.initializer(decodeTensor(t, `initializer '${echo(t.name)}'`), t.name, uses.get(t.name) ?? []);
    }
    // Before IR version 4 initializers were also listed as graph inputs; they stay weights.
    for (const i of this.g.input) if (!initNames.has(i.name)) this.graphInput(i);
    this.g.node.forEach((n, k) => this.node(n, k));
    const outputs: GraphOutput[] = this.g.output.map((o) => this.graphOutput(o.name));
    if (outputs.length === 0) throw this.err('invalid-onnx', 'the graph has no outputs');
    const constants = new Map<string, ConstTensor>();
    for (const id of this.usedConsts) {
      const c = this.consts.get(id)!.tensor;
      constants.set(id, c);
      this.values.set(id, { id, shape: c.shape, dtype: c.dtype });
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

  get weightMap(): Map<string, Float32Array> {
    return this.weightValues;
  }

  private initializer(
    t: ConstTensor,
    name: string,
    uses: readonly { op: string; index: number; node: string }[],
  ): void {
    // An input its op needs known when the graph is built (the op's row says which; ops folded at
    // import, such as ConstantOfShape, read only constants).
    const constUse = uses.some(
      (u) => opRow(u.op)?.constantInputs?.includes(u.index) || foldOnlyOps.has(u.op),
    );
    if (t.dtype !== 'float32' || numel(t.shape) <= 1 || constUse || uses.length === 0) {
      this.consts.set(name, { tensor: t });
      return;
    }
    const role: WeightRole = uses.some((u) => opRow(u.op)?.stateInputs?.includes(u.index))
      ? 'state'
      : 'param';
    // torch names initializers after the module path ("features.0.weight"): the last part is the
    // weight's name, the rest its node.
    const dot = name.lastIndexOf('.');
    const node = dot > 0 ? name.slice(0, dot) : (uses[0]?.node ?? name);
    const wname = dot > 0 ? name.slice(dot + 1) : name;
    const data = t.data as Float32Array;
    this.define(name, t, `initializer '${echo(name)}'`);
    this.weights.push({
      id: name,
      node,
      name: wname,
      shape: t.shape,
      dtype: 'float32',
      role,
      init: { kind: 'values', data },
    });
    this.weightValues.set(name, data);
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
    const dims = tt.shape?.dim ?? [];
    let batched = false;
    const shape = dims.map((d, axis) => {
      if (d.dimValue !== undefined && d.dimParam === undefined) {
        if (!Number.isSafeInteger(d.dimValue) || d.dimValue < 0) {
          throw this.err(
            'invalid-onnx',
            `input '${echo(i.name)}' has dimension ${d.dimValue} at axis ${axis}`,
          );
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
    if (!tt.shape)
      throw this.err('unsupported-op', `input '${echo(i.name)}' has no shape; Netloom needs static shapes`);
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

  private node(n: OnnxNode, k: number): void {
    let id = n.name || `${n.opType}_${k}`;
    while (this.opIds.has(id)) id = `${id}_${k}`;
    this.opIds.add(id);
    const what = `node '${echo(id)}' (${echo(n.opType, 40)})`;
    if (n.domain !== '' && n.domain !== 'ai.onnx') {
      throw this.err(
        'unsupported-op',
        `unsupported op '${echo(`${n.domain}.${n.opType}`)}' in node '${echo(id)}'`,
        id,
      );
    }
    for (const v of n.input) {
      if (v !== '' && !this.values.has(v) && !this.consts.has(v)) {
        throw this.err(
          'invalid-onnx',
          `${what} reads '${echo(v)}', which no earlier node, input or initializer defines`,
          id,
        );
      }
    }
    // Attribute names come from the file: no prototype, so "__proto__" or "toString" is just a name
    // (and then an unknown attribute), never the object's prototype or a method of it.
    const attrs = Object.create(null) as Record<string, AttrValue>;
    for (const a of n.attribute) {
      if (Object.hasOwn(attrs, a.name)) {
        throw this.err('invalid-onnx', `${what} gives attribute '${echo(a.name)}' twice`, id);
      }
      attrs[a.name] = decodeAttribute(a, `${what} attribute '${echo(a.name)}'`);
    }

    if (n.opType === 'Constant') {
      this.constant(n, attrs, what, id);
      return;
    }
    const types = n.input.map((v) =>
      v === '' ? undefined : (this.values.get(v) ?? this.consts.get(v)?.tensor),
    );
    let folded: Folded[] | undefined;
    try {
      folded = fold({
        type: n.opType,
        attrs,
        consts: n.input.map((v) => (v === '' ? undefined : this.consts.get(v))),
        types,
        batchAxis0: n.input.map((v) => this.batchAxis0.has(v)),
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
        const f = folded[i];
        if (o === '' || !f) return;
        if (this.values.has(o) || this.consts.has(o))
          throw this.err('invalid-onnx', `${what} redefines '${echo(o)}'`, id);
        this.consts.set(o, f);
      });
      return;
    }
    const row = opRow(n.opType);
    if (!row) {
      if (foldOnlyOps.has(n.opType)) {
        throw this.err(
          'unsupported-op',
          `${what}: its inputs are computed at run time, and Netloom has no ${n.opType} op — it needs shapes known when the graph is built`,
          id,
        );
      }
      throw this.err('unsupported-op', `unsupported op '${echo(n.opType)}' in node '${echo(id)}'`, id);
    }
    for (const [name, v] of Object.entries(attrs)) {
      const t = Object.hasOwn(row.attrs, name) ? row.attrs[name] : undefined;
      if (!t) throw this.err('unsupported-op', `${what}: attribute '${echo(name)}' is not supported`, id);
      if (!fits(t, v))
        throw this.err('invalid-onnx', `${what}: attribute '${echo(name)}' should be of type ${t}`, id);
    }
    const inputs = n.input.map((v, i) => this.operand(n, v, i, what));
    const args = {
      inputs: inputs.map((v) => (v === '' ? undefined : (this.values.get(v) ?? this.consts.get(v)?.tensor))),
      consts: inputs.map((v) => (v === '' ? undefined : this.consts.get(v)?.tensor)),
      attrs,
    };
    let out: readonly TensorType[];
    try {
      out = row.infer(args);
    } catch (e) {
      if (e instanceof LayerError) throw this.err('invalid-onnx', `${what}: ${e.message}`, id);
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
    const moves = n.opType === 'Transpose' && Array.isArray(perm) && perm[0] !== 0;
    outputs.forEach((o, i) => {
      const t = out[i]!;
      this.define(o, t, what);
      if (batchDim !== undefined && !moves && t.shape.length > 0 && t.shape[0] === batchDim)
        this.batchAxis0.add(o);
    });
    this.ops.push({ id, type: n.opType, inputs, outputs, attrs, node: id });
  }

  /**
   * The value an op reads at input i. A Reshape target whose first element is the batch size
   * (from a folded Shape) copies the input's batch axis instead (ONNX Reshape: 0 copies), so the
   * model keeps a free batch; other ops that bake it in get a warning.
   */
  private operand(n: OnnxNode, v: string, i: number, what: string): string {
    const c = this.consts.get(v);
    if (!c?.batch?.some(Boolean)) return v;
    if (
      n.opType === 'Reshape' &&
      i === 1 &&
      c.batch[0] &&
      c.tensor.dtype === 'int64' &&
      this.batchAxis0.has(n.input[0] ?? '')
    ) {
      const data = BigInt64Array.from(c.tensor.data as BigInt64Array);
      data[0] = 0n;
      const id = `${v}::batch0`;
      if (!this.consts.has(id))
        this.consts.set(id, { tensor: { shape: c.tensor.shape, dtype: 'int64', data } });
      if (c.batch.slice(1).some(Boolean)) this.warn(what, v);
      return id;
    }
    this.warn(what, v);
    return v;
  }

  private warn(what: string, v: string): void {
    const b = this.opts.batch ?? 1;
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
  if (main.version > onnxOpset) {
    throw new NetloomError(
      'unsupported-version',
      `${where}opset ${main.version} is newer than Netloom reads (${minImportOpset}–${onnxOpset}); export with opset ${onnxOpset}`,
      place,
    );
  }
  if (main.version < minImportOpset) {
    throw new NetloomError(
      'unsupported-version',
      `${where}opset ${main.version} is older than Netloom reads (${minImportOpset}–${onnxOpset}); export with opset ${onnxOpset}`,
      place,
    );
  }
  const imp = new Importer(model.graph, opts);
  const graph = imp.run();
  return {
    graph,
    weights: imp.weightMap,
    opset: main.version,
    producer: `${model.producerName} ${model.producerVersion}`.trim(),
    name: model.graph.name,
    warnings: imp.warnings,
  };
}

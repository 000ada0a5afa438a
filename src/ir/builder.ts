// Builds IR op by op. Every op is checked against its row in the op registry (a known type, known
// attribute names, as many outputs as asked for) and its outputs are typed by the row's shape
// rule as it is added, so a shape that does not fit is caught at the op that causes it. The
// lowering (GraphBuilder) and the autodiff (GraphEditor in src/autodiff) both extend this one base.
import type {
  Attrs,
  ConstTensor,
  DType,
  Graph,
  GraphInput,
  GraphOutput,
  InitSpec,
  Op,
  Shape,
  TensorType,
  Value,
  Weight,
  WeightRole,
} from './types.ts';
import { constInts, numel } from './types.ts';
import { opRow } from './ops/registry.ts';
import type { OpInferArgs, OpRow } from './ops/op-row.ts';
import { LayerError } from '../util/errors.ts';
import { echo } from '../util/text.ts';

export interface StateUpdate {
  /** The state weight (e.g. BatchNorm running mean) and the value holding its next contents. */
  readonly weight: string;
  readonly value: string;
}

export interface BuiltGraph extends Graph {
  /** Training-mode lowering only: how each state weight changes after a forward pass. */
  readonly stateUpdates: readonly StateUpdate[];
  /** FLOPs of each op, by op id. */
  readonly opFlops: ReadonlyMap<string, number>;
}

/**
 * The largest weight a model may hold: 2 GiB as float32, which is also the most one ONNX file can
 * hold (protobuf's limit). A bigger one is a diagnostic before anything is allocated.
 */
export const maxWeightBytes = 2 ** 31;

/** Raised for a weight over maxWeightBytes; the lowering puts it on the parameter that sized it. */
export class WeightTooLargeError extends LayerError {
  readonly shape: readonly number[];
  constructor(name: string, shape: readonly number[]) {
    const gib = (numel(shape) * 4) / 2 ** 30;
    super(
      `the weight "${name}" [${shape.join(', ')}] would take ${gib.toFixed(1)} GiB; a weight may take at most ${maxWeightBytes / 2 ** 30} GiB`,
      { code: 'too-large' },
    );
    this.name = 'WeightTooLargeError';
    this.shape = shape;
  }
}

/** The graph being built and the checked way to add ops and constants to it. */
export abstract class IrBuilder {
  readonly values: Map<string, Value>;
  readonly ops: Op[];
  readonly constants: Map<string, ConstTensor>;
  inputs: GraphInput[];
  outputs: GraphOutput[];
  weights: Weight[];
  /** The document node new ops and values are blamed on. */
  node = '';

  /** Starts empty, or from a copy of `base` (which is left as it was). */
  constructor(base?: Graph) {
    this.values = new Map(base?.values);
    this.ops = [...(base?.ops ?? [])];
    this.constants = new Map(base?.constants);
    this.inputs = [...(base?.inputs ?? [])];
    this.outputs = [...(base?.outputs ?? [])];
    this.weights = [...(base?.weights ?? [])];
  }

  /** A new id for a value or an op, from a hint such as 'relu' or 'op_Relu'. */
  protected abstract fresh(hint: string): string;

  /** Called after each op is added, with what its row said (the lowering counts FLOPs here). */
  protected opAdded(_id: string, _row: OpRow, _args: OpInferArgs, _outputs: readonly TensorType[]): void {}

  type(id: string): TensorType {
    const v = this.values.get(id);
    if (!v) throw new Error(`unknown IR value ${id}`);
    return v;
  }

  shape(id: string): Shape {
    return this.type(id).shape;
  }

  constValue(id: string): ConstTensor | undefined {
    return this.constants.get(id);
  }

  /** The numbers of a constant value (axes, shapes, a ratio); undefined when it is not a constant. */
  constInts(id: string | undefined): number[] | undefined {
    if (id === undefined || id === '') return undefined;
    const c = this.constants.get(id);
    return c ? constInts(c) : undefined;
  }

  protected define(id: string, t: TensorType): string {
    if (this.values.has(id)) throw new Error(`IR value ${id} defined twice`);
    this.values.set(id, { id, shape: t.shape, dtype: t.dtype });
    return id;
  }

  /** Adds an op; returns its outputs' ids. Throws LayerError (with the op's message) on misfit. */
  op(type: string, inputs: readonly string[], attrs: Attrs = {}, outputCount?: number): string[] {
    const row = opRow(type);
    if (!row) throw new Error(`op ${type} has no row in the IR op registry`);
    for (const name of Object.keys(attrs)) {
      if (!Object.hasOwn(row.attrs, name)) throw new Error(`op ${type} has no attribute ${name}`);
    }
    const args: OpInferArgs = {
      inputs: inputs.map((id) => (id === '' ? undefined : this.type(id))),
      consts: inputs.map((id) => (id === '' ? undefined : this.constants.get(id))),
      attrs,
    };
    const types = row.infer(args);
    const n = outputCount ?? types.length;
    if (types.length < n) throw new Error(`op ${type} infers ${types.length} outputs, ${n} asked for`);
    const outTypes = types.slice(0, n);
    const outputs = outTypes.map((t) => this.define(this.fresh(type.toLowerCase()), t));
    const id = this.fresh(`op_${type}`);
    this.ops.push({ id, type, inputs: [...inputs], outputs, attrs, node: this.node });
    this.opAdded(id, row, args, outTypes);
    return outputs;
  }

  op1(type: string, inputs: readonly string[], attrs: Attrs = {}): string {
    return this.op(type, inputs, attrs, 1)[0]!;
  }

  constant(data: Float32Array | BigInt64Array | Uint8Array, shape: Shape, hint = 'const'): string {
    const dtype: DType =
      data instanceof BigInt64Array ? 'int64' : data instanceof Uint8Array ? 'bool' : 'float32';
    if (data.length !== numel(shape))
      throw new Error(`constant ${hint}: ${data.length} values for shape ${shape}`);
    const id = this.define(this.fresh(hint), { shape, dtype });
    this.constants.set(id, { shape, dtype, data });
    return id;
  }

  /** The graph as it stands (shares its maps and arrays with this builder). */
  protected graph(): Graph {
    return {
      values: this.values,
      ops: this.ops,
      inputs: this.inputs,
      outputs: this.outputs,
      weights: this.weights,
      constants: this.constants,
    };
  }
}

/**
 * What other document nodes defined before the one being lowered, for a builder that lowers one
 * node on its own (the editor's incremental lowering): graph input names and weights, the values
 * that nodes share by name. A builder that lowers the whole document has everything itself.
 */
export interface EarlierNodes {
  /** The weight another node made under this id, or a graph input named so; undefined if none. */
  find(id: string): { readonly weight?: Weight; readonly input?: true } | undefined;
}

/**
 * The builder the lowering uses: every op and value is tagged with the document node being
 * lowered, weights are created (or shared) by name, and a node that fails is rolled back.
 */
export class GraphBuilder extends IrBuilder {
  private readonly stateUpdates: StateUpdate[] = [];
  private readonly opFlops = new Map<string, number>();
  /** Value ids in creation order, so a rollback knows what came after a mark. */
  private readonly valueOrder: string[] = [];
  /** Weights by id: a lookup per weight made over the list a quadratic lowering. */
  private readonly weightIndex = new Map<string, Weight>();
  private counter = 0;
  /**
   * Set while lowering a node that shares another node's weights (one discriminator applied to
   * real and to generated images): its weights are that node's, created once, shapes checked.
   */
  weightOwner: string | undefined;

  /**
   * `reserved`: names generated ids must not take (the graph input names, so an Input named like a
   * generated id still gets its name). `earlier`: what other nodes defined, when this builder
   * lowers one node on its own.
   */
  constructor(
    private readonly reserved: ReadonlySet<string> = new Set(),
    private readonly earlier?: EarlierNodes,
  ) {
    super();
  }

  protected fresh(hint: string): string {
    let id: string;
    do {
      this.counter += 1;
      id = `${this.node || 'graph'}/${hint}_${this.counter}`;
    } while (this.values.has(id) || this.reserved.has(id));
    return id;
  }

  protected override define(id: string, t: TensorType): string {
    super.define(id, t);
    this.valueOrder.push(id);
    return id;
  }

  /**
   * A value another node produced (an input of the node this builder lowers on its own), with its
   * contents when it is a constant. Not undone by a rollback.
   */
  external(id: string, t: TensorType, constant?: ConstTensor): string {
    this.values.set(id, { id, shape: t.shape, dtype: t.dtype });
    if (constant) this.constants.set(id, constant);
    return id;
  }

  protected override opAdded(
    id: string,
    row: OpRow,
    args: OpInferArgs,
    outputs: readonly TensorType[],
  ): void {
    const flops = row.flops ? row.flops(args, outputs) : outputs.reduce((s, t) => s + numel(t.shape), 0);
    this.opFlops.set(id, flops);
  }

  weight(name: string, shape: Shape, init: InitSpec, role: WeightRole = 'param'): string {
    const owner = this.weightOwner ?? this.node;
    const id = `${owner}.${name}`;
    if (shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new LayerError(`weight ${name} would have shape [${shape.join(', ')}]`);
    }
    if (numel(shape) * 4 > maxWeightBytes) {
      // Said before anything is allocated: export and training would make the values.
      throw new WeightTooLargeError(name, shape);
    }
    const before = this.earlier?.find(id);
    const shared = this.weightIndex.get(id) ?? before?.weight;
    if (shared) {
      if (shared.shape.length !== shape.length || shared.shape.some((d, i) => d !== shape[i])) {
        throw new LayerError(
          `shares weights with "${owner}", whose ${name} is [${shared.shape.join(', ')}]; this layer needs [${shape.join(', ')}] — give both the same settings and input size`,
          { field: 'sharesWeightsWith' },
        );
      }
      // Another node's weight, seen here as a value of its own (not made, not counted again).
      if (!this.values.has(id)) this.external(id, shared);
      return id;
    }
    if (this.values.has(id) || before?.input) {
      throw new LayerError(
        `an Input is named "${echo(id)}", the name of this layer's ${name}; rename the Input`,
      );
    }
    this.define(id, { shape, dtype: 'float32' });
    const w: Weight = { id, node: owner, name, shape, dtype: 'float32', role, init };
    this.weights.push(w);
    this.weightIndex.set(id, w);
    return id;
  }

  graphInput(name: string, t: TensorType, batched: boolean): string {
    const before = this.earlier?.find(name);
    if (this.values.has(name) || before) {
      const other = before?.weight ?? this.weightIndex.get(name);
      // The name is the user's (an Input node's): another Input, or a weight, may already have it.
      throw new LayerError(
        other
          ? `the name "${echo(name)}" is taken by the ${other.name} of "${echo(other.node)}"; Input names name the model's inputs`
          : `another Input is already named "${echo(name)}"; Input names name the model's inputs, so each must be unique`,
        { field: 'name' },
      );
    }
    const id = this.define(name, t);
    this.inputs.push({ value: id, name, node: this.node, batched });
    return id;
  }

  graphOutput(name: string, value: string, role: GraphOutput['role']): void {
    if (this.outputs.some((o) => o.name === name)) {
      throw new LayerError(
        `another output of the model is already named "${echo(name)}"; give this one another name`,
        { field: 'name' },
      );
    }
    this.outputs.push({ value, name, node: this.node, role });
  }

  stateUpdate(weight: string, value: string): void {
    this.stateUpdates.push({ weight, value });
  }

  /** Remembers how far the graph has grown, so a failed node can be rolled back. */
  mark(): { ops: number; weights: number; inputs: number; outputs: number; updates: number; values: number } {
    return {
      ops: this.ops.length,
      weights: this.weights.length,
      inputs: this.inputs.length,
      outputs: this.outputs.length,
      updates: this.stateUpdates.length,
      values: this.valueOrder.length,
    };
  }

  rollback(m: ReturnType<GraphBuilder['mark']>): void {
    for (const op of this.ops.splice(m.ops)) this.opFlops.delete(op.id);
    for (const w of this.weights.splice(m.weights)) this.weightIndex.delete(w.id);
    this.inputs.splice(m.inputs);
    this.outputs.splice(m.outputs);
    this.stateUpdates.splice(m.updates);
    for (const id of this.valueOrder.splice(m.values)) {
      this.values.delete(id);
      this.constants.delete(id);
    }
  }

  /** FLOPs of the op with this id (0 for an op this builder did not add). */
  flopsOf(opId: string): number {
    return this.opFlops.get(opId) ?? 0;
  }

  // Called after every node (the lowering counts its weights and FLOPs), so no object spread here.
  build(): BuiltGraph {
    return {
      values: this.values,
      ops: this.ops,
      inputs: this.inputs,
      outputs: this.outputs,
      weights: this.weights,
      constants: this.constants,
      stateUpdates: this.stateUpdates,
      opFlops: this.opFlops,
    };
  }
}

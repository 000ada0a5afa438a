// A mutable copy of an IR graph that gradient rules and optimizers append ops to. Types are inferred
// by the same op rows as the forward lowering, so a rule that builds a misfitting op fails at once.
import type {
  Attrs,
  ConstTensor,
  DType,
  Graph,
  GraphInput,
  GraphOutput,
  Op,
  Shape,
  TensorType,
  Value,
  Weight,
} from '../ir/types.ts';
import { numel } from '../ir/types.ts';
import { opRow } from '../ir/ops/registry.ts';
import type { OpInferArgs } from '../ir/ops/op-row.ts';

export class GraphEditor {
  readonly values: Map<string, Value>;
  readonly ops: Op[];
  readonly constants: Map<string, ConstTensor>;
  inputs: GraphInput[];
  outputs: GraphOutput[];
  weights: Weight[];
  /** Tag for new ops (the document node they are blamed on). */
  node = 'autodiff';
  private counter = 0;
  private readonly scalars = new Map<number, string>();
  private readonly opIds: Set<string>;
  private readonly intConsts = new Map<string, string>();

  constructor(
    base: Graph,
    private readonly prefix = 'grad',
  ) {
    this.values = new Map(base.values);
    this.ops = [...base.ops];
    this.constants = new Map(base.constants);
    this.inputs = [...base.inputs];
    this.outputs = [...base.outputs];
    this.weights = [...base.weights];
    this.opIds = new Set(base.ops.map((op) => op.id));
  }

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

  fresh(hint: string): string {
    // Editors may be layered (a loss appended, then the backward pass): skip ids already taken.
    let id: string;
    do {
      this.counter += 1;
      id = `${this.prefix}/${hint}_${this.counter}`;
    } while (this.values.has(id) || this.opIds.has(id));
    this.opIds.add(id);
    return id;
  }

  define(id: string, t: TensorType): string {
    if (this.values.has(id)) throw new Error(`IR value ${id} defined twice`);
    this.values.set(id, { id, shape: t.shape, dtype: t.dtype });
    return id;
  }

  op(type: string, inputs: readonly string[], attrs: Attrs = {}, outputCount?: number): string[] {
    const row = opRow(type);
    if (!row) throw new Error(`op ${type} has no row in the IR op registry`);
    const args: OpInferArgs = {
      inputs: inputs.map((id) => (id === '' ? undefined : this.type(id))),
      consts: inputs.map((id) => (id === '' ? undefined : this.constants.get(id))),
      attrs,
    };
    const types = row.infer(args);
    const n = outputCount ?? types.length;
    const outputs = types.slice(0, n).map((t) => this.define(this.fresh(type.toLowerCase()), t));
    this.ops.push({
      id: this.fresh(`op_${type}`),
      type,
      inputs: [...inputs],
      outputs,
      attrs,
      node: this.node,
    });
    return outputs;
  }

  op1(type: string, inputs: readonly string[], attrs: Attrs = {}): string {
    return this.op(type, inputs, attrs, 1)[0]!;
  }

  constant(data: Float32Array | BigInt64Array | Uint8Array, shape: Shape, hint = 'const'): string {
    const dtype: DType =
      data instanceof BigInt64Array ? 'int64' : data instanceof Uint8Array ? 'bool' : 'float32';
    if (data.length !== numel(shape)) throw new Error(`constant ${hint}: ${data.length} values for ${shape}`);
    const id = this.define(this.fresh(hint), { shape, dtype });
    this.constants.set(id, { shape, dtype, data });
    return id;
  }

  /** A float32 scalar (rank 0), shared between uses. */
  scalar(v: number): string {
    let id = this.scalars.get(v);
    if (id === undefined) {
      id = this.constant(Float32Array.of(v), [], 'scalar');
      this.scalars.set(v, id);
    }
    return id;
  }

  /** An int64 vector constant (axes, shapes, pads), shared between uses. */
  ints(values: readonly number[]): string {
    const key = values.join(',');
    let id = this.intConsts.get(key);
    if (id === undefined) {
      id = this.constant(
        BigInt64Array.from(values, (v) => BigInt(v)),
        [values.length],
        'ints',
      );
      this.intConsts.set(key, id);
    }
    return id;
  }

  /** A graph input that is not batched (a parameter, optimizer state or hyperparameter). */
  input(name: string, t: TensorType, batched = false): string {
    this.define(name, t);
    this.inputs.push({ value: name, name, node: this.node, batched });
    return name;
  }

  /**
   * Makes `value` a graph output called `name`. ONNX names an output by its value, so a value
   * that is a graph input, a constant or already an output gets its own Identity first.
   */
  expose(value: string, name: string, role: GraphOutput['role'] = 'loss'): void {
    const produced = this.ops.some((op) => op.outputs.includes(value));
    const taken = this.outputs.some((o) => o.value === value);
    const v = produced && !taken ? value : this.op1('Identity', [value]);
    this.outputs.push({ value: v, name, node: this.node, role });
  }

  build(): Graph {
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

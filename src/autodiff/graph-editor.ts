// A mutable copy of an IR graph that gradient rules and optimizers append ops to. It is the IR's
// one builder (src/ir/builder.ts) with every check of the forward lowering: op rows type each op,
// attribute names and output counts are checked, so a rule that builds a misfitting op fails at once.
import type { GraphOutput, Graph, TensorType } from '../ir/types.ts';
import { IrBuilder } from '../ir/builder.ts';

export class GraphEditor extends IrBuilder {
  override node = 'autodiff';
  private counter = 0;
  private readonly scalars = new Map<number, string>();
  private readonly opIds: Set<string>;
  private readonly intConsts = new Map<string, string>();

  constructor(
    base: Graph,
    private readonly prefix = 'grad',
  ) {
    super(base);
    this.opIds = new Set(base.ops.map((op) => op.id));
  }

  override fresh(hint: string): string {
    // Editors may be layered (a loss appended, then the backward pass): skip ids already taken.
    let id: string;
    do {
      this.counter += 1;
      id = `${this.prefix}/${hint}_${this.counter}`;
    } while (this.values.has(id) || this.opIds.has(id));
    this.opIds.add(id);
    return id;
  }

  override define(id: string, t: TensorType): string {
    return super.define(id, t);
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
    return this.graph();
  }
}

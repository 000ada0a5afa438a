// IR → ONNX ModelProto (opset 17). Weights become initializers, Input/Output nodes become named
// graph inputs/outputs with a symbolic batch axis "N".
import type { AttrValue, ConstTensor, DType, Graph, Op, Shape, TensorData } from '../ir/types.ts';
import type { AttrType } from '../ir/ops/op-row.ts';
import { opRow } from '../ir/ops/registry.ts';
import type { WeightValues } from '../ir/weights.ts';
import { AttributeType, TensorDataType, encodeModel, onnxIrVersion, onnxOpset } from './proto.ts';

export interface ExportOptions {
  /** Model name in the ONNX graph. */
  readonly name?: string;
  readonly docString?: string;
  /** Keep loss outputs (for training graphs); an inference export drops them. */
  readonly includeLoss?: boolean;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly producerVersion?: string;
}

const elemType: Record<DType, number> = {
  float32: TensorDataType.FLOAT,
  int64: TensorDataType.INT64,
  bool: TensorDataType.BOOL,
};

function bytesOf(data: TensorData): Uint8Array {
  // ONNX raw_data is little-endian, as are typed arrays on every platform we run on. A view, not
  // a copy: the encoder copies once into the output buffer.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function tensorProto(name: string, t: ConstTensor): Record<string, unknown> {
  return { name, dims: [...t.shape], dataType: elemType[t.dtype], rawData: bytesOf(t.data) };
}

function attribute(op: Op, name: string, value: AttrValue): Record<string, unknown> {
  const type: AttrType | undefined = opRow(op.type)?.attrs[name];
  switch (type) {
    case 'int':
      return { name, type: AttributeType.INT, i: value as number };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: value as number };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: [...(value as number[])] };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: [...(value as number[])] };
    case 'string':
      return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value as string) };
    case 'strings':
      return {
        name,
        type: AttributeType.STRINGS,
        strings: (value as string[]).map((s) => new TextEncoder().encode(s)),
      };
    case 'tensor':
      return { name, type: AttributeType.TENSOR, t: tensorProto('', value as ConstTensor) };
    default:
      throw new Error(`internal: op ${op.type} has no attribute type for ${name}`);
  }
}

function valueInfo(name: string, shape: Shape, dtype: DType, batched: boolean): Record<string, unknown> {
  return {
    name,
    type: {
      tensorType: {
        elemType: elemType[dtype],
        shape: { dim: shape.map((d, i) => (batched && i === 0 ? { dimParam: 'N' } : { dimValue: d })) },
      },
    },
  };
}

/** The ops, inputs and weights the chosen outputs depend on, in graph order. */
export function pruneToOutputs(
  graph: Graph,
  includeLoss: boolean,
): {
  ops: Op[];
  live: Set<string>;
  outputs: Graph['outputs'];
} {
  const outputs = graph.outputs.filter((o) => includeLoss || o.role === 'output');
  const live = new Set(outputs.map((o) => o.value));
  const producer = new Map<string, Op>();
  for (const op of graph.ops) for (const o of op.outputs) producer.set(o, op);
  const keep = new Set<Op>();
  const stack = [...live];
  while (stack.length) {
    const v = stack.pop()!;
    const op = producer.get(v);
    if (!op || keep.has(op)) continue;
    keep.add(op);
    for (const i of op.inputs) {
      if (i !== '' && !live.has(i)) {
        live.add(i);
        stack.push(i);
      }
    }
  }
  // Optional outputs of kept ops (e.g. a Dropout mask) stay defined; they are simply unused.
  for (const op of keep) for (const o of op.outputs) live.add(o);
  return { ops: graph.ops.filter((op) => keep.has(op)), live, outputs };
}

export function exportModelProto(
  graph: Graph,
  weights: WeightValues,
  opts: ExportOptions = {},
): Record<string, unknown> {
  const { ops, live, outputs } = pruneToOutputs(graph, opts.includeLoss ?? false);
  // Graph outputs carry their user-facing names; the value feeding each is renamed to it.
  const rename = new Map<string, string>();
  for (const o of outputs) rename.set(o.value, o.name);
  const nm = (v: string): string => rename.get(v) ?? v;

  const initializers: Record<string, unknown>[] = [];
  for (const w of graph.weights) {
    if (!live.has(w.id)) continue;
    const data = weights.get(w.id);
    if (!data) throw new Error(`internal: no values for weight ${w.id}`);
    initializers.push(tensorProto(w.id, { shape: w.shape, dtype: 'float32', data }));
  }
  for (const [id, c] of graph.constants) if (live.has(id)) initializers.push(tensorProto(id, c));

  const nodes = ops.map((op) => ({
    name: op.id,
    opType: op.type,
    input: op.inputs.map(nm),
    output: op.outputs.map(nm),
    attribute: Object.entries(op.attrs).map(([k, v]) => attribute(op, k, v)),
    docString: `netloom node ${op.node}`,
  }));

  const inputs = graph.inputs
    .filter((i) => live.has(i.value))
    .map((i) => {
      const v = graph.values.get(i.value)!;
      return valueInfo(i.value, v.shape, v.dtype, i.batched);
    });
  const batchedValues = new Set(graph.inputs.filter((i) => i.batched).map((i) => i.value));
  const outs = outputs.map((o) => {
    const v = graph.values.get(o.value)!;
    // Loss outputs are scalars; model outputs keep the batch axis of batched inputs.
    return valueInfo(
      o.name,
      v.shape,
      v.dtype,
      batchedValues.size > 0 && v.shape.length > 0 && o.role === 'output',
    );
  });

  return {
    irVersion: onnxIrVersion,
    opsetImport: [{ domain: '', version: onnxOpset }],
    producerName: 'netloom',
    producerVersion: opts.producerVersion ?? '0.1.0',
    docString: opts.docString ?? '',
    metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: opts.name ?? 'netloom',
      node: nodes,
      initializer: initializers,
      input: inputs,
      output: outs,
    },
  };
}

export function exportOnnx(graph: Graph, weights: WeightValues, opts: ExportOptions = {}): Uint8Array {
  return encodeModel(exportModelProto(graph, weights, opts));
}

// An imported ONNX graph back into an editable Document: each known pattern of ops folds into the
// layer that would have produced it (Gemm → Dense, MatMul + Add → Dense, Conv → Conv2d, …), with
// the file's weights under the layers' weight names, so the model opens on the canvas, shows its
// shapes, trains and exports again. An op with no layer is named in one clear error.
import type { DocEdge, DocNode, NetloomDocument } from '../document/schema.ts';
import type { Graph, Op } from '../ir/types.ts';
import { constInts } from '../ir/types.ts';
import { NetloomError } from '../util/errors.ts';
import { echo } from '../util/text.ts';
import type { ImportedModel } from './import.ts';

export interface ImportedDocument {
  readonly doc: NetloomDocument;
  /** Weight values by the Document's weight ids (`<node>.<name>`). */
  readonly weights: Map<string, Float32Array>;
}

type Port = { node: string; port: string };

function ints(v: unknown): number[] | undefined {
  return Array.isArray(v) ? v.map(Number) : undefined;
}

/** [out, in] from [in, out]: a MatMul's right operand as a Dense weight. */
function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

export function importedToDocument(m: ImportedModel, path = 'model.onnx'): ImportedDocument {
  const g: Graph = m.graph;
  const nodes: DocNode[] = [];
  const edges: DocEdge[] = [];
  const weights = new Map<string, Float32Array>();
  const producer = new Map<string, Port>();
  const weightOf = new Map(g.weights.map((w) => [w.id, w]));
  const used = new Set<string>();
  const fail = (op: Op, why: string): never => {
    throw new NetloomError('unsupported-op', `${path}: node '${echo(op.node)}' (${op.type}) ${why}`, {
      path,
      nodeId: op.node,
    });
  };

  const freshId = (base: string): string => {
    const clean = base.replace(/^\/+/, '').replace(/[/:]+/g, '.') || 'node';
    let id = clean;
    for (let k = 2; used.has(id); k++) id = `${clean}_${k}`;
    used.add(id);
    return id;
  };
  const add = (id: string, kind: string, params: Record<string, unknown>, name?: string): string => {
    nodes.push({ id, kind, params, position: { x: 0, y: nodes.length * 100 }, ...(name ? { name } : {}) });
    return id;
  };
  const wire = (value: string, to: string, port = 'x'): void => {
    const from = producer.get(value);
    if (!from)
      throw new NetloomError(
        'invalid-onnx',
        `${path}: value '${echo(value)}' has no producer Netloom can show`,
      );
    edges.push({
      id: `e${edges.length}`,
      source: { node: from.node, port: from.port },
      target: { node: to, port },
    });
  };
  /** The node id for an op with weights: torch's module path (the weights' prefix) when there is one. */
  const idFor = (op: Op, weightIds: readonly (string | undefined)[]): string => {
    const w = weightIds.map((i) => (i ? weightOf.get(i) : undefined)).find((x) => x);
    return freshId(w && w.node !== w.id ? w.node : op.node);
  };
  const setWeight = (node: string, name: string, data: Float32Array | undefined): void => {
    if (data) weights.set(`${node}.${name}`, data);
  };
  const isWeight = (v: string | undefined): v is string => v !== undefined && weightOf.has(v);

  for (const i of g.inputs) {
    const t = g.values.get(i.value)!;
    const id = add(
      freshId(i.name),
      'Input',
      { shape: t.shape.slice(i.batched ? 1 : 0), dtype: t.dtype },
      i.name,
    );
    producer.set(i.value, { node: id, port: 'y' });
  }

  const simple: Readonly<Record<string, (op: Op) => [string, Record<string, unknown>]>> = {
    Relu: () => ['ReLU', {}],
    Sigmoid: () => ['Sigmoid', {}],
    Tanh: () => ['Tanh', {}],
    LeakyRelu: (op) => ['LeakyReLU', { negativeSlope: Number(op.attrs['alpha'] ?? 0.01) }],
    Elu: (op) => ['ELU', { alpha: Number(op.attrs['alpha'] ?? 1) }],
    Softmax: (op) => ['Softmax', { axis: Number(op.attrs['axis'] ?? -1) }],
    LogSoftmax: (op) => ['LogSoftmax', { axis: Number(op.attrs['axis'] ?? -1) }],
    GlobalAveragePool: () => ['GlobalAvgPool', { keepDims: true }],
    GlobalMaxPool: () => ['GlobalMaxPool', { keepDims: true }],
  };

  for (const op of g.ops) {
    const [x, a1, a2] = op.inputs;
    const out = op.outputs[0]!;
    const alias = () => producer.set(out, producer.get(x!)!);
    switch (op.type) {
      case 'Identity':
      case 'Dropout':
        alias();
        continue;
      case 'Gemm':
      case 'MatMul': {
        if (!isWeight(a1) || g.values.get(a1)!.shape.length !== 2) {
          fail(op, 'multiplies two computed tensors; Netloom has layers for a product with a weight only');
        }
        const w = weightOf.get(a1!)!;
        const transB = op.type === 'Gemm' && Number(op.attrs['transB'] ?? 0) === 1;
        if (
          op.type === 'Gemm' &&
          (Number(op.attrs['alpha'] ?? 1) !== 1 || Number(op.attrs['transA'] ?? 0) !== 0)
        ) {
          fail(op, 'uses alpha or transA, which a Dense layer does not');
        }
        const [r, c] = w.shape as [number, number];
        const units = transB ? r : c;
        const bias = op.type === 'Gemm' && isWeight(a2) ? a2 : undefined;
        const id = idFor(op, [a1]);
        add(id, 'Dense', { units, bias: bias !== undefined });
        wire(x!, id);
        const data = m.weights.get(a1!)!;
        setWeight(id, 'weight', transB ? data : transpose2d(data, r, c));
        if (bias) setWeight(id, 'bias', m.weights.get(bias));
        producer.set(out, { node: id, port: 'y' });
        continue;
      }
      case 'Conv': {
        if (!isWeight(a1)) fail(op, 'has a computed kernel; Netloom layers hold their kernels as weights');
        const w = weightOf.get(a1!)!;
        const n = w.shape.length - 2;
        if (n !== 1 && n !== 2) fail(op, `is a ${n}-D convolution; import reads 1-D and 2-D`);
        const pads = ints(op.attrs['pads']) ?? new Array<number>(2 * n).fill(0);
        if (pads.slice(0, n).some((p, i) => p !== pads[n + i])) fail(op, 'pads its sides unequally');
        const group = Number(op.attrs['group'] ?? 1);
        if (group !== 1) fail(op, `has group ${group}; import reads ordinary convolutions`);
        const id = idFor(op, [a1]);
        add(id, n === 2 ? 'Conv2d' : 'Conv1d', {
          outChannels: w.shape[0],
          kernelSize: w.shape.slice(2),
          stride: ints(op.attrs['strides']) ?? new Array<number>(n).fill(1),
          padding: pads.slice(0, n),
          dilation: ints(op.attrs['dilations']) ?? new Array<number>(n).fill(1),
          bias: isWeight(a2),
        });
        wire(x!, id);
        setWeight(id, 'weight', m.weights.get(a1!));
        if (isWeight(a2)) setWeight(id, 'bias', m.weights.get(a2));
        producer.set(out, { node: id, port: 'y' });
        continue;
      }
      case 'BatchNormalization': {
        const [, scale, b, mean, variance] = op.inputs;
        if (![scale, b, mean, variance].every(isWeight)) fail(op, 'has computed statistics');
        const rank = g.values.get(x!)!.shape.length;
        const id = idFor(op, [scale]);
        add(id, rank === 4 ? 'BatchNorm2d' : 'BatchNorm1d', {
          eps: Number(op.attrs['epsilon'] ?? 1e-5),
          // ONNX's momentum weighs the running value, torch's the batch statistic.
          momentum: 1 - Number(op.attrs['momentum'] ?? 0.9),
        });
        wire(x!, id);
        setWeight(id, 'weight', m.weights.get(scale!));
        setWeight(id, 'bias', m.weights.get(b!));
        setWeight(id, 'running_mean', m.weights.get(mean!));
        setWeight(id, 'running_var', m.weights.get(variance!));
        producer.set(out, { node: id, port: 'y' });
        continue;
      }
      case 'MaxPool':
      case 'AveragePool': {
        const k = ints(op.attrs['kernel_shape'])!;
        const n = k.length;
        if (n !== 1 && n !== 2) fail(op, `pools over ${n} axes; import reads 1-D and 2-D`);
        const pads = ints(op.attrs['pads']) ?? new Array<number>(2 * n).fill(0);
        if (pads.slice(0, n).some((p, i) => p !== pads[n + i])) fail(op, 'pads its sides unequally');
        const kind = `${op.type === 'MaxPool' ? 'MaxPool' : 'AvgPool'}${n}d`;
        const id = freshId(op.node);
        add(id, kind, {
          kernelSize: k,
          stride: ints(op.attrs['strides']) ?? new Array<number>(n).fill(1),
          padding: pads.slice(0, n),
          ceilMode: Number(op.attrs['ceil_mode'] ?? 0) === 1,
          ...(op.type === 'MaxPool'
            ? { dilation: ints(op.attrs['dilations']) ?? new Array<number>(n).fill(1) }
            : { countIncludePad: Number(op.attrs['count_include_pad'] ?? 0) === 1 }),
        });
        wire(x!, id);
        producer.set(out, { node: id, port: 'y' });
        continue;
      }
      case 'Flatten':
      case 'Reshape': {
        const targetConst = op.type === 'Reshape' ? g.constants.get(a1!) : undefined;
        const target = targetConst && constInts(targetConst);
        const flat =
          op.type === 'Flatten'
            ? Number(op.attrs['axis'] ?? 1) === 1
            : target !== undefined && target.length === 2 && (target[0] === 0 || target[1] === -1);
        const id = freshId(op.node);
        if (flat) add(id, 'Flatten', {});
        else if (op.type === 'Reshape' && target && target[0] === 0)
          add(id, 'Reshape', { shape: target.slice(1) });
        else fail(op, 'reshapes across the batch axis');
        wire(x!, id);
        producer.set(out, { node: id, port: 'y' });
        continue;
      }
      case 'Add':
      case 'Sub':
      case 'Mul': {
        // A bias after a MatMul folds into its Dense layer.
        const biasIn = [x, a1].find(isWeight);
        const other = [x, a1].find((v) => v !== biasIn)!;
        const src = producer.get(other);
        const dense = src && nodes.find((d) => d.id === src.node && d.kind === 'Dense');
        if (op.type === 'Add' && biasIn && dense && dense.params['bias'] === false) {
          dense.params['bias'] = true;
          setWeight(dense.id, 'bias', m.weights.get(biasIn));
          producer.set(out, src!);
          continue;
        }
        if (biasIn || [x, a1].some((v) => g.constants.has(v!))) {
          fail(op, "combines a tensor with a constant; import reads this only as a Dense layer's bias");
        }
        const kind = op.type === 'Add' ? 'Add' : op.type === 'Sub' ? 'Subtract' : 'Multiply';
        const id = freshId(op.node);
        add(id, kind, op.type === 'Sub' ? {} : { inputs: 2 });
        wire(x!, id, 'x0');
        wire(a1!, id, 'x1');
        producer.set(out, { node: id, port: 'y' });
        continue;
      }
      case 'Concat': {
        const id = freshId(op.node);
        add(id, 'Concat', { inputs: op.inputs.length, axis: Number(op.attrs['axis'] ?? 1) });
        op.inputs.forEach((v, k) => wire(v, id, `x${k}`));
        producer.set(out, { node: id, port: 'y' });
        continue;
      }
      default: {
        const row = Object.hasOwn(simple, op.type) ? simple[op.type] : undefined;
        if (!row)
          fail(op, 'has no Netloom layer yet; `netloom run` and `netloom step` still work on this file');
        const [kind, params] = row!(op);
        const id = freshId(op.node);
        add(id, kind, params);
        wire(x!, id);
        producer.set(out, { node: id, port: 'y' });
      }
    }
  }

  for (const o of g.outputs.filter((x) => x.role === 'output')) {
    const id = add(freshId(`out.${o.name}`), 'Output', {}, o.name);
    wire(o.value, id);
  }
  return {
    doc: {
      format: 'netloom',
      version: 1,
      name: m.name || path.replace(/^.*[\\/]/, '').replace(/\.onnx$/i, ''),
      description: `Imported from ${path.replace(/^.*[\\/]/, '')}${m.producer ? ` (made by ${m.producer})` : ''}.`,
      nodes,
      edges,
      groups: [],
    },
    weights,
  };
}

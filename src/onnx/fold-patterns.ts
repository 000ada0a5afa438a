// The op patterns import folds back into layers. Each pattern starts at one op, checks the whole
// pattern before it adds anything (values inside a pattern are read by nothing else, attributes
// are the ones the layer lowers to), then adds the layer and claims the ops; an op no pattern
// claims becomes an ONNX op node. Patterns fold only where the layer computes exactly what the
// ops compute, so an imported model's outputs do not change.
import type { ConstTensor, Graph, Op, Weight } from '../ir/types.ts';
import { constInts, numel } from '../ir/types.ts';
import type { ImportedModel } from './import.ts';
import { isExportComputed } from './torch-names.ts';
import { foldSelfAttention } from './fold-attention.ts';

export type Port = { node: string; port: string };

/** What a pattern may read from the imported graph and add to the document. */
export interface FoldContext {
  readonly graph: Graph;
  readonly m: ImportedModel;
  readonly weightOf: ReadonlyMap<string, Weight>;
  readonly producerOp: ReadonlyMap<string, Op>;
  readonly producer: Map<string, Port>;
  isWeight(v: string | undefined): v is string;
  constant(v: string | undefined): ConstTensor | undefined;
  scalar(v: string | undefined): number | undefined;
  /** The one op reading v, when exactly one does and v is not a graph output. */
  sole(v: string): Op | undefined;
  /** Whether nothing reads v and it is not a graph output. */
  unused(v: string): boolean;
  /** Whether an op already has its node (a pattern may claim only ops that do not). */
  placed(op: Op): boolean;
  shape(v: string): readonly number[];
  /** A node id from torch's names; `claimed` are the ops the layer stands for (default: op). */
  idFor(op: Op, weightIds?: readonly (string | undefined)[], claimed?: readonly Op[]): string;
  /** The id of the BatchNorm torch folded into the convolution `of`. */
  siblingId(of: string, op: Op): string;
  add(id: string, kind: string, params: Record<string, unknown>): string;
  wire(value: string, to: string, port?: string): void;
  setWeight(node: string, name: string, data: Float32Array | undefined): void;
  value(id: string): Float32Array;
  output(v: string, node: string, port?: string): void;
  genericNode(op: Op): void;
}

type Pattern = (c: FoldContext, op: Op) => readonly Op[] | undefined;

const same = (a: readonly number[] | undefined, b: readonly number[]): boolean =>
  a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);

function ints(v: unknown): number[] | undefined {
  return Array.isArray(v) ? v.map(Number) : undefined;
}

function num(op: Op, name: string, fallback: number): number {
  const v = op.attrs[name];
  return typeof v === 'number' ? v : fallback;
}

/** The attribute names an op has beyond the ones a pattern understands. */
function extraAttrs(op: Op, known: readonly string[]): boolean {
  return Object.keys(op.attrs).some((k) => !known.includes(k));
}

function allEqual(c: ConstTensor | undefined, v: number): boolean {
  return c !== undefined && constInts(c).every((x) => x === v);
}

// ---------------------------------------------------------------------------------------------
// Pass-through and single-op layers

const passThrough: Pattern = (c, op) => {
  if (op.type !== 'Identity' && op.type !== 'Dropout') return undefined;
  // Dropout in an inference graph (training_mode absent or false) passes its input through.
  if (op.type === 'Dropout' && op.inputs[2] && !allEqual(c.constant(op.inputs[2]), 0)) return undefined;
  const src = c.producer.get(op.inputs[0]!);
  if (!src || op.outputs.slice(1).some((o) => !c.unused(o))) return undefined;
  c.producer.set(op.outputs[0]!, src);
  return [op];
};

const simpleActivations: Readonly<Record<string, (op: Op) => [string, Record<string, unknown>] | undefined>> =
  {
    Relu: () => ['ReLU', {}],
    Sigmoid: () => ['Sigmoid', {}],
    Tanh: () => ['Tanh', {}],
    HardSwish: () => ['HardSwish', {}],
    LeakyRelu: (op) => ['LeakyReLU', { negativeSlope: num(op, 'alpha', 0.01) }],
    Elu: (op) => ['ELU', { alpha: num(op, 'alpha', 1) }],
    Softmax: (op) => ['Softmax', { axis: num(op, 'axis', -1) }],
    LogSoftmax: (op) => ['LogSoftmax', { axis: num(op, 'axis', -1) }],
    GlobalAveragePool: () => ['GlobalAvgPool', { keepDims: true }],
    GlobalMaxPool: () => ['GlobalMaxPool', { keepDims: true }],
    // torch.nn.Hardsigmoid is ONNX HardSigmoid with α = 1/6, β = 0.5.
    HardSigmoid: (op) =>
      Math.abs(num(op, 'alpha', 0.2) - 1 / 6) < 1e-7 && num(op, 'beta', 0.5) === 0.5
        ? ['HardSigmoid', {}]
        : undefined,
    // torch's SELU constants, which the layer uses.
    Selu: (op) =>
      Math.abs(num(op, 'alpha', 1.6732632423543772) - 1.6732632423543772) < 1e-6 &&
      Math.abs(num(op, 'gamma', 1.0507009873554805) - 1.0507009873554805) < 1e-6
        ? ['SELU', {}]
        : undefined,
  };

const activation: Pattern = (c, op) => {
  const f = Object.hasOwn(simpleActivations, op.type) ? simpleActivations[op.type] : undefined;
  if (!f) return undefined;
  const r = f(op);
  if (!r) return undefined;
  const id = c.idFor(op);
  c.add(id, r[0], r[1]);
  c.wire(op.inputs[0]!, id);
  c.output(op.outputs[0]!, id);
  return [op];
};

/** Clip(x, 0, 6): torch's ReLU6. */
const relu6: Pattern = (c, op) => {
  if (op.type !== 'Clip' || c.scalar(op.inputs[1]) !== 0 || c.scalar(op.inputs[2]) !== 6) return undefined;
  const id = c.idFor(op);
  c.add(id, 'ReLU6', {});
  c.wire(op.inputs[0]!, id);
  c.output(op.outputs[0]!, id);
  return [op];
};

/** PRelu with a learned slope: one shared, or one per channel ([C] or torch's [C, 1, …]). */
const prelu: Pattern = (c, op) => {
  const [x, slope] = op.inputs;
  if (op.type !== 'PRelu' || !c.isWeight(slope)) return undefined;
  const s = c.shape(slope);
  const xs = c.shape(x!);
  const n = numel(s);
  const perChannel = n > 1 && xs.length >= 2 && s[0] === xs[1] && s.slice(1).every((d) => d === 1);
  const trailing = xs.length - 1 - s.length;
  if (n !== 1 && !(perChannel && trailing === 0)) return undefined;
  const id = c.idFor(op, [slope]);
  c.add(id, 'PReLU', { numParameters: n, init: 0.25 });
  c.wire(x!, id);
  c.setWeight(id, 'weight', c.value(slope));
  c.output(op.outputs[0]!, id);
  return [op];
};

// ---------------------------------------------------------------------------------------------
// Dense, Embedding

function dense(
  c: FoldContext,
  anchor: Op,
  x: string,
  w: string,
  transposed: boolean,
  bias: string | undefined,
  out: string,
): void {
  const [r, k] = c.shape(w) as [number, number];
  const units = transposed ? r : k;
  const id = c.idFor(anchor, [bias, w]);
  c.add(id, 'Dense', { units, bias: bias !== undefined });
  c.wire(x, id);
  const data = c.value(w);
  c.setWeight(id, 'weight', transposed ? data : transposeMatrix(data, r, k));
  if (bias) c.setWeight(id, 'bias', c.value(bias));
  c.output(out, id);
}

function transposeMatrix(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = data[r * cols + k]!;
  return out;
}

/** A bias vector of `units` read by an Add right after the product: folds into the Dense. */
function biasAdd(c: FoldContext, product: string, units: number): { add: Op; bias: string } | undefined {
  const add = c.sole(product);
  if (add?.type !== 'Add') return undefined;
  const bias = add.inputs.find((v) => v !== product);
  if (!c.isWeight(bias) || !same(c.shape(bias), [units])) return undefined;
  if (!same(c.shape(add.outputs[0]!), c.shape(product))) return undefined;
  return { add, bias };
}

const gemm: Pattern = (c, op) => {
  if (op.type !== 'Gemm') return undefined;
  const [x, w, b] = op.inputs;
  if (!c.isWeight(w) || c.shape(w).length !== 2 || extraAttrs(op, ['alpha', 'beta', 'transA', 'transB'])) {
    return undefined;
  }
  if (num(op, 'alpha', 1) !== 1 || num(op, 'transA', 0) !== 0) return undefined;
  const transposed = num(op, 'transB', 0) === 1;
  const units = transposed ? c.shape(w)[0]! : c.shape(w)[1]!;
  if (b !== undefined && b !== '') {
    if (!c.isWeight(b) || num(op, 'beta', 1) !== 1 || numel(c.shape(b)) !== units) return undefined;
  }
  dense(c, op, x!, w, transposed, b || undefined, op.outputs[0]!);
  return [op];
};

const matmul: Pattern = (c, op) => {
  if (op.type !== 'MatMul') return undefined;
  const [x, w] = op.inputs;
  if (!c.isWeight(w) || c.shape(w).length !== 2) return undefined;
  const rank = c.shape(x!).length;
  if (rank < 2 || rank > 3) return undefined;
  const units = c.shape(w)[1]!;
  const b = biasAdd(c, op.outputs[0]!, units);
  dense(c, op, x!, w, false, b?.bias, (b?.add ?? op).outputs[0]!);
  return b ? [op, b.add] : [op];
};

/** Gather of rows of a weight by int64 token ids: torch.nn.Embedding. */
const embedding: Pattern = (c, op) => {
  const [w, idx] = op.inputs;
  if (op.type !== 'Gather' || !c.isWeight(w) || num(op, 'axis', 0) !== 0) return undefined;
  if (c.shape(w).length !== 2 || c.constant(idx) || c.graph.values.get(idx!)?.dtype !== 'int64') {
    return undefined;
  }
  const [n, d] = c.shape(w) as [number, number];
  const id = c.idFor(op, [w]);
  c.add(id, 'Embedding', { numEmbeddings: n, dim: d });
  c.wire(idx!, id);
  c.setWeight(id, 'weight', c.value(w));
  c.output(op.outputs[0]!, id);
  return [op];
};

// ---------------------------------------------------------------------------------------------
// Convolutions and normalization

function symmetricPads(op: Op, n: number): number[] | undefined {
  const pads = ints(op.attrs['pads']) ?? new Array<number>(2 * n).fill(0);
  if (pads.length !== 2 * n || pads.slice(0, n).some((p, i) => p !== pads[n + i])) return undefined;
  return pads.slice(0, n);
}

const convAttrs = ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'auto_pad'];

const conv: Pattern = (c, op) => {
  if (op.type !== 'Conv' || extraAttrs(op, convAttrs)) return undefined;
  const [x, w, b] = op.inputs;
  if (!c.isWeight(w) || (b && !c.isWeight(b))) return undefined;
  const ws = c.shape(w);
  const n = ws.length - 2;
  if (n < 1 || n > 3) return undefined;
  const autoPad = op.attrs['auto_pad'];
  if (autoPad !== undefined && autoPad !== 'NOTSET') return undefined;
  const padding = symmetricPads(op, n);
  if (!padding) return undefined;
  const group = num(op, 'group', 1);
  const inC = c.shape(x!)[1]!;
  const out = ws[0]!;
  const stride = ints(op.attrs['strides']) ?? new Array<number>(n).fill(1);
  const dilation = ints(op.attrs['dilations']) ?? new Array<number>(n).fill(1);
  const kernel = ws.slice(2);
  const hasBias = b !== undefined && b !== '';
  // torch folds each BatchNorm into the convolution before it (eval export): the weights come
  // out as onnx::Conv_N. Un-folded, the BatchNorm is a layer again (γ = 1, β = the folded bias,
  // mean 0, variance 1 − ε), computing the same and counting torch's parameters.
  const folded =
    hasBias && n <= 2 && c.m.producer.startsWith('pytorch') && isExportComputed(w) && isExportComputed(b);
  const id = c.idFor(op, [w, hasBias ? b : undefined]);
  const depthwise = n === 2 && group === inC && group > 1 && out % inC === 0;
  if (depthwise) {
    c.add(id, 'DepthwiseConv2d', {
      depthMultiplier: out / inC,
      kernelSize: kernel,
      stride,
      padding,
      dilation,
      bias: hasBias && !folded,
    });
  } else {
    c.add(id, `Conv${n}d`, {
      outChannels: out,
      kernelSize: kernel,
      stride,
      padding,
      dilation,
      groups: group,
      bias: hasBias && !folded,
    });
  }
  c.wire(x!, id);
  c.setWeight(id, 'weight', c.value(w));
  c.output(op.outputs[0]!, id);
  if (!folded) {
    if (hasBias) c.setWeight(id, 'bias', c.value(b));
    return [op];
  }
  const eps = 1e-5;
  const bn = c.siblingId(id, op);
  c.add(bn, n === 2 ? 'BatchNorm2d' : 'BatchNorm1d', { eps, momentum: 0.1 });
  c.wire(op.outputs[0]!, bn);
  c.setWeight(bn, 'weight', new Float32Array(out).fill(1));
  c.setWeight(bn, 'bias', c.value(b));
  c.setWeight(bn, 'running_mean', new Float32Array(out));
  c.setWeight(bn, 'running_var', new Float32Array(out).fill(1 - eps));
  c.output(op.outputs[0]!, bn);
  return [op];
};

const convTranspose: Pattern = (c, op) => {
  const known = ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'output_padding', 'auto_pad'];
  if (op.type !== 'ConvTranspose' || extraAttrs(op, known)) return undefined;
  const [x, w, b] = op.inputs;
  if (!c.isWeight(w) || (b && !c.isWeight(b))) return undefined;
  const ws = c.shape(w);
  const n = ws.length - 2;
  if (n !== 1 && n !== 2) return undefined;
  const autoPad = op.attrs['auto_pad'];
  if (autoPad !== undefined && autoPad !== 'NOTSET') return undefined;
  const padding = symmetricPads(op, n);
  if (!padding) return undefined;
  const group = num(op, 'group', 1);
  const id = c.idFor(op, [w]);
  c.add(id, `ConvTranspose${n}d`, {
    outChannels: ws[1]! * group,
    kernelSize: ws.slice(2),
    stride: ints(op.attrs['strides']) ?? new Array<number>(n).fill(1),
    padding,
    outputPadding: ints(op.attrs['output_padding']) ?? new Array<number>(n).fill(0),
    dilation: ints(op.attrs['dilations']) ?? new Array<number>(n).fill(1),
    groups: group,
    bias: b !== undefined && b !== '',
  });
  c.wire(x!, id);
  c.setWeight(id, 'weight', c.value(w));
  if (b) c.setWeight(id, 'bias', c.value(b));
  c.output(op.outputs[0]!, id);
  return [op];
};

const batchNorm: Pattern = (c, op) => {
  if (op.type !== 'BatchNormalization' || op.outputs.length > 1) return undefined;
  if (num(op, 'training_mode', 0) !== 0 || extraAttrs(op, ['epsilon', 'momentum', 'training_mode'])) {
    return undefined;
  }
  const [x, scale, bias, mean, variance] = op.inputs;
  if (![scale, bias, mean, variance].every((v) => c.isWeight(v))) return undefined;
  const rank = c.shape(x!).length;
  if (rank < 2 || rank > 4) return undefined;
  if (c.weightOf.get(scale!)!.role !== 'param' || c.weightOf.get(bias!)!.role !== 'param') return undefined;
  const id = c.idFor(op, [scale, bias]);
  c.add(id, rank === 4 ? 'BatchNorm2d' : 'BatchNorm1d', {
    eps: num(op, 'epsilon', 1e-5),
    // ONNX's momentum weighs the running value, torch's the batch statistic.
    momentum: 1 - num(op, 'momentum', 0.9),
  });
  c.wire(x!, id);
  c.setWeight(id, 'weight', c.value(scale!));
  c.setWeight(id, 'bias', c.value(bias!));
  c.setWeight(id, 'running_mean', c.value(mean!));
  c.setWeight(id, 'running_var', c.value(variance!));
  c.output(op.outputs[0]!, id);
  return [op];
};

/** ONNX LayerNormalization (opset 17) over the last k axes with a weight and bias. */
const layerNormOp: Pattern = (c, op) => {
  if (op.type !== 'LayerNormalization' || op.outputs.length > 1) return undefined;
  const [x, scale, bias] = op.inputs;
  const r = c.shape(x!).length;
  const axis = num(op, 'axis', -1);
  const k = axis < 0 ? -axis : r - axis;
  if (!c.isWeight(scale) || !c.isWeight(bias) || k < 1 || k > r - 1) return undefined;
  const id = c.idFor(op, [scale, bias]);
  c.add(id, 'LayerNorm', { normalizedShape: k, eps: num(op, 'epsilon', 1e-5), elementwiseAffine: true });
  c.wire(x!, id);
  c.setWeight(id, 'weight', c.value(scale));
  c.setWeight(id, 'bias', c.value(bias));
  c.output(op.outputs[0]!, id);
  return [op];
};

/**
 * torch's LayerNorm before opset 17: μ = mean(x), d = x − μ, σ = √(mean(d²) + ε), d / σ · w + b,
 * over the last axis.
 */
const layerNormDecomposed: Pattern = (c, op) => {
  if (op.type !== 'ReduceMean' || !same(ints(op.attrs['axes']), [-1])) return undefined;
  if (num(op, 'keepdims', 1) !== 1) return undefined;
  const x = op.inputs[0]!;
  const mean = op.outputs[0]!;
  const sub = c.sole(mean);
  if (sub?.type !== 'Sub' || sub.inputs[0] !== x || sub.inputs[1] !== mean) return undefined;
  const d = sub.outputs[0]!;
  const readers = c.graph.ops.filter((o) => o.inputs.includes(d));
  const pow = readers.find((o) => o.type === 'Pow');
  const div = readers.find((o) => o.type === 'Div');
  if (readers.length !== 2 || !pow || !div || c.scalar(pow.inputs[1]) !== 2 || pow.inputs[0] !== d) {
    return undefined;
  }
  const var_ = c.sole(pow.outputs[0]!);
  if (var_?.type !== 'ReduceMean' || !same(ints(var_.attrs['axes']), [-1])) return undefined;
  const addEps = c.sole(var_.outputs[0]!);
  const eps = addEps?.type === 'Add' ? c.scalar(addEps.inputs[1]) : undefined;
  if (!addEps || eps === undefined) return undefined;
  const sqrt = c.sole(addEps.outputs[0]!);
  if (sqrt?.type !== 'Sqrt' || c.sole(sqrt.outputs[0]!) !== div || div.inputs[0] !== d) return undefined;
  const last = c.shape(x).at(-1)!;
  const mul = c.sole(div.outputs[0]!);
  const w = mul?.type === 'Mul' ? mul.inputs.find((v) => v !== div.outputs[0]) : undefined;
  const affine = mul !== undefined && c.isWeight(w) && same(c.shape(w), [last]);
  const addB = affine ? c.sole(mul.outputs[0]!) : undefined;
  const b = addB?.type === 'Add' ? addB.inputs.find((v) => v !== mul!.outputs[0]) : undefined;
  const withBias = addB !== undefined && c.isWeight(b) && same(c.shape(b), [last]);
  if (affine !== withBias) return undefined;
  const ops = [op, sub, pow, var_, addEps, sqrt, div, ...(affine ? [mul!, addB!] : [])];
  const id = c.idFor(op, affine ? [w, b] : [], ops);
  c.add(id, 'LayerNorm', { normalizedShape: 1, eps, elementwiseAffine: affine });
  c.wire(x, id);
  if (affine) {
    c.setWeight(id, 'weight', c.value(w));
    c.setWeight(id, 'bias', c.value(b!));
  }
  c.output(ops.at(-1)!.outputs[0]!, id);
  return ops;
};

/** torch's exact GELU before opset 20: x · (erf(x / √2) + 1) · 0.5. */
const geluDecomposed: Pattern = (c, op) => {
  if (op.type !== 'Div') return undefined;
  const x = op.inputs[0]!;
  const s = c.scalar(op.inputs[1]);
  if (s === undefined || Math.abs(s - Math.SQRT2) > 1e-6) return undefined;
  const erf = c.sole(op.outputs[0]!);
  if (erf?.type !== 'Erf') return undefined;
  const add = c.sole(erf.outputs[0]!);
  if (add?.type !== 'Add' || c.scalar(add.inputs[1]) !== 1) return undefined;
  const mul = c.sole(add.outputs[0]!);
  if (mul?.type !== 'Mul' || !mul.inputs.includes(x)) return undefined;
  const half = c.sole(mul.outputs[0]!);
  if (half?.type !== 'Mul' || c.scalar(half.inputs[1]) !== 0.5) return undefined;
  const id = c.idFor(op, [], [op, erf, add, mul, half]);
  c.add(id, 'GELU', { approximate: 'none' });
  c.wire(x, id);
  c.output(half.outputs[0]!, id);
  return [op, erf, add, mul, half];
};

// ---------------------------------------------------------------------------------------------
// Pooling, shape and merge layers

const pool: Pattern = (c, op) => {
  if (op.type !== 'MaxPool' && op.type !== 'AveragePool') return undefined;
  if (op.outputs.length > 1) return undefined;
  const known = [
    'kernel_shape',
    'strides',
    'pads',
    'ceil_mode',
    'dilations',
    'count_include_pad',
    'auto_pad',
  ];
  if (extraAttrs(op, known) || (op.attrs['auto_pad'] ?? 'NOTSET') !== 'NOTSET') return undefined;
  const k = ints(op.attrs['kernel_shape']);
  const n = k?.length ?? 0;
  if (!k || (n !== 1 && n !== 2)) return undefined;
  const padding = symmetricPads(op, n);
  if (!padding) return undefined;
  const dilation = ints(op.attrs['dilations']) ?? new Array<number>(n).fill(1);
  if (op.type === 'AveragePool' && dilation.some((d) => d !== 1)) return undefined;
  const id = c.idFor(op);
  c.add(id, `${op.type === 'MaxPool' ? 'MaxPool' : 'AvgPool'}${n}d`, {
    kernelSize: k,
    stride: ints(op.attrs['strides']) ?? new Array<number>(n).fill(1),
    padding,
    ceilMode: num(op, 'ceil_mode', 0) === 1,
    ...(op.type === 'MaxPool' ? { dilation } : { countIncludePad: num(op, 'count_include_pad', 0) === 1 }),
  });
  c.wire(op.inputs[0]!, id);
  c.output(op.outputs[0]!, id);
  return [op];
};

const flattenReshape: Pattern = (c, op) => {
  if (op.type !== 'Flatten' && op.type !== 'Reshape') return undefined;
  const x = op.inputs[0]!;
  const rank = c.shape(x).length;
  let kind: string;
  let params: Record<string, unknown>;
  if (op.type === 'Flatten') {
    if (num(op, 'axis', 1) !== 1 || rank < 2) return undefined;
    kind = 'Flatten';
    params = {};
  } else {
    const t = c.constant(op.inputs[1]);
    if (!t || num(op, 'allowzero', 0) !== 0) return undefined;
    const target = constInts(t);
    if (target[0] !== 0 || target.slice(1).includes(0) || target.length < 2) return undefined;
    if (target.length === 2 && target[1] === -1 && rank > 2) {
      kind = 'Flatten';
      params = {};
    } else {
      kind = 'Reshape';
      params = { shape: target.slice(1) };
    }
  }
  const id = c.idFor(op);
  c.add(id, kind, params);
  c.wire(x, id);
  c.output(op.outputs[0]!, id);
  return [op];
};

const merge: Pattern = (c, op) => {
  if (op.type === 'Concat') {
    const axis = num(op, 'axis', 1);
    const rank = c.shape(op.inputs[0]!).length;
    const a = axis < 0 ? axis + rank : axis;
    if (a === 0 || op.inputs.some((v) => v === '' || c.isWeight(v) || c.constant(v))) return undefined;
    if (op.inputs.length < 2 || op.inputs.length > 16) return undefined;
    const id = c.idFor(op);
    c.add(id, 'Concat', { inputs: op.inputs.length, axis });
    op.inputs.forEach((v, k) => c.wire(v, id, `x${k}`));
    c.output(op.outputs[0]!, id);
    return [op];
  }
  if (op.type !== 'Add' && op.type !== 'Sub' && op.type !== 'Mul') return undefined;
  const [a, b] = op.inputs as [string, string];
  if ([a, b].some((v) => c.isWeight(v) || c.constant(v))) return undefined;
  // The merge layers keep the batch axis as it is: both operands must carry it.
  if (c.shape(a)[0] !== c.shape(b)[0] || c.shape(a).length !== c.shape(b).length) return undefined;
  const id = c.idFor(op);
  c.add(
    id,
    op.type === 'Add' ? 'Add' : op.type === 'Sub' ? 'Subtract' : 'Multiply',
    op.type === 'Sub' ? {} : { inputs: 2 },
  );
  c.wire(a, id, 'x0');
  c.wire(b, id, 'x1');
  c.output(op.outputs[0]!, id);
  return [op];
};

// ---------------------------------------------------------------------------------------------
// Fused recurrent ops, as torch.onnx.export wraps them for batch_first modules

type Cell = 'RNN' | 'GRU' | 'LSTM';
const gateCount: Record<Cell, number> = { RNN: 1, GRU: 3, LSTM: 4 };
/** torch's gate j is ONNX's gate order[j] (LSTM: ifgo ← iofc; GRU: rzn ← zrh). */
const torchFromOnnx: Record<Cell, readonly number[]> = { RNN: [0], GRU: [1, 0, 2], LSTM: [0, 2, 3, 1] };

/** A zero initial state: absent, or an Expand of zeros read only by this op. */
function zeroState(c: FoldContext, v: string | undefined, reader: Op): Op[] | undefined {
  if (v === undefined || v === '') return [];
  // A model exported with a dynamic batch computes the zeros from the input's shape; import folds
  // that to a constant (at the batch it read), and zeros at every batch are the layer's own start.
  if (!c.producerOp.has(v)) return allEqual(c.constant(v), 0) ? [] : undefined;
  const e = c.producerOp.get(v);
  if (e?.type !== 'Expand' || c.placed(e) || c.sole(v) !== reader) return undefined;
  if (!allEqual(c.constant(e.inputs[0]), 0)) return undefined;
  return [e];
}

interface RecurrentStep {
  readonly op: Op;
  readonly claimed: Op[];
}

function recurrentOk(c: FoldContext, op: Op, cell: Cell, hidden: number, dir: string): Op[] | undefined {
  if (op.type !== cell || num(op, 'hidden_size', 0) !== hidden) return undefined;
  if ((op.attrs['direction'] ?? 'forward') !== dir || num(op, 'layout', 0) !== 0) return undefined;
  if (op.attrs['clip'] !== undefined || op.attrs['activation_alpha'] || op.attrs['activation_beta']) {
    return undefined;
  }
  if (cell === 'GRU' && num(op, 'linear_before_reset', 0) !== 1) return undefined;
  if (cell === 'LSTM' && (num(op, 'input_forget', 0) !== 0 || (op.inputs[7] ?? '') !== '')) return undefined;
  const acts = op.attrs['activations'];
  const d = dir === 'bidirectional' ? 2 : 1;
  if (cell === 'RNN') {
    if (acts !== undefined && (!Array.isArray(acts) || acts.length !== d || new Set(acts).size !== 1))
      return undefined;
    const a = Array.isArray(acts) ? acts[0] : 'Tanh';
    if (a !== 'Tanh' && a !== 'Relu') return undefined;
  } else if (acts !== undefined) return undefined;
  const [, w, r, b, lens] = op.inputs;
  if (!c.isWeight(w) || !c.isWeight(r) || (b && !c.isWeight(b)) || (lens ?? '') !== '') return undefined;
  const h0 = zeroState(c, op.inputs[5], op);
  const c0 = cell === 'LSTM' ? zeroState(c, op.inputs[6], op) : [];
  if (!h0 || !c0) return undefined;
  return [...h0, ...c0];
}

/** Y [L, D, N, H] to the next layer's [L, N, D·H]: Squeeze (one direction) or Transpose + Reshape. */
function mergedSequence(c: FoldContext, y: string, d: number): { value: string; ops: Op[] } | undefined {
  const first = c.sole(y);
  if (d === 1) {
    if (
      first?.type !== 'Squeeze' ||
      !same(c.constant(first.inputs[1]) && constInts(c.constant(first.inputs[1])!), [1])
    ) {
      return undefined;
    }
    return { value: first.outputs[0]!, ops: [first] };
  }
  if (first?.type !== 'Transpose' || !same(ints(first.attrs['perm']), [0, 2, 1, 3])) return undefined;
  const reshape = c.sole(first.outputs[0]!);
  if (reshape?.type !== 'Reshape') return undefined;
  const ys = c.shape(y);
  if (!same(c.shape(reshape.outputs[0]!), [ys[0]!, ys[2]!, ys[1]! * ys[3]!])) return undefined;
  return { value: reshape.outputs[0]!, ops: [first, reshape] };
}

const recurrent: Pattern = (c, op) => {
  if (op.type !== 'Transpose' || !same(ints(op.attrs['perm']), [1, 0, 2])) return undefined;
  const first = c.sole(op.outputs[0]!);
  if (!first || (first.type !== 'LSTM' && first.type !== 'GRU' && first.type !== 'RNN')) return undefined;
  if (first.inputs[0] !== op.outputs[0]) return undefined;
  const cell = first.type as Cell;
  const hidden = num(first, 'hidden_size', 0);
  const dir = String(first.attrs['direction'] ?? 'forward');
  if (dir === 'reverse') return undefined;
  const d = dir === 'bidirectional' ? 2 : 1;
  const steps: RecurrentStep[] = [];
  const claimed: Op[] = [op];
  let cur: Op | undefined = first;
  let seq: { value: string; ops: Op[] } | undefined;
  while (cur) {
    const extra = recurrentOk(c, cur, cell, hidden, dir);
    if (!extra) return undefined;
    steps.push({ op: cur, claimed: extra });
    claimed.push(cur, ...extra);
    seq = c.unused(cur.outputs[0]!) ? undefined : mergedSequence(c, cur.outputs[0]!, d);
    const next: Op | undefined = seq ? c.sole(seq.value) : undefined;
    if (seq && next && next.type === cell && next.inputs[0] === seq.value) {
      claimed.push(...seq.ops);
      cur = next;
    } else cur = undefined;
  }
  const last = steps.at(-1)!.op;
  const states = (o: Op) => o.outputs.slice(1).filter((v) => v !== '');
  let returnSequences: boolean;
  let out: string;
  if (seq) {
    // The whole sequence, batch first again: no layer's final state may be read.
    const back = c.sole(seq.value);
    if (back?.type !== 'Transpose' || !same(ints(back.attrs['perm']), [1, 0, 2])) return undefined;
    if (steps.some((s) => states(s.op).some((v) => !c.unused(v)))) return undefined;
    claimed.push(...seq.ops, back);
    returnSequences = true;
    out = back.outputs[0]!;
  } else {
    // The last layer's final state, h_n[-1] (one direction only): a Gather of Y_h, or of all
    // layers' Y_h concatenated as torch's h_n.
    if (d !== 1 || !c.unused(last.outputs[0]!)) return undefined;
    if (steps.some((s) => s.op.outputs[2] && !c.unused(s.op.outputs[2]))) return undefined;
    let hn = last.outputs[1]!;
    if (steps.length > 1) {
      const cat = c.sole(hn);
      if (cat?.type !== 'Concat' || num(cat, 'axis', 0) !== 0 || cat.inputs.length !== steps.length) {
        return undefined;
      }
      if (!steps.every((s, k) => cat.inputs[k] === s.op.outputs[1] && c.sole(s.op.outputs[1]!) === cat)) {
        return undefined;
      }
      claimed.push(cat);
      hn = cat.outputs[0]!;
    }
    const g = c.sole(hn);
    const idx = g?.type === 'Gather' ? c.constant(g.inputs[1]) : undefined;
    const layers = steps.length;
    if (!g || num(g, 'axis', 0) !== 0 || !idx || idx.shape.length !== 0) return undefined;
    const at = constInts(idx)[0]!;
    if (at !== -1 && at !== layers - 1) return undefined;
    claimed.push(g);
    returnSequences = false;
    out = g.outputs[0]!;
  }
  const acts = first.attrs['activations'];
  const weightIds = steps.flatMap((s) => s.op.inputs.slice(1, 4));
  const id = c.idFor(first, weightIds, claimed);
  c.add(id, cell, {
    hiddenSize: hidden,
    numLayers: steps.length,
    bidirectional: d === 2,
    bias: (first.inputs[3] ?? '') !== '',
    returnSequences,
    ...(cell === 'RNN' ? { nonlinearity: Array.isArray(acts) && acts[0] === 'Relu' ? 'relu' : 'tanh' } : {}),
  });
  c.wire(op.inputs[0]!, id);
  const G = gateCount[cell];
  const order = torchFromOnnx[cell];
  /** Rows [G·H, ·] of ONNX gate blocks, reordered into torch's gate order. */
  const reorder = (data: Float32Array, offset: number, rowLen: number): Float32Array => {
    const block = hidden * rowLen;
    const outData = new Float32Array(G * block);
    order.forEach((src, j) =>
      outData.set(data.subarray(offset + src * block, offset + (src + 1) * block), j * block),
    );
    return outData;
  };
  steps.forEach((s, k) => {
    const [, w, r, b] = s.op.inputs;
    const W = c.value(w!);
    const R = c.value(r!);
    const inF = c.shape(w!)[2]!;
    for (let dd = 0; dd < d; dd++) {
      const suffix = `_l${k}${dd === 1 ? '_reverse' : ''}`;
      c.setWeight(id, `weight_ih${suffix}`, reorder(W, dd * G * hidden * inF, inF));
      c.setWeight(id, `weight_hh${suffix}`, reorder(R, dd * G * hidden * hidden, hidden));
      if (b) {
        const B = c.value(b);
        c.setWeight(id, `bias_ih${suffix}`, reorder(B, dd * 2 * G * hidden, 1));
        c.setWeight(id, `bias_hh${suffix}`, reorder(B, dd * 2 * G * hidden + G * hidden, 1));
      }
    }
  });
  c.output(out, id);
  return claimed;
};

/** Constant padding of the axes after the batch: torch.nn.functional.pad, the Pad layer. */
const pad: Pattern = (c, op) => {
  if (op.type !== 'Pad' || (op.attrs['mode'] ?? 'constant') !== 'constant') return undefined;
  const pads = c.constant(op.inputs[1]);
  const value = op.inputs[2] ? c.scalar(op.inputs[2]) : 0;
  if (!pads || value === undefined || (op.inputs[3] ?? '') !== '') return undefined;
  const p = constInts(pads);
  const r = p.length / 2;
  if (p.some((v) => v < 0) || p[0] !== 0 || p[r] !== 0) return undefined;
  // torch lists (before, after) pairs from the last axis backwards, as far as the first padded one.
  let axes = 0;
  for (let a = 1; a < r; a++) if (p[a] !== 0 || p[a + r] !== 0) axes = Math.max(axes, r - a);
  if (axes === 0) {
    // No padding at all (torch's avg_pool2d writes one): the input passes through.
    const src = c.producer.get(op.inputs[0]!);
    if (!src) return undefined;
    c.producer.set(op.outputs[0]!, src);
    return [op];
  }
  const padding: number[] = [];
  for (let k = 0; k < axes; k++) padding.push(p[r - 1 - k]!, p[2 * r - 1 - k]!);
  const id = c.idFor(op);
  c.add(id, 'Pad', { padding, value });
  c.wire(op.inputs[0]!, id);
  c.output(op.outputs[0]!, id);
  return [op];
};

/** In the order they are tried: multi-op patterns before the single ops they start with. */
const patterns: readonly Pattern[] = [
  passThrough,
  foldSelfAttention,
  layerNormDecomposed,
  geluDecomposed,
  recurrent,
  gemm,
  matmul,
  embedding,
  conv,
  convTranspose,
  batchNorm,
  layerNormOp,
  pool,
  flattenReshape,
  merge,
  relu6,
  prelu,
  pad,
  activation,
];

/** Adds a node for every op of the graph: a layer where a pattern fits, an ONNX op node elsewhere. */
export function foldPatterns(c: FoldContext, done: Set<Op>): void {
  for (const op of c.graph.ops) {
    if (done.has(op)) continue;
    let claimed: readonly Op[] | undefined;
    for (const p of patterns) {
      claimed = p(c, op);
      if (claimed) break;
    }
    if (claimed) for (const o of claimed) done.add(o);
    else {
      c.genericNode(op);
      done.add(op);
    }
  }
}

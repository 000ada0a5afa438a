// Tidies a graph before a runtime sees it: ops whose inputs are all constants are computed here
// (small results only: a large constant would only make the file bigger), Identity ops and
// Reshapes that change nothing are skipped, a Reshape of a Reshape becomes one, and ops nothing
// reads are dropped. Values keep their ids, so graph inputs and outputs are untouched; an op that
// produces a graph output is never folded away.
import type { ConstTensor, Graph, Op, Shape, TensorData, Value } from './types.ts';
import { constInts, numel } from './types.ts';

export interface SimplifyOptions {
  /** Results larger than this stay ops (default 4096 elements). */
  readonly maxFoldElements?: number;
}

type Evaluator = (ins: readonly ConstTensor[], op: Op, out: Value) => TensorData | undefined;

/** Strides of a row-major shape. */
function strides(shape: Shape): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** For each element of `out`, the flat position of the element of `inShape` it broadcasts from. */
function broadcastIndex(inShape: Shape, out: Shape): Int32Array {
  const n = numel(out);
  const idx = new Int32Array(n);
  const lead = out.length - inShape.length;
  const os = strides(out);
  const is = strides(inShape);
  for (let f = 0; f < n; f++) {
    let rem = f;
    let at = 0;
    for (let a = 0; a < out.length; a++) {
      const i = Math.floor(rem / os[a]!);
      rem -= i * os[a]!;
      const ia = a - lead;
      if (ia >= 0 && inShape[ia]! !== 1) at += i * is[ia]!;
    }
    idx[f] = at;
  }
  return idx;
}

function floats(c: ConstTensor): Float32Array | undefined {
  return c.data instanceof Float32Array ? c.data : undefined;
}

function binary(f: (a: number, b: number) => number): Evaluator {
  return ([a, b], _op, out) => {
    const x = a && floats(a);
    const y = b && floats(b);
    if (!x || !y) return undefined;
    const ia = broadcastIndex(a.shape, out.shape);
    const ib = broadcastIndex(b.shape, out.shape);
    // Each result rounded to float32, as the runtime's float32 op would give it.
    return Float32Array.from(ia, (i, k) => Math.fround(f(x[i]!, y[ib[k]!]!)));
  };
}

function unary(f: (a: number) => number): Evaluator {
  return ([a]) => {
    const x = a && floats(a);
    return x && Float32Array.from(x, (v) => Math.fround(f(v)));
  };
}

/** Same elements, another shape. */
const sameData: Evaluator = ([a]) => a?.data;

function typedLike(data: TensorData, n: number): TensorData {
  if (data instanceof Float32Array) return new Float32Array(n);
  if (data instanceof BigInt64Array) return new BigInt64Array(n);
  return new Uint8Array(n);
}

const evaluators: Readonly<Record<string, Evaluator>> = {
  Identity: sameData,
  Reshape: sameData,
  Flatten: sameData,
  Squeeze: sameData,
  Unsqueeze: sameData,
  Neg: unary((v) => -v),
  Sqrt: unary(Math.sqrt),
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary((a, b) => a / b),
  Expand: ([a], _op, out) => {
    if (!a) return undefined;
    const idx = broadcastIndex(a.shape, out.shape);
    const r = typedLike(a.data, idx.length);
    idx.forEach((i, k) => (r[k] = a.data[i]!));
    return r;
  },
  Cast: ([a], op) => {
    if (!a) return undefined;
    const to = op.attrs['to'];
    const nums = a.data instanceof BigInt64Array ? Array.from(a.data, Number) : Array.from(a.data);
    if (to === 1) return Float32Array.from(nums);
    if (to === 7 && nums.every(Number.isFinite))
      return BigInt64Array.from(nums, (v) => BigInt(Math.trunc(v)));
    if (to === 9) return Uint8Array.from(nums, (v) => (v !== 0 ? 1 : 0));
    return undefined;
  },
  Concat: (ins, op, out) => {
    const first = ins[0];
    if (!first) return undefined;
    const rank = out.shape.length;
    const raw = op.attrs['axis'];
    const axis = typeof raw === 'number' ? (raw < 0 ? raw + rank : raw) : 0;
    const outer = numel(out.shape.slice(0, axis));
    const r = typedLike(first.data, numel(out.shape));
    let at = 0;
    for (let o = 0; o < outer; o++) {
      for (const c of ins) {
        const block = numel(c.shape.slice(axis));
        for (let k = 0; k < block; k++) r[at++] = c.data[o * block + k]!;
      }
    }
    return r;
  },
};

/** The simplified graph (a new object; `graph` is left as it was) and what was done. */
export function simplifyGraph(
  graph: Graph,
  opts: SimplifyOptions = {},
): { graph: Graph; folded: number; skipped: number; removed: number } {
  const maxFold = opts.maxFoldElements ?? 4096;
  const constants = new Map(graph.constants);
  const isOutput = new Set(graph.outputs.map((o) => o.value));
  const alias = new Map<string, string>();
  const resolve = (v: string): string => alias.get(v) ?? v;
  const producer = new Map<string, Op>();
  const kept: Op[] = [];
  let folded = 0;
  let skipped = 0;

  for (const original of graph.ops) {
    const op: Op = { ...original, inputs: original.inputs.map((i) => (i === '' ? '' : resolve(i))) };
    const out0 = op.outputs[0]!;
    const outs = op.outputs.map((o) => graph.values.get(o)!);
    const keepsOutput = op.outputs.some((o) => isOutput.has(o));
    const inShape = op.inputs[0] ? graph.values.get(op.inputs[0])?.shape : undefined;
    // An Identity, or a Reshape to the shape it already has, is its input.
    if (
      !keepsOutput &&
      op.outputs.length === 1 &&
      (op.type === 'Identity' || (op.type === 'Reshape' && inShape && sameShape(inShape, outs[0]!.shape)))
    ) {
      alias.set(out0, op.inputs[0]!);
      skipped++;
      continue;
    }
    const ins = op.inputs.map((i) => (i === '' ? undefined : constants.get(i)));
    const evaluate = evaluators[op.type];
    if (
      evaluate &&
      !keepsOutput &&
      op.outputs.length === 1 &&
      op.inputs.every((i, k) => i === '' || ins[k] !== undefined) &&
      numel(outs[0]!.shape) <= maxFold
    ) {
      const data = evaluate(
        ins.filter((c): c is ConstTensor => c !== undefined),
        op,
        outs[0]!,
      );
      if (data) {
        constants.set(out0, { shape: outs[0]!.shape, dtype: outs[0]!.dtype, data });
        folded++;
        continue;
      }
    }
    // Reshape(Reshape(x)) reads x directly (the inner one goes if nothing else reads it).
    const inner = op.type === 'Reshape' ? producer.get(op.inputs[0]!) : undefined;
    const rewritten =
      inner?.type === 'Reshape' && shapeIsLiteral(constants.get(op.inputs[1]!))
        ? { ...op, inputs: [inner.inputs[0]!, op.inputs[1]!] }
        : op;
    for (const o of rewritten.outputs) producer.set(o, rewritten);
    kept.push(rewritten);
  }

  // Dead ops: nothing reads their outputs and none is a graph output.
  const live = new Set(graph.outputs.map((o) => resolve(o.value)));
  const ops: Op[] = [];
  for (let k = kept.length - 1; k >= 0; k--) {
    const op = kept[k]!;
    if (!op.outputs.some((o) => live.has(o))) continue;
    ops.push(op);
    for (const i of op.inputs) if (i !== '') live.add(i);
  }
  ops.reverse();
  const removed = kept.length - ops.length;
  const used = new Set<string>([
    ...live,
    ...graph.inputs.map((i) => i.value),
    ...graph.weights.map((w) => w.id),
  ]);
  for (const op of ops) for (const o of op.outputs) used.add(o);
  const values = new Map([...graph.values].filter(([id]) => used.has(id)));
  const keptConstants = new Map([...constants].filter(([id]) => live.has(id)));
  return {
    graph: { ...graph, ops, values, constants: keptConstants },
    folded,
    skipped,
    removed,
  };
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A Reshape target without 0 (which would copy a dimension of the input being bypassed). */
function shapeIsLiteral(c: ConstTensor | undefined): boolean {
  return c !== undefined && constInts(c).every((d) => d > 0 || d === -1);
}

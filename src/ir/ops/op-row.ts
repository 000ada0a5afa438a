// One row per IR op: its ONNX attribute types, its shape rule and its cost. The op type is the
// ONNX opset-17 operator name, so export is a straight copy; gradient rules live in src/autodiff,
// keyed by the same type, and a test checks every row has one.
import type { Attrs, AttrValue, ConstTensor, DType, Shape, TensorType } from '../types.ts';
import { constInts, formatShape } from '../types.ts';
import { LayerError } from '../../util/errors.ts';

export type AttrType = 'int' | 'ints' | 'float' | 'floats' | 'string' | 'strings' | 'tensor';

/** Whether a value read from a file or a document is of the attribute type a row names. */
export function attrFitsType(type: AttrType, v: unknown): boolean {
  switch (type) {
    case 'int':
      return typeof v === 'number' && Number.isInteger(v);
    case 'float':
      return typeof v === 'number';
    case 'ints':
      return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x));
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

export interface OpInferArgs {
  /** Types of the inputs; undefined where an optional input is omitted. */
  readonly inputs: readonly (TensorType | undefined)[];
  /** Values of inputs that are compile-time constants (shape tensors, axes). */
  readonly consts: readonly (ConstTensor | undefined)[];
  readonly attrs: Attrs;
}

export interface OpRow {
  readonly type: string;
  readonly attrs: Readonly<Record<string, AttrType>>;
  /** Output types. Throws OpShapeError when the inputs do not fit. */
  infer(args: OpInferArgs): readonly TensorType[];
  /** Floating-point operations (a multiply-add counts 2). Default: one per output element. */
  flops?(args: OpInferArgs, outputs: readonly TensorType[]): number;
  /**
   * Inputs that must be known when the graph is built (scales, pads, bounds): a float initializer
   * an imported model feeds there is a constant, not a weight.
   */
  readonly constantInputs?: readonly number[];
  /** Inputs holding state the forward pass updates and no optimizer trains (running statistics). */
  readonly stateInputs?: readonly number[];
}

export class OpShapeError extends LayerError {}

export function fail(message: string): never {
  throw new OpShapeError(message);
}

export function input(args: OpInferArgs, i: number, op: string): TensorType {
  const t = args.inputs[i];
  if (!t) fail(`${op}: input ${i} is missing`);
  return t;
}

export function intAttr(attrs: Attrs, name: string, fallback: number): number {
  const v = attrs[name];
  return typeof v === 'number' ? v : fallback;
}

export function floatAttr(attrs: Attrs, name: string, fallback: number): number {
  return intAttr(attrs, name, fallback);
}

export function intsAttr(attrs: Attrs, name: string): readonly number[] | undefined {
  const v: AttrValue | undefined = attrs[name];
  return Array.isArray(v) ? (v as readonly number[]) : undefined;
}

export function stringAttr(attrs: Attrs, name: string, fallback: string): string {
  const v = attrs[name];
  return typeof v === 'string' ? v : fallback;
}

/**
 * Reads a constant input (shape, axes, pads) as numbers; undefined when omitted. ONNX types these
 * inputs int64; a float tensor there (an imported file can hold one) is refused, not rounded into a
 * shape. `anyNumeric` is for the inputs ONNX lets be float (Resize's scales, OneHot's depth).
 */
export function constInput(
  args: OpInferArgs,
  i: number,
  op: string,
  anyNumeric = false,
): number[] | undefined {
  const c = args.consts[i];
  if (!c) {
    if (args.inputs[i]) fail(`${op}: input ${i} must be a constant known when the graph is built`);
    return undefined;
  }
  if (!anyNumeric && c.dtype !== 'int64')
    fail(`${op}: input ${i} must hold int64 values; it holds ${c.dtype}`);
  return constInts(c);
}

export function normAxis(axis: number, rank: number, op: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(`${op}: axis ${axis} is outside a tensor of rank ${rank}`);
  return a;
}

/** NumPy broadcasting, as ONNX's multidirectional broadcasting. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      fail(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast (dimension ${i}: ${da} vs ${db})`,
      );
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

export function sameAs(t: TensorType, dtype?: DType): TensorType {
  return { shape: t.shape, dtype: dtype ?? t.dtype };
}

export const noFlops = (): number => 0;

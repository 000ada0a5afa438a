// The IR: SSA values with static shapes, ops that are ONNX opset-17 primitives. Every op remembers
// the document node it came from, so errors and costs point at a node.

export type DType = 'float32' | 'int64' | 'bool';

export type Shape = readonly number[];

export interface TensorType {
  readonly shape: Shape;
  readonly dtype: DType;
}

export type TensorData = Float32Array | BigInt64Array | Uint8Array;

export interface ConstTensor extends TensorType {
  readonly data: TensorData;
}

/** An ONNX attribute value. Whether a number is an int or a float comes from the op's row. */
export type AttrValue = number | readonly number[] | string | readonly string[] | ConstTensor;

export type Attrs = Readonly<Record<string, AttrValue>>;

export interface Value extends TensorType {
  readonly id: string;
}

export interface Op {
  readonly id: string;
  /** ONNX operator type in the default domain, e.g. "Conv". */
  readonly type: string;
  /** Value ids; '' marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Attrs;
  /** The document node this op was lowered from. */
  readonly node: string;
}

/** How a weight's first values are drawn (PyTorch's defaults, so trained results compare). */
export type InitSpec =
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'uniform'; readonly bound: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly std: number }
  /** Values computed once by the layer (e.g. a sinusoidal table). */
  | { readonly kind: 'values'; readonly data: Float32Array };

export type WeightRole =
  /** Trained by the optimizer. */
  | 'param'
  /** Updated by the forward pass in training mode, not by gradients (BatchNorm running stats). */
  | 'state';

export interface Weight extends TensorType {
  /** Also the id of the value that carries it: `${nodeId}.${name}`. */
  readonly id: string;
  readonly node: string;
  readonly name: string;
  readonly role: WeightRole;
  readonly init: InitSpec;
}

export interface Graph {
  readonly values: ReadonlyMap<string, Value>;
  readonly ops: readonly Op[];
  /** Graph inputs fed at run time (data, targets, noise). */
  readonly inputs: readonly GraphInput[];
  readonly outputs: readonly GraphOutput[];
  readonly weights: readonly Weight[];
  /** Small constant tensors (shapes, axes, scalars), stored as initializers on export. */
  readonly constants: ReadonlyMap<string, ConstTensor>;
}

export interface GraphInput {
  readonly value: string;
  /** The user-facing name (the Input node's name). */
  readonly name: string;
  readonly node: string;
  /** Axis 0 is the batch: exported as a symbolic dimension. */
  readonly batched: boolean;
}

export interface GraphOutput {
  readonly value: string;
  readonly name: string;
  readonly node: string;
  /** 'loss' outputs exist only for training; inference export leaves them out. */
  readonly role: 'output' | 'loss';
}

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The numbers a constant holds (int64 shapes and axes, a float ratio), as plain numbers. */
export function constInts(c: ConstTensor): number[] {
  return c.data instanceof BigInt64Array ? Array.from(c.data, Number) : Array.from(c.data);
}

export function formatShape(shape: Shape, batched = false): string {
  return '[' + shape.map((d, i) => (batched && i === 0 ? 'N' : String(d))).join(', ') + ']';
}

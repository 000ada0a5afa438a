// The contract every layer declares once: parameters (a zod schema that also drives the
// inspector form), ports, how it lowers to IR ops (which gives its shapes, parameter count and
// FLOPs), and a line of documentation.
import type { z } from 'zod';
import type { DType, InitSpec, Shape, TensorType, WeightRole } from '../ir/types.ts';
import { formatShape } from '../ir/types.ts';
import type { GraphBuilder } from '../ir/builder.ts';
import { LayerError } from '../util/errors.ts';

export type LayerFamily =
  | 'io'
  | 'dense'
  | 'convolution'
  | 'pooling'
  | 'normalization'
  | 'activation'
  | 'regularization'
  | 'shape'
  | 'recurrent'
  | 'attention'
  | 'loss'
  | 'sampling'
  | 'onnx';

export interface PortSpec {
  readonly name: string;
  /** Shown on the port; defaults to the name. */
  readonly label?: string;
  /** An optional input may stay unconnected. */
  readonly optional?: boolean;
}

export type LowerMode = 'inference' | 'training';

/** What a layer's lowering may do: add ops, weights and constants to the graph being built. */
export interface LayerContext {
  readonly node: string;
  /** The node's user-facing name (its `name`, else its id). */
  readonly name: string;
  readonly mode: LowerMode;
  /** The batch size the graph is built for (axis 0 of batched inputs). */
  readonly batch: number;
  type(value: string): TensorType;
  shape(value: string): Shape;
  op(type: string, inputs: readonly string[], attrs?: Readonly<Record<string, unknown>>): string;
  opN(
    type: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, unknown>>,
    outputs: number,
  ): string[];
  weight(name: string, shape: Shape, init: InitSpec, role?: WeightRole): string;
  constFloat(values: readonly number[] | Float32Array, shape?: Shape): string;
  constInt(values: readonly number[], shape?: Shape): string;
  constBool(values: readonly boolean[], shape?: Shape): string;
  graphInput(t: TensorType, batched: boolean): string;
  graphOutput(value: string, role: 'output' | 'loss'): void;
  stateUpdate(weight: string, value: string): void;
  /** Stops lowering this node with a message for the user. */
  fail(message: string, place?: { field?: string; port?: string }): never;
}

export interface LayerDef<P extends Record<string, unknown> = Record<string, unknown>> {
  /** Saved in files: never changes once released. */
  readonly kind: string;
  readonly family: LayerFamily;
  readonly title: string;
  /** One line, shown on hover in the palette. */
  readonly description: string;
  readonly params: z.ZodType<P>;
  readonly inputs: readonly PortSpec[] | ((p: P) => readonly PortSpec[]);
  readonly outputs: readonly PortSpec[] | ((p: P) => readonly PortSpec[]);
  /**
   * Declared by a kind whose outputs keep whatever batch its inputs have (an Input: the batch
   * the graph is built for) and whose parameters cannot name the batch: lowered at batch N with
   * any valid parameters, every output's axis 0 is N (Flatten starts at axis 1 or later; Dense
   * and Conv2d weights have no batch axis). Several inputs are taken to be batched alike, as
   * between layers of this kind (an Add of two of their outputs, not of a fixed-size Constant).
   * The ONNX import trusts it: a model made only of such kinds opens with its batch free without
   * being lowered to find out. Input's `batch` parameter, which fixes the batch on purpose, is the
   * one exception, checked by whoever reads this. test/layers/keeps-batch.test.ts lowers every
   * kind that declares it at two batch sizes; leave it off where unsure (the import then probes).
   */
  readonly keepsBatch?: true;
  /** Key parameters in a few characters for the node face, e.g. "64, 3×3, s2". */
  summary?(p: P): string;
  lower(
    ctx: LayerContext,
    inputs: Readonly<Record<string, string | undefined>>,
    p: P,
  ): Record<string, string>;
}

/** Traits a layer factory passes on to only some of the kinds it makes. */
export type LayerTraits = Pick<LayerDef, 'keepsBatch'>;

/** Declares a layer; keeps the generic parameter type while registries hold `AnyLayerDef`. */
export function defineLayer<P extends Record<string, unknown>>(def: LayerDef<P>): LayerDef<P> {
  return def;
}

// The registry stores layers of different parameter types side by side.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyLayerDef = LayerDef<any>;

export function portsOf(ports: LayerDef['inputs'], params: Record<string, unknown>): readonly PortSpec[] {
  return typeof ports === 'function' ? ports(params) : ports;
}

export function makeContext(
  b: GraphBuilder,
  node: string,
  name: string,
  mode: LowerMode,
  batch: number,
): LayerContext {
  const ctx: LayerContext = {
    node,
    name,
    mode,
    batch,
    type: (v) => b.type(v),
    shape: (v) => b.type(v).shape,
    op: (type, inputs, attrs = {}) => b.op1(type, inputs, attrs as never),
    opN: (type, inputs, attrs, n) => b.op(type, inputs, attrs as never, n),
    weight: (wname, shape, init, role) => b.weight(wname, shape, init, role),
    constFloat: (values, shape) => b.constant(Float32Array.from(values), shape ?? [values.length], 'cf'),
    constInt: (values, shape) =>
      b.constant(
        BigInt64Array.from(values, (v) => BigInt(v)),
        shape ?? [values.length],
        'ci',
      ),
    constBool: (values, shape) =>
      b.constant(
        Uint8Array.from(values, (v) => (v ? 1 : 0)),
        shape ?? [values.length],
        'cb',
      ),
    graphInput: (t, batched) => b.graphInput(name, t, batched),
    graphOutput: (v, role) => b.graphOutput(name, v, role),
    stateUpdate: (w, v) => b.stateUpdate(w, v),
    fail: (message, place) => {
      throw new LayerError(message, place ?? {});
    },
  };
  return ctx;
}

/** Checks an input's rank and says what the layer expects, in PyTorch's terms. */
export function expectRank(
  ctx: LayerContext,
  value: string,
  ranks: readonly number[],
  layer: string,
  expected: string,
  hint?: (rank: number) => string | undefined,
): Shape {
  const s = ctx.shape(value);
  if (!ranks.includes(s.length)) {
    const h = hint?.(s.length);
    ctx.fail(`${layer} expects ${expected}; got ${formatShape(s, true)}${h ? ` — ${h}` : ''}`, { port: 'x' });
  }
  return s;
}

export function expectDType(ctx: LayerContext, value: string, dtype: DType, layer: string, port = 'x'): void {
  const t = ctx.type(value);
  if (t.dtype !== dtype) ctx.fail(`${layer} expects ${dtype} values on '${port}'; got ${t.dtype}`, { port });
}

/** Fetches a required input (lowering runs only when required inputs are wired). */
export function req(inputs: Readonly<Record<string, string | undefined>>, port: string): string {
  const v = inputs[port];
  if (v === undefined)
    throw new LayerError(`input '${port}' is not connected`, { port, code: 'unconnected-input' });
  return v;
}

// The shape of a gradient rule (a vector-Jacobian product written in ONNX opset-17 ops) and the
// helpers rules share: reducing a broadcast gradient back to its input's shape, zeros, masks.
import type { Op, Shape } from '../ir/types.ts';
import { numel } from '../ir/types.ts';
import { NetloomError } from '../util/errors.ts';
import type { GraphEditor } from './graph-editor.ts';

/**
 * Given the op and the gradients of its outputs (undefined where no gradient flows to an output),
 * returns the gradient of each input (undefined where none is needed or defined). `need[i]` says
 * whether input i needs one, so rules skip work nobody reads.
 */
export type GradRule = (
  g: GraphEditor,
  op: Op,
  dy: readonly (string | undefined)[],
  need: readonly boolean[],
) => readonly (string | undefined)[];

export interface GradRow {
  readonly type: string;
  readonly grad: GradRule;
  /**
   * Optionally rewrites the forward op before the backward pass (e.g. MaxPool asks for its
   * Indices output, so the backward pass reuses them instead of pooling again).
   */
  readonly prepare?: (g: GraphEditor, op: Op) => Op | undefined;
}

/** Ops through which no gradient flows, with the reason a reviewer can check. */
export interface NonDifferentiable {
  readonly type: string;
  readonly reason: string;
}

export class GradError extends NetloomError {
  constructor(op: Op, message: string) {
    super('unsupported-op', `${op.type} (from node "${op.node}"): ${message}`, { nodeId: op.node });
  }
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Sums a broadcast gradient back to `shape` (ONNX multidirectional broadcasting, reversed). */
export function sumTo(g: GraphEditor, grad: string, shape: Shape): string {
  const gs = g.shape(grad);
  if (sameShape(gs, shape)) return grad;
  const lead = gs.length - shape.length;
  const axes: number[] = [];
  gs.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  const r = axes.length ? g.op1('ReduceSum', [grad, g.ints(axes)], { keepdims: 1 }) : grad;
  return reshape(g, r, shape);
}

export function reshape(g: GraphEditor, x: string, shape: Shape): string {
  if (sameShape(g.shape(x), shape)) return x;
  return g.op1('Reshape', [x, g.ints(shape)]);
}

export function expandTo(g: GraphEditor, x: string, shape: Shape): string {
  if (sameShape(g.shape(x), shape)) return x;
  return g.op1('Expand', [x, g.ints(shape)]);
}

export function zeros(g: GraphEditor, shape: Shape): string {
  return g.op1('Expand', [g.scalar(0), g.ints(shape)]);
}

export function mul(g: GraphEditor, a: string, b: string): string {
  return g.op1('Mul', [a, b]);
}

export function scale(g: GraphEditor, a: string, s: number): string {
  return s === 1 ? a : g.op1('Mul', [a, g.scalar(s)]);
}

/** 1.0 where the condition holds, else 0.0. */
export function toFloat(g: GraphEditor, cond: string): string {
  return g.op1('Cast', [cond], { to: 1 });
}

/** `dy` where `cond`, else 0. */
export function where0(g: GraphEditor, cond: string, dy: string): string {
  return g.op1('Where', [cond, dy, g.scalar(0)]);
}

/** Keeps reduced axes as size 1, so a reduced gradient broadcasts back over them. */
export function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

export function normAxes(axes: readonly number[], rank: number): number[] {
  return axes.map((a) => (a < 0 ? a + rank : a));
}

export function countOf(shape: Shape, axes: readonly number[]): number {
  return numel(axes.map((a) => shape[a]!));
}

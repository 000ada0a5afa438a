// Reading a node's tensor shapes inside a form (lowering has already checked them).
import type { Shape } from '../ir/types.ts';
import type { NodeTypes } from './torch-form.ts';

/** The shape on an input port; the lowering ran, so a connected port has one. */
export function inShape(t: NodeTypes, port = 'x'): Shape {
  const v = t.inputs[port];
  if (!v) throw new Error(`internal: no tensor on input '${port}'`);
  return v.shape;
}

export function outShape(t: NodeTypes, port = 'y'): Shape {
  const v = t.outputs[port];
  if (!v) throw new Error(`internal: no tensor on output '${port}'`);
  return v.shape;
}

/** An axis as the user gave it, counted from 0 (negative axes count from the end). */
export function positiveAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

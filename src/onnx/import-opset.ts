// Ops of opsets 13–18 in the form the IR holds (opset 17). Opset 18 moved the axes of the
// reductions other than ReduceSum, and Pad's axes, from attributes to inputs, and gave Split a
// num_outputs attribute; those are rewritten here. Attributes a later opset added with a default
// that changes nothing are dropped when they hold that default.
import type { AttrValue, ConstTensor, TensorType } from '../ir/types.ts';
import { constInts } from '../ir/types.ts';
import { fail } from '../ir/ops/op-row.ts';

export interface RawOp {
  readonly type: string;
  readonly inputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

/** Reductions whose axes opset 18 moved to an input (ReduceSum moved at 13). */
const reductions18 = new Set([
  'ReduceMean',
  'ReduceMax',
  'ReduceMin',
  'ReduceProd',
  'ReduceSumSquare',
  'ReduceL1',
  'ReduceL2',
  'ReduceLogSum',
  'ReduceLogSumExp',
]);

const i64 = (v: readonly number[]): ConstTensor => ({
  shape: [v.length],
  dtype: 'int64',
  data: BigInt64Array.from(v, (x) => BigInt(x)),
});

/**
 * The op in opset-17 form, or a reason it has none (returned, so import can name every such op
 * at once). Throws LayerError for a node that is malformed.
 */
export function normalizeToOpset17(
  op: RawOp,
  opset: number,
  constOf: (v: string) => ConstTensor | undefined,
  typeOf: (v: string) => TensorType | undefined,
  addConst: (c: ConstTensor) => string,
): RawOp | string {
  if (opset < 18) return op;
  const attrs: Record<string, AttrValue> = { ...op.attrs };
  const inputs = [...op.inputs];
  if (reductions18.has(op.type)) {
    const noop = attrs['noop_with_empty_axes'];
    delete attrs['noop_with_empty_axes'];
    const axesIn = inputs[1];
    if (axesIn !== undefined && axesIn !== '') {
      const c = constOf(axesIn);
      if (!c) return 'axes computed at run time';
      const axes = constInts(c);
      if (axes.length === 0 && noop === 1) return { type: 'Identity', inputs: [inputs[0]!], attrs: {} };
      if (axes.length) attrs['axes'] = axes;
    } else if (noop === 1) {
      return { type: 'Identity', inputs: [inputs[0]!], attrs: {} };
    }
    return { type: op.type, inputs: [inputs[0]!], attrs };
  }
  if (op.type === 'Split' && attrs['num_outputs'] !== undefined) {
    const parts = Number(attrs['num_outputs']);
    delete attrs['num_outputs'];
    const x = typeOf(inputs[0] ?? '') ?? fail('Split: input missing');
    const r = x.shape.length;
    const axisRaw = Number(attrs['axis'] ?? 0);
    const axis = axisRaw < 0 ? axisRaw + r : axisRaw;
    const dim = x.shape[axis] ?? fail(`Split: axis ${axisRaw} outside rank ${r}`);
    if (!(parts >= 1)) fail(`Split: num_outputs ${parts} must be positive`);
    // ONNX Split-18: chunks of ceil(dim / n), the last one smaller when it does not divide.
    const size = Math.ceil(dim / parts);
    const sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(size, dim - i * size)));
    return { type: 'Split', inputs: [inputs[0]!, addConst(i64(sizes))], attrs };
  }
  if (op.type === 'Pad' && inputs[3] !== undefined && inputs[3] !== '') {
    const x = typeOf(inputs[0] ?? '') ?? fail('Pad: input missing');
    const axesC = constOf(inputs[3]);
    const padsC = constOf(inputs[1] ?? '');
    if (!axesC || !padsC) return 'pads or axes computed at run time';
    const r = x.shape.length;
    const axes = constInts(axesC).map((a) => (a < 0 ? a + r : a));
    const given = constInts(padsC);
    if (given.length !== 2 * axes.length) fail(`Pad: ${given.length} pads for ${axes.length} axes`);
    const pads = new Array<number>(2 * r).fill(0);
    axes.forEach((a, i) => {
      pads[a] = given[i]!;
      pads[a + r] = given[i + axes.length]!;
    });
    const kept = inputs.slice(0, 3);
    kept[1] = addConst(i64(pads));
    while (kept.length > 1 && kept[kept.length - 1] === '') kept.pop();
    return { type: 'Pad', inputs: kept, attrs };
  }
  if (op.type === 'Resize') {
    if ((attrs['antialias'] ?? 0) !== 0) return 'antialias';
    if (attrs['axes'] !== undefined) return 'axes';
    if ((attrs['keep_aspect_ratio_policy'] ?? 'stretch') !== 'stretch') return 'keep_aspect_ratio_policy';
    delete attrs['antialias'];
    delete attrs['keep_aspect_ratio_policy'];
    return { type: op.type, inputs, attrs };
  }
  return op;
}

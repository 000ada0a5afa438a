// Ops that move data without arithmetic: reshape, transpose, concat, split, slice, pad, gather.
import type { OpRow } from './op-row.ts';
import { constInput, fail, input, intAttr, intsAttr, noFlops, normAxis, stringAttr } from './op-row.ts';
import { formatShape, numel } from '../types.ts';

export const shapeOps: readonly OpRow[] = [
  {
    type: 'Reshape',
    attrs: { allowzero: 'int' },
    infer: (a) => {
      const x = input(a, 0, 'Reshape');
      const target = constInput(a, 1, 'Reshape') ?? fail('Reshape: the target shape is missing');
      // ONNX Reshape-14: 0 copies the input dimension (allowzero=0), -1 is inferred.
      const out = target.map((d, i) =>
        d === 0 ? (x.shape[i] ?? fail('Reshape: 0 past the input rank')) : d,
      );
      const known = numel(out.filter((d) => d !== -1));
      const holes = out.filter((d) => d === -1).length;
      if (holes > 1) fail('Reshape: at most one dimension may be -1');
      const total = numel(x.shape);
      if (holes === 1) {
        if (known === 0 || total % known !== 0) {
          fail(`Reshape: ${total} elements cannot be arranged as ${formatShape(target)}`);
        }
        out[out.indexOf(-1)] = total / known;
      } else if (known !== total) {
        fail(`Reshape: ${formatShape(x.shape)} has ${total} elements, ${formatShape(out)} needs ${known}`);
      }
      return [{ shape: out, dtype: x.dtype }];
    },
    flops: noFlops,
  },
  {
    type: 'Transpose',
    attrs: { perm: 'ints' },
    infer: (a) => {
      const x = input(a, 0, 'Transpose');
      const perm = intsAttr(a.attrs, 'perm') ?? x.shape.map((_, i) => x.shape.length - 1 - i);
      if (perm.length !== x.shape.length || new Set(perm).size !== perm.length) {
        fail(`Transpose: perm ${formatShape(perm)} is not a permutation of ${x.shape.length} axes`);
      }
      return [
        { shape: perm.map((p) => x.shape[p] ?? fail(`Transpose: axis ${p} out of range`)), dtype: x.dtype },
      ];
    },
    flops: noFlops,
  },
  {
    type: 'Flatten',
    attrs: { axis: 'int' },
    infer: (a) => {
      const x = input(a, 0, 'Flatten');
      const axis = intAttr(a.attrs, 'axis', 1);
      const ax = axis < 0 ? axis + x.shape.length : axis;
      return [{ shape: [numel(x.shape.slice(0, ax)), numel(x.shape.slice(ax))], dtype: x.dtype }];
    },
    flops: noFlops,
  },
  {
    type: 'Concat',
    attrs: { axis: 'int' },
    infer: (a) => {
      const xs = a.inputs.map((_, i) => input(a, i, 'Concat'));
      const first = xs[0] ?? fail('Concat: needs at least one input');
      const axis = normAxis(intAttr(a.attrs, 'axis', 0), first.shape.length, 'Concat');
      let sum = 0;
      for (const x of xs) {
        if (x.shape.length !== first.shape.length) fail('Concat: inputs have different ranks');
        x.shape.forEach((d, i) => {
          if (i !== axis && d !== first.shape[i]) {
            fail(
              `Concat: ${formatShape(first.shape)} and ${formatShape(x.shape)} differ in dimension ${i}, which is not the concat axis ${axis}`,
            );
          }
        });
        sum += x.shape[axis]!;
      }
      const shape = [...first.shape];
      shape[axis] = sum;
      return [{ shape, dtype: first.dtype }];
    },
    flops: noFlops,
  },
  {
    type: 'Split',
    attrs: { axis: 'int', num_outputs: 'int' },
    infer: (a) => {
      const x = input(a, 0, 'Split');
      const axis = normAxis(intAttr(a.attrs, 'axis', 0), x.shape.length, 'Split');
      const sizes = constInput(a, 1, 'Split') ?? fail('Split: give the split sizes as a constant input');
      const total = sizes.reduce((p, d) => p + d, 0);
      if (total !== x.shape[axis]) fail(`Split: sizes add up to ${total}, the axis has ${x.shape[axis]}`);
      return sizes.map((s) => {
        const shape = [...x.shape];
        shape[axis] = s;
        return { shape, dtype: x.dtype };
      });
    },
    flops: noFlops,
  },
  {
    type: 'Slice',
    attrs: {},
    infer: (a) => {
      const x = input(a, 0, 'Slice');
      const starts = constInput(a, 1, 'Slice') ?? fail('Slice: starts missing');
      const ends = constInput(a, 2, 'Slice') ?? fail('Slice: ends missing');
      const axes = constInput(a, 3, 'Slice') ?? starts.map((_, i) => i);
      const steps = constInput(a, 4, 'Slice') ?? starts.map(() => 1);
      const shape = [...x.shape];
      axes.forEach((axRaw, i) => {
        const ax = normAxis(axRaw, x.shape.length, 'Slice');
        const dim = x.shape[ax]!;
        const step = steps[i] ?? 1;
        if (step <= 0) fail('Slice: only positive steps are supported');
        const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
        const s = clamp(starts[i]!);
        const e = clamp(ends[i]!);
        shape[ax] = Math.max(0, Math.ceil((e - s) / step));
      });
      return [{ shape, dtype: x.dtype }];
    },
    flops: noFlops,
  },
  {
    type: 'Squeeze',
    attrs: {},
    infer: (a) => {
      const x = input(a, 0, 'Squeeze');
      const axes = (constInput(a, 1, 'Squeeze') ?? []).map((ax) => normAxis(ax, x.shape.length, 'Squeeze'));
      for (const ax of axes) if (x.shape[ax] !== 1) fail(`Squeeze: dimension ${ax} is ${x.shape[ax]}, not 1`);
      return [{ shape: x.shape.filter((_, i) => !axes.includes(i)), dtype: x.dtype }];
    },
    flops: noFlops,
  },
  {
    type: 'Unsqueeze',
    attrs: {},
    infer: (a) => {
      const x = input(a, 0, 'Unsqueeze');
      const rank = x.shape.length + (constInput(a, 1, 'Unsqueeze') ?? []).length;
      const axes = (constInput(a, 1, 'Unsqueeze') ?? []).map((ax) => normAxis(ax, rank, 'Unsqueeze'));
      const shape: number[] = [];
      let j = 0;
      for (let i = 0; i < rank; i++) shape.push(axes.includes(i) ? 1 : x.shape[j++]!);
      return [{ shape, dtype: x.dtype }];
    },
    flops: noFlops,
  },
  {
    type: 'Expand',
    attrs: {},
    infer: (a) => {
      const x = input(a, 0, 'Expand');
      const target = constInput(a, 1, 'Expand') ?? fail('Expand: target shape missing');
      const rank = Math.max(x.shape.length, target.length);
      const shape: number[] = [];
      for (let i = 0; i < rank; i++) {
        const dx = x.shape[x.shape.length - rank + i] ?? 1;
        const dt = target[target.length - rank + i] ?? 1;
        if (dx !== dt && dx !== 1 && dt !== 1)
          fail(`Expand: cannot expand ${formatShape(x.shape)} to ${formatShape(target)}`);
        shape.push(Math.max(dx, dt));
      }
      return [{ shape, dtype: x.dtype }];
    },
    flops: noFlops,
  },
  {
    type: 'Tile',
    attrs: {},
    infer: (a) => {
      const x = input(a, 0, 'Tile');
      const reps = constInput(a, 1, 'Tile') ?? fail('Tile: repeats missing');
      if (reps.length !== x.shape.length) fail('Tile: one repeat count per axis');
      return [{ shape: x.shape.map((d, i) => d * reps[i]!), dtype: x.dtype }];
    },
    flops: noFlops,
  },
  {
    type: 'Pad',
    attrs: { mode: 'string' },
    constantInputs: [1, 2, 3],
    infer: (a) => {
      const x = input(a, 0, 'Pad');
      const pads = constInput(a, 1, 'Pad') ?? fail('Pad: pads missing');
      const r = x.shape.length;
      if (pads.length !== 2 * r) fail(`Pad: needs ${2 * r} pad values for rank ${r}`);
      stringAttr(a.attrs, 'mode', 'constant');
      return [{ shape: x.shape.map((d, i) => d + pads[i]! + pads[i + r]!), dtype: x.dtype }];
    },
    flops: noFlops,
  },
  {
    type: 'Gather',
    attrs: { axis: 'int' },
    infer: (a) => {
      const x = input(a, 0, 'Gather');
      const idx = input(a, 1, 'Gather');
      if (idx.dtype !== 'int64') fail('Gather: indices must be int64');
      const axis = normAxis(intAttr(a.attrs, 'axis', 0), x.shape.length, 'Gather');
      return [
        { shape: [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)], dtype: x.dtype },
      ];
    },
    flops: noFlops,
  },
];

// Shape and merge layers: reshaping, reordering, slicing, padding and resizing one tensor, and
// joining several. The batch axis (0) is never touched and never written into a target shape:
// Reshape targets copy it with 0, so an exported model runs at any batch size.
//
// Ports: a layer that joins a variable number of tensors (Concat, Add, Multiply) has a param
// `inputs` (the count, default 2) and input ports x0..x{n-1}; Subtract has exactly x0 and x1
// (y = x0 − x1). A layer with several outputs (Split) names them y0..y{n-1}.
import { z } from 'zod';
import { defineLayer, expectRank, req } from './layer-def.ts';
import type { AnyLayerDef, LayerContext, LayerTraits, PortSpec } from './layer-def.ts';
import { bool, choice, float, int, ints } from './params.ts';
import type { Shape } from '../ir/types.ts';
import { formatShape, numel } from '../ir/types.ts';

const maxInputs = 16;

function numberedPorts(prefix: string, n: number): PortSpec[] {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}` }));
}

/** An axis as the user gave it (negative counts from the end), checked against the input rank. */
function layerAxis(ctx: LayerContext, axis: number, shape: Shape, layer: string, field = 'axis'): number {
  const rank = shape.length;
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    ctx.fail(`${layer}: axis ${axis} does not exist in ${formatShape(shape, true)} (rank ${rank})`, {
      field,
    });
  }
  if (a === 0) {
    ctx.fail(
      `${layer}: axis 0 is the batch axis, which layers keep as it is; pick an axis from 1 to ${rank - 1}`,
      {
        field,
      },
    );
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// One tensor in, one out.

export const flattenLayer = defineLayer({
  kind: 'Flatten',
  family: 'shape',
  keepsBatch: true,
  title: 'Flatten',
  description: 'Merges the axes from startDim to the end into one (torch.nn.Flatten).',
  params: z.object({ startDim: int(1, 'First axis to flatten', 1, 7) }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => (p.startDim === 1 ? '' : `from axis ${p.startDim}`),
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    const s = ctx.shape(x);
    if (s.length < 2) {
      ctx.fail(`Flatten: ${formatShape(s, true)} has no axes after the batch to flatten`, { port: 'x' });
    }
    if (p.startDim >= s.length) {
      ctx.fail(
        `Flatten: start axis ${p.startDim} does not exist in ${formatShape(s, true)}; use 1 to ${s.length - 1}`,
        { field: 'startDim' },
      );
    }
    // ONNX Flatten always gives a matrix, which is torch's result exactly when startDim is 1.
    if (p.startDim === 1) return { y: ctx.op('Flatten', [x], { axis: 1 }) };
    const kept = s.slice(1, p.startDim);
    return { y: ctx.op('Reshape', [x, ctx.constInt([0, ...kept, -1])]) };
  },
});

const reshapeTarget = z
  .array(z.number().int().min(-1))
  .min(1)
  .max(6)
  .refine((s) => !s.includes(0), { message: 'dimensions must be positive, or -1 for one inferred dimension' })
  .refine((s) => s.filter((d) => d === -1).length <= 1, { message: 'at most one dimension may be -1' })
  .default([-1])
  .describe('Shape (without batch; one -1 is inferred)');

export const reshapeLayer = defineLayer({
  kind: 'Reshape',
  family: 'shape',
  title: 'Reshape',
  description: 'Rearranges each sample into a new shape with the same number of values.',
  params: z.object({ shape: reshapeTarget }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => `[N, ${p.shape.join(', ')}]`,
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    const s = ctx.shape(x);
    const per = numel(s.slice(1));
    const known = numel(p.shape.filter((d) => d !== -1));
    const fits = p.shape.includes(-1) ? per % known === 0 : per === known;
    if (!fits) {
      ctx.fail(
        `Reshape: each sample of ${formatShape(s, true)} has ${per} values, which cannot be arranged as [N, ${p.shape.join(', ')}]` +
          (p.shape.includes(-1) ? ` (${per} is not a multiple of ${known})` : ` (${known} values)`),
        { field: 'shape' },
      );
    }
    return { y: ctx.op('Reshape', [x, ctx.constInt([0, ...p.shape])]) };
  },
});

export const permuteLayer = defineLayer({
  kind: 'Permute',
  family: 'shape',
  title: 'Permute',
  description:
    'Reorders the axes after the batch: dims counts them from 0, so [2, 0, 1] turns [N, C, H, W] into [N, W, C, H].',
  params: z.object({
    dims: z
      .array(z.number().int().min(0))
      .min(1)
      .max(6)
      .default([1, 0])
      .describe('New order of the non-batch axes (0-based)'),
  }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => `(${p.dims.join(', ')})`,
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    const s = ctx.shape(x);
    const n = s.length - 1;
    const sorted = [...p.dims].sort((a, b) => a - b);
    if (p.dims.length !== n || sorted.some((d, i) => d !== i)) {
      ctx.fail(
        `Permute: dims (${p.dims.join(', ')}) must order all ${n} non-batch axes of ${formatShape(s, true)}, ` +
          `each once: a permutation of 0..${n - 1}`,
        { field: 'dims' },
      );
    }
    return { y: ctx.op('Transpose', [x], { perm: [0, ...p.dims.map((d) => d + 1)] }) };
  },
});

export const sliceLayer = defineLayer({
  kind: 'Slice',
  family: 'shape',
  title: 'Slice',
  description: 'Keeps x[start:end:step] along one axis (Python rules: negative counts from the end).',
  params: z.object({
    axis: int(1, 'Axis', -6, 6),
    start: int(0, 'Start', -1_000_000),
    end: int(1, 'End (exclusive)', -1_000_000),
    step: int(1, 'Step', 1),
  }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => `axis ${p.axis}: ${p.start}:${p.end}${p.step === 1 ? '' : `:${p.step}`}`,
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    const s = ctx.shape(x);
    const axis = layerAxis(ctx, p.axis, s, 'Slice');
    const dim = s[axis]!;
    const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    if (clamp(p.end) <= clamp(p.start)) {
      ctx.fail(
        `Slice: ${p.start}:${p.end} keeps nothing of axis ${axis}, which has ${dim} entries in ${formatShape(s, true)}`,
        { field: 'end' },
      );
    }
    const y = ctx.op('Slice', [
      x,
      ctx.constInt([p.start]),
      ctx.constInt([p.end]),
      ctx.constInt([axis]),
      ctx.constInt([p.step]),
    ]);
    return { y };
  },
});

export const zeroPad2dLayer = defineLayer({
  kind: 'ZeroPad2d',
  family: 'shape',
  title: 'Zero padding 2-D',
  description: 'Pads an image with zeros: [left, right, top, bottom] (torch.nn.ZeroPad2d).',
  params: z.object({ padding: ints(4, [1, 1, 1, 1], 'Padding [left, right, top, bottom]', 0) }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => p.padding.join(', '),
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    expectRank(ctx, x, [4], 'ZeroPad2d', '[N, C, H, W]', (r) => (r === 2 ? 'add Reshape' : undefined));
    const [left, right, top, bottom] = p.padding as unknown as [number, number, number, number];
    // ONNX Pad-13: pads = [x1_begin, x2_begin, ..., x1_end, x2_end, ...].
    const pads = ctx.constInt([0, 0, top, left, 0, 0, bottom, right]);
    return { y: ctx.op('Pad', [x, pads], { mode: 'constant' }) };
  },
});

export const padLayer = defineLayer({
  kind: 'Pad',
  family: 'shape',
  title: 'Constant padding',
  description:
    'Pads the last axes with a constant, pairs from the last axis backwards: [left, right, top, bottom, front, back] (torch.nn.functional.pad); [0, 0, 0, 0, 8, 8] adds 8 zero channels on each side of [N, C, H, W].',
  params: z.object({
    padding: z
      .array(z.number().int().min(0))
      .min(2)
      .max(12)
      .refine((v) => v.length % 2 === 0, { message: 'give the padding in pairs (before, after)' })
      .default([1, 1])
      .describe('Padding pairs from the last axis backwards'),
    value: float(0, 'Value'),
  }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => `${p.padding.join(', ')}${p.value === 0 ? '' : ` = ${p.value}`}`,
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    const s = ctx.shape(x);
    const axes = p.padding.length / 2;
    if (axes > s.length - 1) {
      ctx.fail(
        `Pad: ${p.padding.length} values pad ${axes} axes, but ${formatShape(s, true)} has ${s.length - 1} after the batch axis`,
        { field: 'padding' },
      );
    }
    // torch lists (before, after) from the last axis backwards; ONNX Pad-13 wants every axis's
    // begin, then every axis's end, in axis order.
    const begin = new Array<number>(s.length).fill(0);
    const end = new Array<number>(s.length).fill(0);
    for (let k = 0; k < axes; k++) {
      begin[s.length - 1 - k] = p.padding[2 * k]!;
      end[s.length - 1 - k] = p.padding[2 * k + 1]!;
    }
    const y = ctx.op('Pad', [x, ctx.constInt([...begin, ...end]), ctx.constFloat([p.value], [])], {
      mode: 'constant',
    });
    return { y };
  },
});

export const upsampleLayer = defineLayer({
  kind: 'Upsample',
  family: 'shape',
  title: 'Upsample',
  description: 'Enlarges an image by whole factors, nearest or bilinear (torch.nn.Upsample).',
  params: z.object({
    scaleFactor: ints(2, [2, 2], 'Scale [height, width]'),
    mode: choice(['nearest', 'bilinear'], 'nearest', 'Mode'),
    alignCorners: bool(false, 'Align corners (bilinear)'),
  }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => `×${p.scaleFactor.join('×')} ${p.mode}`,
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    expectRank(ctx, x, [4], 'Upsample', '[N, C, H, W]', (r) => (r === 2 ? 'add Reshape' : undefined));
    const [sh, sw] = p.scaleFactor as unknown as [number, number];
    const scales = ctx.constFloat([1, 1, sh, sw]);
    // torch's nearest picks floor(dst / scale): ONNX asymmetric + floor. Its bilinear maps
    // (dst + 0.5) / scale − 0.5 (half_pixel), or dst·(in−1)/(out−1) with align_corners.
    const attrs =
      p.mode === 'nearest'
        ? { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }
        : {
            mode: 'linear',
            coordinate_transformation_mode: p.alignCorners ? 'align_corners' : 'half_pixel',
          };
    return { y: ctx.op('Resize', [x, '', scales], attrs) };
  },
});

// ---------------------------------------------------------------------------------------------
// Several tensors in or out.

export const concatLayer = defineLayer({
  kind: 'Concat',
  family: 'shape',
  title: 'Concat',
  description: 'Joins tensors along an axis; the other axes must match (torch.cat).',
  params: z.object({
    inputs: int(2, 'Inputs', 2, maxInputs),
    axis: int(1, 'Axis', -6, 6),
  }),
  inputs: (p) => numberedPorts('x', p.inputs),
  outputs: [{ name: 'y' }],
  summary: (p) => (p.axis === 1 ? `${p.inputs}` : `${p.inputs}, axis ${p.axis}`),
  lower(ctx, inputs, p) {
    const xs = Array.from({ length: p.inputs }, (_, i) => req(inputs, `x${i}`));
    const first = ctx.shape(xs[0]!);
    const axis = layerAxis(ctx, p.axis, first, 'Concat');
    xs.forEach((x, i) => {
      const s = ctx.shape(x);
      if (s.length !== first.length) {
        ctx.fail(
          `Concat: x0 ${formatShape(first, true)} and x${i} ${formatShape(s, true)} have different ranks`,
          { port: `x${i}` },
        );
      }
      const bad = s.findIndex((d, k) => k !== 0 && k !== axis && d !== first[k]);
      if (bad > 0) {
        ctx.fail(
          `Concat along axis ${axis}: x0 ${formatShape(first, true)} and x${i} ${formatShape(s, true)} differ in dimension ${bad} (${first[bad]} vs ${s[bad]}); only axis ${axis} may differ`,
          { port: `x${i}` },
        );
      }
    });
    return { y: ctx.op('Concat', xs, { axis }) };
  },
});

/** Checks that two shapes broadcast (NumPy rules), naming both and the dimension that does not. */
function checkBroadcast(ctx: LayerContext, layer: string, names: [string, string], a: Shape, b: Shape): void {
  const rank = Math.max(a.length, b.length);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      ctx.fail(
        `${layer}: ${names[0]} ${formatShape(a, a.length === rank)} and ${names[1]} ${formatShape(b, b.length === rank)} ` +
          `do not fit: dimension ${i} is ${da} vs ${db} (sizes must be equal, or 1 to broadcast)`,
        { port: names[1] },
      );
    }
  }
}

function broadcastShape(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) =>
    Math.max(a[a.length - rank + i] ?? 1, b[b.length - rank + i] ?? 1),
  );
}

function elementwiseMerge(
  kind: string,
  title: string,
  description: string,
  onnxOp: string,
  traits: LayerTraits = {},
) {
  return defineLayer({
    ...traits,
    kind,
    family: 'shape',
    title,
    description,
    params: z.object({ inputs: int(2, 'Inputs', 2, maxInputs) }),
    inputs: (p) => numberedPorts('x', p.inputs),
    outputs: [{ name: 'y' }],
    summary: (p) => (p.inputs === 2 ? '' : `${p.inputs}`),
    lower(ctx, inputs, p) {
      const xs = Array.from({ length: p.inputs }, (_, i) => req(inputs, `x${i}`));
      let y = xs[0]!;
      let shape = ctx.shape(y);
      for (let i = 1; i < xs.length; i++) {
        const s = ctx.shape(xs[i]!);
        checkBroadcast(ctx, kind, [i === 1 ? 'x0' : `x0..x${i - 1}`, `x${i}`], shape, s);
        shape = broadcastShape(shape, s);
        y = ctx.op(onnxOp, [y, xs[i]!]);
      }
      return { y };
    },
  });
}

export const addLayer = elementwiseMerge(
  'Add',
  'Add',
  'Sums its inputs element by element, with broadcasting (residual connections).',
  'Add',
  { keepsBatch: true },
);

export const multiplyLayer = elementwiseMerge(
  'Multiply',
  'Multiply',
  'Multiplies its inputs element by element, with broadcasting (gates, attention masks).',
  'Mul',
);

export const subtractLayer = defineLayer({
  kind: 'Subtract',
  family: 'shape',
  title: 'Subtract',
  description: 'x0 − x1 element by element, with broadcasting.',
  params: z.object({}),
  inputs: [{ name: 'x0' }, { name: 'x1' }],
  outputs: [{ name: 'y' }],
  lower(ctx, inputs) {
    const a = req(inputs, 'x0');
    const b = req(inputs, 'x1');
    checkBroadcast(ctx, 'Subtract', ['x0', 'x1'], ctx.shape(a), ctx.shape(b));
    return { y: ctx.op('Sub', [a, b]) };
  },
});

export const splitLayer = defineLayer({
  kind: 'Split',
  family: 'shape',
  title: 'Split',
  description: 'Cuts a tensor along an axis into pieces of the given sizes (torch.split).',
  params: z.object({
    axis: int(1, 'Axis', -6, 6),
    sizes: z.array(z.number().int().min(1)).min(1).max(maxInputs).default([1, 1]).describe('Sizes'),
  }),
  inputs: [{ name: 'x' }],
  outputs: (p) => numberedPorts('y', p.sizes.length),
  summary: (p) => `axis ${p.axis}: ${p.sizes.join(', ')}`,
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    const s = ctx.shape(x);
    const axis = layerAxis(ctx, p.axis, s, 'Split');
    const total = p.sizes.reduce((a, d) => a + d, 0);
    if (total !== s[axis]) {
      ctx.fail(
        `Split: sizes (${p.sizes.join(', ')}) add up to ${total}, but axis ${axis} of ${formatShape(s, true)} has ${s[axis]}`,
        { field: 'sizes' },
      );
    }
    const outs =
      p.sizes.length === 1
        ? [ctx.op('Identity', [x])]
        : ctx.opN('Split', [x, ctx.constInt(p.sizes)], { axis }, p.sizes.length);
    return Object.fromEntries(outs.map((v, i) => [`y${i}`, v]));
  },
});

export const mergeLayers: readonly AnyLayerDef[] = [
  flattenLayer,
  reshapeLayer,
  permuteLayer,
  concatLayer,
  addLayer,
  subtractLayer,
  multiplyLayer,
  splitLayer,
  sliceLayer,
  upsampleLayer,
  zeroPad2dLayer,
  padLayer,
];

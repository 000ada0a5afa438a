// Pooling: MaxPool1d/2d, AvgPool1d/2d, the global pools and AdaptiveAvgPool2d, with PyTorch's
// parameters and output sizes (ceil_mode included), lowered to ONNX MaxPool / AveragePool.
//
// The stride of MaxPool and AvgPool defaults to [2, 2] (or [2]), the default kernel: PyTorch's
// stride=None means "equal to the kernel", which a fixed schema default cannot follow, so a user
// who changes the kernel sets the stride with it.
import { z } from 'zod';
import { defineLayer, expectDType, expectRank, req } from './layer-def.ts';
import type { AnyLayerDef, LayerContext, LayerTraits } from './layer-def.ts';
import { bool, ints } from './params.ts';
import { compact, convSummary, dims, expectKernelFits, expectSpatial } from './convolution.ts';
import type { Shape } from '../ir/types.ts';
import { formatShape } from '../ir/types.ts';

interface PoolGeometry {
  readonly spatial: readonly number[];
  /** PyTorch's output size per spatial axis. */
  readonly out: readonly number[];
  /** End padding beyond `padding` that floor-mode ONNX needs to produce `out` (ceil_mode). */
  readonly extra: readonly number[];
}

/**
 * PyTorch's pooling_output_shape: floor or ceil of (in + 2p − d·(k − 1) − 1) / s, plus 1; in
 * ceil mode a last window starting past the input and left padding is dropped. ONNX opset 17
 * and onnxruntime disagree about that last window, so ceil mode is lowered as floor mode with
 * the extra end padding it implies (never more than the kernel minus the padding).
 */
function poolGeometry(
  ctx: LayerContext,
  layer: string,
  s: Shape,
  kernel: readonly number[],
  stride: readonly number[],
  padding: readonly number[],
  dilation: readonly number[],
  ceil: boolean,
): PoolGeometry {
  padding.forEach((p, i) => {
    if (p > Math.floor(kernel[i]! / 2)) {
      ctx.fail(
        `${layer}: padding ${dims(padding)} is more than half the ${dims(kernel)} kernel; ` +
          `PyTorch allows at most ${dims(kernel.map((k) => Math.floor(k / 2)))}`,
        { field: 'padding' },
      );
    }
  });
  const spatial = s.slice(2);
  const out = spatial.map((d, i) => {
    const k = kernel[i]!;
    const st = stride[i]!;
    const p = padding[i]!;
    const span = d + 2 * p - dilation[i]! * (k - 1) - 1;
    let o = Math.floor((span + (ceil ? st - 1 : 0)) / st) + 1;
    if (ceil && (o - 1) * st >= d + p) o -= 1;
    return o;
  });
  if (out.some((o) => o < 1)) {
    expectKernelFits(ctx, layer, spatial, kernel, dilation, padding, padding, 'window');
    ctx.fail(`${layer}: the ${dims(kernel)} window leaves no output for the ${dims(spatial)} input`, {
      field: 'kernelSize',
    });
  }
  const extra = spatial.map((d, i) =>
    Math.max(0, (out[i]! - 1) * stride[i]! + dilation[i]! * (kernel[i]! - 1) + 1 - (d + 2 * padding[i]!)),
  );
  return { spatial, out, extra };
}

const poolName = (prefix: string) => (n: number) => (n === 1 || n === 2 ? `${prefix}${n}d` : undefined);

function poolSummary(p: {
  kernelSize: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
  dilation?: readonly number[];
  ceilMode: boolean;
  countIncludePad?: boolean;
}): string {
  const hasPad = p.padding.some((v) => v !== 0);
  const tags = [p.ceilMode ? 'ceil' : '', hasPad && p.countIncludePad === false ? 'excl. pad' : '']
    .filter((t) => t !== '')
    .join(', ');
  return convSummary({
    kernelSize: p.kernelSize,
    stride: p.stride,
    pad: hasPad ? `p${compact(p.padding)}` : undefined,
    extra: tags === '' ? undefined : tags,
    ...(p.dilation ? { dilation: p.dilation } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// MaxPool1d, MaxPool2d

function maxPool(n: 1 | 2, traits: LayerTraits = {}) {
  const kind = `MaxPool${n}d`;
  return defineLayer({
    ...traits,
    kind,
    family: 'pooling',
    title: `Max pool ${n}-D`,
    description: `Largest value in each window over ${n === 1 ? '[N, C, L]' : '[N, C, H, W]'} (torch.nn.${kind}); the stride defaults to 2, not to the kernel — set both.`,
    params: z.object({
      kernelSize: ints(n, Array<number>(n).fill(2), 'Window size'),
      stride: ints(n, Array<number>(n).fill(2), 'Stride'),
      padding: ints(n, Array<number>(n).fill(0), 'Padding (each side)', 0),
      dilation: ints(n, Array<number>(n).fill(1), 'Dilation'),
      ceilMode: bool(false, 'Round the output size up (ceil mode)'),
    }),
    inputs: [{ name: 'x' }],
    outputs: [{ name: 'y' }],
    summary: (p) => poolSummary(p),
    lower(ctx, inputs, p) {
      const x = req(inputs, 'x');
      const s = expectSpatial(ctx, x, n, kind, poolName('MaxPool'));
      const g = poolGeometry(ctx, kind, s, p.kernelSize, p.stride, p.padding, p.dilation, p.ceilMode);
      const end = p.padding.map((v, i) => v + g.extra[i]!);
      const attrs = {
        kernel_shape: [...p.kernelSize],
        strides: [...p.stride],
        dilations: [...p.dilation],
      };
      if (end.every((e, i) => e < p.kernelSize[i]!)) {
        return { y: ctx.op('MaxPool', [x], { ...attrs, pads: [...p.padding, ...end] }) };
      }
      // onnxruntime wants pads smaller than the (undilated) kernel; a dilated window in ceil
      // mode can need more, so pad with −∞ (never a maximum) before pooling.
      const pads = [0, 0, ...p.padding, 0, 0, ...end];
      const padded = ctx.op('Pad', [x, ctx.constInt(pads), ctx.constFloat([-Infinity], [])], {
        mode: 'constant',
      });
      return { y: ctx.op('MaxPool', [padded], attrs) };
    },
  });
}

export const maxPool1dLayer = maxPool(1);
export const maxPool2dLayer = maxPool(2, { keepsBatch: true });

// ---------------------------------------------------------------------------------------------
// AvgPool1d, AvgPool2d

function avgPool(n: 1 | 2) {
  const kind = `AvgPool${n}d`;
  return defineLayer({
    kind,
    family: 'pooling',
    title: `Average pool ${n}-D`,
    description: `Mean of each window over ${n === 1 ? '[N, C, L]' : '[N, C, H, W]'} (torch.nn.${kind}); the stride defaults to 2, not to the kernel — set both.`,
    params: z.object({
      kernelSize: ints(n, Array<number>(n).fill(2), 'Window size'),
      stride: ints(n, Array<number>(n).fill(2), 'Stride'),
      padding: ints(n, Array<number>(n).fill(0), 'Padding (each side)', 0),
      ceilMode: bool(false, 'Round the output size up (ceil mode)'),
      countIncludePad: bool(true, 'Count padding zeros in the mean'),
    }),
    inputs: [{ name: 'x' }],
    outputs: [{ name: 'y' }],
    summary: (p) => poolSummary(p),
    lower(ctx, inputs, p) {
      const x = req(inputs, 'x');
      const s = expectSpatial(ctx, x, n, kind, poolName('AvgPool'));
      const ones = p.kernelSize.map(() => 1);
      const g = poolGeometry(ctx, kind, s, p.kernelSize, p.stride, p.padding, ones, p.ceilMode);
      const padded = p.padding.some((v) => v !== 0);
      const attrs = { kernel_shape: [...p.kernelSize], strides: [...p.stride] };
      const zeros = p.padding.map(() => 0);
      if (p.countIncludePad && padded && g.extra.some((e) => e !== 0)) {
        // PyTorch divides by the window clipped to the padded input: the padding zeros count,
        // the ceil-mode overhang does not. So the zeros become real (Pad) and the overhang is
        // ONNX padding that count_include_pad=0 leaves out.
        const xp = ctx.op('Pad', [x, ctx.constInt([0, 0, ...p.padding, 0, 0, ...p.padding])], {
          mode: 'constant',
        });
        return {
          y: ctx.op('AveragePool', [xp], { ...attrs, pads: [...zeros, ...g.extra], count_include_pad: 0 }),
        };
      }
      const end = p.padding.map((v, i) => v + g.extra[i]!);
      return {
        y: ctx.op('AveragePool', [x], {
          ...attrs,
          pads: [...p.padding, ...end],
          count_include_pad: p.countIncludePad && padded ? 1 : 0,
        }),
      };
    },
  });
}

export const avgPool1dLayer = avgPool(1);
export const avgPool2dLayer = avgPool(2);

// ---------------------------------------------------------------------------------------------
// GlobalAvgPool, GlobalMaxPool

function globalPool(
  kind: string,
  op: 'GlobalAveragePool' | 'GlobalMaxPool',
  what: string,
  traits: LayerTraits = {},
) {
  return defineLayer({
    ...traits,
    kind,
    family: 'pooling',
    title: kind === 'GlobalAvgPool' ? 'Global average pool' : 'Global max pool',
    description: `The ${what} of each channel over all spatial positions: [N, C, …] → [N, C] (or [N, C, 1, …] keeping the axes).`,
    params: z.object({ keepDims: bool(false, 'Keep the spatial axes (as size 1)') }),
    inputs: [{ name: 'x' }],
    outputs: [{ name: 'y' }],
    summary: (p) => (p.keepDims ? 'keep dims' : ''),
    lower(ctx, inputs, p) {
      const x = req(inputs, 'x');
      expectDType(ctx, x, 'float32', kind);
      expectRank(ctx, x, [3, 4, 5], kind, '[N, C, L], [N, C, H, W] or [N, C, D, H, W]', (r) =>
        r === 2 ? 'the input has no spatial axes left to pool; remove this layer' : undefined,
      );
      const y = ctx.op(op, [x]);
      // Flatten from axis 1 drops the trailing 1s without naming the batch size.
      return { y: p.keepDims ? y : ctx.op('Flatten', [y], { axis: 1 }) };
    },
  });
}

export const globalAvgPoolLayer = globalPool('GlobalAvgPool', 'GlobalAveragePool', 'mean', {
  keepsBatch: true,
});
export const globalMaxPoolLayer = globalPool('GlobalMaxPool', 'GlobalMaxPool', 'maximum');

// ---------------------------------------------------------------------------------------------
// AdaptiveAvgPool2d

/** PyTorch's adaptive bins: [floor(i·in/out), ceil((i+1)·in/out)). */
export function adaptiveBins(size: number, out: number): [number, number][] {
  return Array.from({ length: out }, (_, i) => [
    Math.floor((i * size) / out),
    Math.ceil(((i + 1) * size) / out),
  ]);
}

export const adaptiveAvgPool2dLayer = defineLayer({
  kind: 'AdaptiveAvgPool2d',
  family: 'pooling',
  title: 'Adaptive average pool 2-D',
  description:
    'Averages [N, C, H, W] down to a fixed [N, C, h, w] whatever the input size (torch.nn.AdaptiveAvgPool2d).',
  params: z.object({ outputSize: ints(2, [1, 1], 'Output size [h, w]') }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => dims(p.outputSize),
  lower(ctx, inputs, p) {
    const kind = 'AdaptiveAvgPool2d';
    const x = req(inputs, 'x');
    const s = expectSpatial(ctx, x, 2, kind);
    const spatial = s.slice(2);
    const size: readonly number[] = p.outputSize;
    const even = spatial.map((d, i) => d % size[i]! === 0);
    if (even.every((e) => e)) {
      // Even bins are plain windows: kernel = stride = in / out.
      const k = spatial.map((d, i) => d / size[i]!);
      if (k.every((v) => v === 1)) return { y: ctx.op('Identity', [x]) };
      return { y: ctx.op('AveragePool', [x], { kernel_shape: k, strides: k }) };
    }
    // Uneven (possibly overlapping) bins: a mean over each bin's rows, then over its columns —
    // the bins are rectangles, so the two means compose to the mean over the bin.
    let y = x;
    for (let axis = 0; axis < 2; axis++) {
      const d = spatial[axis]!;
      const o = size[axis]!;
      if (d === o) continue;
      if (even[axis]) {
        const k = [1, 1];
        k[axis] = d / o;
        y = ctx.op('AveragePool', [y], { kernel_shape: k, strides: k });
        continue;
      }
      const parts = adaptiveBins(d, o).map(([start, end]) => {
        const slice = ctx.op('Slice', [
          y,
          ctx.constInt([start]),
          ctx.constInt([end]),
          ctx.constInt([axis + 2]),
        ]);
        return end - start === 1 ? slice : ctx.op('ReduceMean', [slice], { axes: [axis + 2], keepdims: 1 });
      });
      y = parts.length === 1 ? parts[0]! : ctx.op('Concat', parts, { axis: axis + 2 });
    }
    const got = ctx.shape(y);
    if (got[2] !== size[0] || got[3] !== size[1]) {
      throw new Error(`internal: AdaptiveAvgPool2d produced ${formatShape(got)}`);
    }
    return { y };
  },
});

export const poolingLayers: readonly AnyLayerDef[] = [
  maxPool1dLayer,
  maxPool2dLayer,
  avgPool1dLayer,
  avgPool2dLayer,
  globalAvgPoolLayer,
  globalMaxPoolLayer,
  adaptiveAvgPool2dLayer,
];

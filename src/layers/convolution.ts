// Convolutions: Conv1d/2d/3d, depthwise and separable 2-D convolutions, and the transposed
// convolutions, with PyTorch's parameters, weight layout and default initialisation, lowered to
// ONNX Conv / ConvTranspose. The spatial helpers here are shared with the pooling layers.
import { z } from 'zod';
import { defineLayer, expectDType, expectRank, req } from './layer-def.ts';
import type { AnyLayerDef, LayerContext, LayerTraits } from './layer-def.ts';
import { bool, choice, fanInUniform, int, ints } from './params.ts';
import type { Shape } from '../ir/types.ts';
import { formatShape, numel } from '../ir/types.ts';

/** The expected input, in PyTorch's words, for 1, 2 or 3 spatial axes. */
export function spatialLayout(n: number): string {
  return n === 1 ? '[N, C, L]' : n === 2 ? '[N, C, H, W]' : '[N, C, D, H, W]';
}

/** "3×3" for a 2-D tuple, "3" for a 1-D one. */
export function dims(values: readonly number[]): string {
  return values.join('×');
}

/** "3" when every axis agrees, else "3×1": for the short summary on the node face. */
export function compact(values: readonly number[]): string {
  return values.every((v) => v === values[0]) ? String(values[0]) : dims(values);
}

/**
 * Checks a layer's input is [N, C, spatial...] with `n` spatial axes and says how to get there:
 * a flat [N, F] that is a square image suggests the Reshape target, another rank names the layer
 * of that rank when there is one.
 */
export function expectSpatial(
  ctx: LayerContext,
  x: string,
  n: number,
  layer: string,
  sibling?: (n: number) => string | undefined,
): Shape {
  expectDType(ctx, x, 'float32', layer);
  const s = ctx.shape(x);
  return expectRank(ctx, x, [n + 2], layer, spatialLayout(n), (r) => {
    if (r === 2) {
      const f = s[1]!;
      const side = Math.round(Math.sqrt(f));
      if (n === 2 && side * side === f) return `add Reshape to [N, 1, ${side}, ${side}]`;
      if (n === 1) return `add Reshape to [N, 1, ${f}]`;
      return 'add Reshape';
    }
    const other = r >= 3 && r <= 5 ? sibling?.(r - 2) : undefined;
    return other ? `use ${other}, or add Reshape` : 'add Reshape';
  });
}

export type PaddingMode = 'explicit' | 'same' | 'valid';

/**
 * Begin and end pads per spatial axis. 'same' follows PyTorch: stride 1 only, the total
 * dilation·(k − 1) split with the odd one on the end (right/bottom).
 */
export function convPads(
  ctx: LayerContext,
  layer: string,
  mode: PaddingMode,
  padding: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
): { begin: number[]; end: number[] } {
  if (mode === 'valid') return { begin: kernel.map(() => 0), end: kernel.map(() => 0) };
  if (mode === 'explicit') return { begin: [...padding], end: [...padding] };
  if (stride.some((s) => s !== 1)) {
    ctx.fail(
      `${layer}: padding 'same' needs stride 1 (as in PyTorch); the stride is ${dims(stride)} — ` +
        `set the stride to 1 or use explicit padding`,
      { field: 'paddingMode' },
    );
  }
  const total = kernel.map((k, i) => dilation[i]! * (k - 1));
  const begin = total.map((t) => Math.floor(t / 2));
  return { begin, end: total.map((t, i) => t - begin[i]!) };
}

/** Fails on the kernelSize field when the (dilated) kernel is larger than the padded input. */
export function expectKernelFits(
  ctx: LayerContext,
  layer: string,
  spatial: readonly number[],
  kernel: readonly number[],
  dilation: readonly number[],
  begin: readonly number[],
  end: readonly number[],
  what = 'kernel',
): void {
  const span = kernel.map((k, i) => dilation[i]! * (k - 1) + 1);
  const room = spatial.map((d, i) => d + begin[i]! + end[i]!);
  if (span.every((k, i) => k <= room[i]!)) return;
  const dilated = span.some((k, i) => k !== kernel[i]) ? ` (spanning ${dims(span)} with dilation)` : '';
  const padded = room.some((r, i) => r !== spatial[i]) ? ` (${dims(room)} with padding)` : '';
  ctx.fail(
    `${layer}: the ${dims(kernel)} ${what}${dilated} does not fit the ${dims(spatial)} input${padded} — ` +
      `use a smaller kernel, more padding, or a larger input`,
    { field: 'kernelSize' },
  );
}

/** ONNX spatial attributes: pads are [x1_begin, x2_begin, ..., x1_end, x2_end]. */

/** Input and output channels must both split into `groups`; returns the input's channel count. */
function checkGroups(
  ctx: LayerContext,
  kind: string,
  s: readonly number[],
  out: number,
  groups: number,
): number {
  const c = s[1]!;
  if (c % groups !== 0) {
    ctx.fail(
      `${kind}: the input's ${c} channels (axis 1 of ${formatShape(s, true)}) do not split into ` +
        `${groups} groups — pick groups that divides ${c}`,
      { field: 'groups' },
    );
  }
  if (out % groups !== 0) {
    ctx.fail(`${kind}: ${out} output channels do not split into ${groups} groups`, { field: 'groups' });
  }
  return c;
}

function onnxPads(begin: readonly number[], end: readonly number[]): number[] {
  return [...begin, ...end];
}

function padSummary(mode: PaddingMode, padding: readonly number[]): string | undefined {
  if (mode === 'same') return 'same';
  if (mode === 'valid') return undefined;
  return padding.some((v) => v !== 0) ? `p${compact(padding)}` : undefined;
}

interface ConvSummaryParts {
  readonly out?: number | string;
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly pad?: string | undefined;
  readonly dilation?: readonly number[];
  readonly groups?: number;
  readonly bias?: boolean;
  readonly extra?: string | undefined;
}

/** "64, 3×3, s2, p1" — the defaults (stride 1, no padding, …) are left out. */
export function convSummary(s: ConvSummaryParts): string {
  const parts: string[] = [];
  if (s.out !== undefined) parts.push(String(s.out));
  parts.push(dims(s.kernelSize));
  if (s.stride.some((v) => v !== 1)) parts.push(`s${compact(s.stride)}`);
  if (s.pad) parts.push(s.pad);
  if (s.extra) parts.push(s.extra);
  if (s.dilation && s.dilation.some((v) => v !== 1)) parts.push(`d${compact(s.dilation)}`);
  if (s.groups !== undefined && s.groups !== 1) parts.push(`g${s.groups}`);
  if (s.bias === false) parts.push('no bias');
  return parts.join(', ');
}

// ---------------------------------------------------------------------------------------------
// Conv1d, Conv2d, Conv3d

const convName = (n: number): string | undefined => (n >= 1 && n <= 3 ? `Conv${n}d` : undefined);

function convParams(n: number) {
  return z.object({
    outChannels: int(16, 'Output channels'),
    kernelSize: ints(n, Array<number>(n).fill(3), 'Kernel size'),
    stride: ints(n, Array<number>(n).fill(1), 'Stride'),
    padding: ints(n, Array<number>(n).fill(0), 'Padding (each side)', 0),
    paddingMode: choice(['explicit', 'same', 'valid'], 'explicit', 'Padding mode'),
    dilation: ints(n, Array<number>(n).fill(1), 'Dilation'),
    groups: int(1, 'Groups'),
    bias: bool(true, 'Bias'),
  });
}

function conv(n: 1 | 2 | 3, traits: LayerTraits = {}) {
  const kind = `Conv${n}d`;
  return defineLayer({
    ...traits,
    kind,
    family: 'convolution',
    title: `Conv ${n}-D`,
    description: `${n}-D convolution over ${spatialLayout(n)} (torch.nn.${kind}); 'same' padding keeps the size at stride 1.`,
    params: convParams(n),
    inputs: [{ name: 'x' }],
    outputs: [{ name: 'y' }],
    summary: (p) =>
      convSummary({
        out: p.outChannels,
        kernelSize: p.kernelSize,
        stride: p.stride,
        pad: padSummary(p.paddingMode, p.padding),
        dilation: p.dilation,
        groups: p.groups,
        bias: p.bias,
      }),
    lower(ctx, inputs, p) {
      const x = req(inputs, 'x');
      const s = expectSpatial(ctx, x, n, kind, convName);
      const c = checkGroups(ctx, kind, s, p.outChannels, p.groups);
      const { begin, end } = convPads(
        ctx,
        kind,
        p.paddingMode,
        p.padding,
        p.kernelSize,
        p.stride,
        p.dilation,
      );
      expectKernelFits(ctx, kind, s.slice(2), p.kernelSize, p.dilation, begin, end);
      // torch.nn.ConvNd: weight [out, in/groups, *k], kaiming_uniform(a=√5) = U(±1/√fan_in).
      const fanIn = (c / p.groups) * numel(p.kernelSize);
      const w = ctx.weight('weight', [p.outChannels, c / p.groups, ...p.kernelSize], fanInUniform(fanIn));
      const b = p.bias ? ctx.weight('bias', [p.outChannels], fanInUniform(fanIn)) : undefined;
      const y = ctx.op('Conv', b ? [x, w, b] : [x, w], {
        kernel_shape: [...p.kernelSize],
        strides: [...p.stride],
        pads: onnxPads(begin, end),
        dilations: [...p.dilation],
        group: p.groups,
      });
      return { y };
    },
  });
}

export const conv1dLayer = conv(1);
export const conv2dLayer = conv(2, { keepsBatch: true });
export const conv3dLayer = conv(3);

// ---------------------------------------------------------------------------------------------
// Depthwise and separable 2-D convolutions

export const depthwiseConv2dLayer = defineLayer({
  kind: 'DepthwiseConv2d',
  family: 'convolution',
  keepsBatch: true,
  title: 'Depthwise conv 2-D',
  description:
    'One filter (or depthMultiplier filters) per input channel: Conv2d with groups = in channels, out = in × depthMultiplier.',
  params: z.object({
    depthMultiplier: int(1, 'Filters per channel'),
    kernelSize: ints(2, [3, 3], 'Kernel size'),
    stride: ints(2, [1, 1], 'Stride'),
    padding: ints(2, [0, 0], 'Padding (each side)', 0),
    paddingMode: choice(['explicit', 'same', 'valid'], 'explicit', 'Padding mode'),
    dilation: ints(2, [1, 1], 'Dilation'),
    bias: bool(true, 'Bias'),
  }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) =>
    convSummary({
      out: p.depthMultiplier === 1 ? undefined : `×${p.depthMultiplier}`,
      kernelSize: p.kernelSize,
      stride: p.stride,
      pad: padSummary(p.paddingMode, p.padding),
      dilation: p.dilation,
      bias: p.bias,
    }),
  lower(ctx, inputs, p) {
    const kind = 'DepthwiseConv2d';
    const x = req(inputs, 'x');
    const s = expectSpatial(ctx, x, 2, kind, convName);
    const c = s[1]!;
    const out = c * p.depthMultiplier;
    const { begin, end } = convPads(ctx, kind, p.paddingMode, p.padding, p.kernelSize, p.stride, p.dilation);
    expectKernelFits(ctx, kind, s.slice(2), p.kernelSize, p.dilation, begin, end);
    const fanIn = numel(p.kernelSize);
    const w = ctx.weight('weight', [out, 1, ...p.kernelSize], fanInUniform(fanIn));
    const b = p.bias ? ctx.weight('bias', [out], fanInUniform(fanIn)) : undefined;
    const y = ctx.op('Conv', b ? [x, w, b] : [x, w], {
      kernel_shape: [...p.kernelSize],
      strides: [...p.stride],
      pads: onnxPads(begin, end),
      dilations: [...p.dilation],
      group: c,
    });
    return { y };
  },
});

export const separableConv2dLayer = defineLayer({
  kind: 'SeparableConv2d',
  family: 'convolution',
  title: 'Separable conv 2-D',
  description:
    'A depthwise k×k convolution per channel (no bias) followed by a pointwise 1×1 convolution that mixes channels.',
  params: z.object({
    outChannels: int(16, 'Output channels'),
    kernelSize: ints(2, [3, 3], 'Kernel size'),
    stride: ints(2, [1, 1], 'Stride'),
    padding: ints(2, [0, 0], 'Padding (each side)', 0),
    paddingMode: choice(['explicit', 'same', 'valid'], 'explicit', 'Padding mode'),
    dilation: ints(2, [1, 1], 'Dilation'),
    bias: bool(true, 'Bias'),
  }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) =>
    convSummary({
      out: p.outChannels,
      kernelSize: p.kernelSize,
      stride: p.stride,
      pad: padSummary(p.paddingMode, p.padding),
      dilation: p.dilation,
      bias: p.bias,
    }),
  lower(ctx, inputs, p) {
    const kind = 'SeparableConv2d';
    const x = req(inputs, 'x');
    const s = expectSpatial(ctx, x, 2, kind, convName);
    const c = s[1]!;
    const { begin, end } = convPads(ctx, kind, p.paddingMode, p.padding, p.kernelSize, p.stride, p.dilation);
    expectKernelFits(ctx, kind, s.slice(2), p.kernelSize, p.dilation, begin, end);
    // As a torch module with submodules `depthwise` (Conv2d(C, C, k, groups=C, bias=False)) and
    // `pointwise` (Conv2d(C, out, 1)), so the state_dict names match.
    const dw = ctx.weight('depthwise.weight', [c, 1, ...p.kernelSize], fanInUniform(numel(p.kernelSize)));
    const mid = ctx.op('Conv', [x, dw], {
      kernel_shape: [...p.kernelSize],
      strides: [...p.stride],
      pads: onnxPads(begin, end),
      dilations: [...p.dilation],
      group: c,
    });
    const pw = ctx.weight('pointwise.weight', [p.outChannels, c, 1, 1], fanInUniform(c));
    const pb = p.bias ? ctx.weight('pointwise.bias', [p.outChannels], fanInUniform(c)) : undefined;
    return { y: ctx.op('Conv', pb ? [mid, pw, pb] : [mid, pw], { kernel_shape: [1, 1] }) };
  },
});

// ---------------------------------------------------------------------------------------------
// ConvTranspose1d, ConvTranspose2d

const convTransposeName = (n: number): string | undefined =>
  n === 1 || n === 2 ? `ConvTranspose${n}d` : undefined;

function convTranspose(n: 1 | 2) {
  const kind = `ConvTranspose${n}d`;
  return defineLayer({
    kind,
    family: 'convolution',
    title: `Transposed conv ${n}-D`,
    description: `Transposed ("de-") convolution over ${spatialLayout(n)} (torch.nn.${kind}); the default kernel 2, stride 2 doubles the size.`,
    params: z.object({
      outChannels: int(16, 'Output channels'),
      kernelSize: ints(n, Array<number>(n).fill(2), 'Kernel size'),
      stride: ints(n, Array<number>(n).fill(2), 'Stride'),
      padding: ints(n, Array<number>(n).fill(0), 'Padding (trimmed from each side)', 0),
      outputPadding: ints(n, Array<number>(n).fill(0), 'Output padding (added at the end)', 0),
      dilation: ints(n, Array<number>(n).fill(1), 'Dilation'),
      groups: int(1, 'Groups'),
      bias: bool(true, 'Bias'),
    }),
    inputs: [{ name: 'x' }],
    outputs: [{ name: 'y' }],
    summary: (p) =>
      convSummary({
        out: p.outChannels,
        kernelSize: p.kernelSize,
        stride: p.stride,
        pad: padSummary('explicit', p.padding),
        extra: p.outputPadding.some((v) => v !== 0) ? `op${compact(p.outputPadding)}` : undefined,
        dilation: p.dilation,
        groups: p.groups,
        bias: p.bias,
      }),
    lower(ctx, inputs, p) {
      const x = req(inputs, 'x');
      const s = expectSpatial(ctx, x, n, kind, convTransposeName);
      const c = checkGroups(ctx, kind, s, p.outChannels, p.groups);
      p.outputPadding.forEach((op, i) => {
        if (op >= p.stride[i]! && op >= p.dilation[i]!) {
          ctx.fail(
            `${kind}: outputPadding ${dims(p.outputPadding)} must be smaller than the stride ${dims(p.stride)} ` +
              `or the dilation ${dims(p.dilation)} on each axis (as in PyTorch)`,
            { field: 'outputPadding' },
          );
        }
      });
      // torch: out = (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1.
      const spatial = s.slice(2);
      const out = spatial.map(
        (d, i) =>
          (d - 1) * p.stride[i]! -
          2 * p.padding[i]! +
          p.dilation[i]! * (p.kernelSize[i]! - 1) +
          p.outputPadding[i]! +
          1,
      );
      if (out.some((d) => d < 1)) {
        ctx.fail(
          `${kind}: padding ${dims(p.padding)} trims more than the ${dims(spatial)} input grows to ` +
            `(output would be ${dims(out)}) — lower the padding`,
          { field: 'padding' },
        );
      }
      // torch.nn.ConvTransposeNd: weight [in, out/groups, *k]; its init takes fan_in from
      // dimension 1, i.e. (out/groups)·k1·k2·….
      const fanIn = (p.outChannels / p.groups) * numel(p.kernelSize);
      const w = ctx.weight('weight', [c, p.outChannels / p.groups, ...p.kernelSize], fanInUniform(fanIn));
      const b = p.bias ? ctx.weight('bias', [p.outChannels], fanInUniform(fanIn)) : undefined;
      const y = ctx.op('ConvTranspose', b ? [x, w, b] : [x, w], {
        kernel_shape: [...p.kernelSize],
        strides: [...p.stride],
        pads: onnxPads(p.padding, p.padding),
        output_padding: [...p.outputPadding],
        dilations: [...p.dilation],
        group: p.groups,
      });
      return { y };
    },
  });
}

export const convTranspose1dLayer = convTranspose(1);
export const convTranspose2dLayer = convTranspose(2);

export const convolutionLayers: readonly AnyLayerDef[] = [
  conv1dLayer,
  conv2dLayer,
  conv3dLayer,
  depthwiseConv2dLayer,
  separableConv2dLayer,
  convTranspose1dLayer,
  convTranspose2dLayer,
];

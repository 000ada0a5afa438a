// Convolutions: Conv and ConvTranspose (ONNX opset 11+ semantics, unchanged through opset 17),
// plus the spatial geometry (auto_pad, pads, strides, dilations) that the pooling rows share.
import type { OpInferArgs, OpRow } from './op-row.ts';
import { fail, input, intAttr, intsAttr, stringAttr } from './op-row.ts';
import type { Attrs, Shape, TensorType } from '../types.ts';
import { formatShape, numel } from '../types.ts';

export type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

export function autoPad(attrs: Attrs, op: string): AutoPad {
  const v = stringAttr(attrs, 'auto_pad', 'NOTSET');
  if (v !== 'NOTSET' && v !== 'SAME_UPPER' && v !== 'SAME_LOWER' && v !== 'VALID') {
    fail(`${op}: auto_pad "${v}" is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  }
  return v;
}

/** A per-spatial-axis int list attribute (strides, dilations, ...), defaulting to `fallback`. */
export function spatialInts(attrs: Attrs, name: string, n: number, fallback: number, op: string): number[] {
  const v = intsAttr(attrs, name);
  if (v === undefined) return Array<number>(n).fill(fallback);
  if (v.length !== n) fail(`${op}: ${name} has ${v.length} values; the input has ${n} spatial axes`);
  return [...v];
}

/** ONNX pads: [x1_begin, x2_begin, ..., x1_end, x2_end]; returns [begins, ends]. */
export function spatialPads(attrs: Attrs, n: number, op: string): [number[], number[]] {
  const v = intsAttr(attrs, 'pads');
  if (v === undefined) return [Array<number>(n).fill(0), Array<number>(n).fill(0)];
  if (v.length !== 2 * n)
    fail(`${op}: pads has ${v.length} values; ${2 * n} are needed (begin and end per axis)`);
  if (v.some((p) => p < 0)) fail(`${op}: pads must not be negative`);
  return [v.slice(0, n), v.slice(n)];
}

export function positive(values: readonly number[], name: string, op: string): void {
  if (values.some((v) => !Number.isInteger(v) || v < 1)) fail(`${op}: ${name} must be positive integers`);
}

/** Spatial input checks common to Conv and the pools: rank ≥ 3, [N, C, D1, ...]. */
export function spatialInput(x: TensorType, op: string): number {
  if (x.shape.length < 3) fail(`${op}: input ${formatShape(x.shape)} needs [N, C, D1, ...] (rank ≥ 3)`);
  return x.shape.length - 2;
}

function checkOut(out: readonly number[], x: Shape, op: string, what: string): void {
  out.forEach((d, i) => {
    if (d < 1) {
      fail(
        `${op}: spatial axis ${i} of ${formatShape(x)} is too small for ${what} (output size would be ${d})`,
      );
    }
  });
}

function convInfer(a: OpInferArgs): TensorType[] {
  const x = input(a, 0, 'Conv');
  const w = input(a, 1, 'Conv');
  const n = spatialInput(x, 'Conv');
  if (w.shape.length !== n + 2) {
    fail(`Conv: weight ${formatShape(w.shape)} must have rank ${n + 2} for input ${formatShape(x.shape)}`);
  }
  const group = intAttr(a.attrs, 'group', 1);
  const c = x.shape[1]!;
  const m = w.shape[0]!;
  if (group < 1 || c % group !== 0 || m % group !== 0) {
    fail(`Conv: group ${group} must divide the input channels ${c} and the output channels ${m}`);
  }
  if (w.shape[1]! * group !== c) {
    fail(
      `Conv: weight ${formatShape(w.shape)} expects ${w.shape[1]! * group} input channels; the input has ${c}`,
    );
  }
  const kernel = w.shape.slice(2);
  const ks = intsAttr(a.attrs, 'kernel_shape');
  if (ks && (ks.length !== n || ks.some((k, i) => k !== kernel[i]))) {
    fail(`Conv: kernel_shape ${formatShape(ks)} differs from the weight's ${formatShape(kernel)}`);
  }
  const b = a.inputs[2];
  if (b && (b.shape.length !== 1 || b.shape[0] !== m)) {
    fail(`Conv: bias ${formatShape(b.shape)} must be [${m}]`);
  }
  const strides = spatialInts(a.attrs, 'strides', n, 1, 'Conv');
  const dilations = spatialInts(a.attrs, 'dilations', n, 1, 'Conv');
  positive(strides, 'strides', 'Conv');
  positive(dilations, 'dilations', 'Conv');
  const [pb, pe] = spatialPads(a.attrs, n, 'Conv');
  const mode = autoPad(a.attrs, 'Conv');
  const spatial = x.shape.slice(2);
  const out = spatial.map((d, i) => {
    const s = strides[i]!;
    const kEff = (kernel[i]! - 1) * dilations[i]! + 1;
    // ONNX Conv-11: SAME_* pads so that output = ceil(input / stride); VALID pads nothing.
    if (mode === 'SAME_UPPER' || mode === 'SAME_LOWER') return Math.ceil(d / s);
    const pad = mode === 'VALID' ? 0 : pb[i]! + pe[i]!;
    return Math.floor((d + pad - kEff) / s) + 1;
  });
  checkOut(out, x.shape, 'Conv', `kernel ${formatShape(kernel)}`);
  return [{ shape: [x.shape[0]!, m, ...out], dtype: x.dtype }];
}

function convTransposeInfer(a: OpInferArgs): TensorType[] {
  const op = 'ConvTranspose';
  const x = input(a, 0, op);
  const w = input(a, 1, op);
  const n = spatialInput(x, op);
  if (w.shape.length !== n + 2) {
    fail(`${op}: weight ${formatShape(w.shape)} must have rank ${n + 2} for input ${formatShape(x.shape)}`);
  }
  const group = intAttr(a.attrs, 'group', 1);
  const c = x.shape[1]!;
  if (group < 1 || c % group !== 0) fail(`${op}: group ${group} must divide the input channels ${c}`);
  // ONNX ConvTranspose: W is [C, M/group, k1, ...].
  if (w.shape[0] !== c) {
    fail(`${op}: weight ${formatShape(w.shape)} expects ${w.shape[0]} input channels; the input has ${c}`);
  }
  const m = w.shape[1]! * group;
  const kernel = w.shape.slice(2);
  const ks = intsAttr(a.attrs, 'kernel_shape');
  if (ks && (ks.length !== n || ks.some((k, i) => k !== kernel[i]))) {
    fail(`${op}: kernel_shape ${formatShape(ks)} differs from the weight's ${formatShape(kernel)}`);
  }
  const b = a.inputs[2];
  if (b && (b.shape.length !== 1 || b.shape[0] !== m))
    fail(`${op}: bias ${formatShape(b.shape)} must be [${m}]`);
  const strides = spatialInts(a.attrs, 'strides', n, 1, op);
  const dilations = spatialInts(a.attrs, 'dilations', n, 1, op);
  positive(strides, 'strides', op);
  positive(dilations, 'dilations', op);
  const outPad = spatialInts(a.attrs, 'output_padding', n, 0, op);
  outPad.forEach((p, i) => {
    // Each output_padding entry must be below its stride or dilation (otherwise the extra
    // positions would be covered by no kernel tap at all).
    if (p < 0 || (p >= strides[i]! && p >= dilations[i]!)) {
      fail(
        `${op}: output_padding ${p} must be smaller than the stride ${strides[i]} or dilation ${dilations[i]}`,
      );
    }
  });
  const [pb, pe] = spatialPads(a.attrs, n, op);
  const mode = autoPad(a.attrs, op);
  const spatial = x.shape.slice(2);
  const given = intsAttr(a.attrs, 'output_shape');
  let out: number[];
  if (given) {
    // output_shape names the spatial sizes (some writers include N and C); pads are derived from it.
    const sp = given.length === n + 2 ? given.slice(2) : given;
    if (sp.length !== n)
      fail(`${op}: output_shape has ${given.length} values; ${n} spatial sizes are needed`);
    out = [...sp];
  } else {
    out = spatial.map((d, i) => {
      const s = strides[i]!;
      // ONNX ConvTranspose-11: SAME_* gives output = input * stride.
      if (mode === 'SAME_UPPER' || mode === 'SAME_LOWER') return d * s;
      const pad = mode === 'VALID' ? 0 : pb[i]! + pe[i]!;
      // ONNX ConvTranspose-11: output_shape = stride * (input - 1) + output_padding
      //   + ((kernel - 1) * dilation + 1) - pads_begin - pads_end
      return s * (d - 1) + outPad[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - pad;
    });
  }
  checkOut(out, x.shape, op, `kernel ${formatShape(kernel)} with these pads`);
  return [{ shape: [x.shape[0]!, m, ...out], dtype: x.dtype }];
}

const convAttrs = {
  auto_pad: 'string',
  dilations: 'ints',
  group: 'int',
  kernel_shape: 'ints',
  pads: 'ints',
  strides: 'ints',
} as const;

export const convolutionOps: readonly OpRow[] = [
  {
    type: 'Conv',
    attrs: convAttrs,
    infer: convInfer,
    // Each output element is a dot product over (C/group)·k1·k2·… taps: 2 FLOPs per tap.
    flops: (a, out) => {
      const w = a.inputs[1]!;
      return 2 * numel(out[0]!.shape) * numel(w.shape.slice(1));
    },
  },
  {
    type: 'ConvTranspose',
    attrs: { ...convAttrs, output_padding: 'ints', output_shape: 'ints' },
    infer: convTransposeInfer,
    // Every input element is scattered through (M/group)·k1·k2·… taps.
    flops: (a) => {
      const x = a.inputs[0]!;
      const w = a.inputs[1]!;
      return 2 * numel(x.shape) * numel(w.shape.slice(1));
    },
  },
];

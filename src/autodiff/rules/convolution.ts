// Gradients of Conv and ConvTranspose (src/ir/ops/convolution.ts). The input gradient of a
// convolution is a transposed convolution with the same weight (or, stride 1 with M < C, a Conv
// with the taps reversed, which runs faster); the weight gradient of an ungrouped one is one Gemm
// over gathered windows (../convolution-gemm.ts), of a grouped one a convolution of the input with the
// output gradient (batch and channel axes swapped). All of it runs on any backend. The geometry
// and the transposed convolution serve the pooling rules too.
import type { Op, Shape } from '../../ir/types.ts';
import { intAttr, intsAttr, stringAttr } from '../../ir/ops/op-row.ts';
import type { GraphEditor } from '../graph-editor.ts';
import type { GradRow } from '../rule.ts';
import { GradError, reshape } from '../rule.ts';
import { weightGradGemm } from '../convolution-gemm.ts';

export interface Geometry {
  readonly kernel: number[];
  readonly strides: number[];
  readonly dilations: number[];
  readonly pb: number[];
  readonly pe: number[];
}

/** The explicit geometry of a Conv/pool op, with auto_pad resolved to pads (ONNX Conv-11). */
export function geometry(op: Op, xs: Shape, kernel: readonly number[]): Geometry {
  const n = xs.length - 2;
  const ints = (name: string, fb: number): number[] => [
    ...(intsAttr(op.attrs, name) ?? Array<number>(n).fill(fb)),
  ];
  const strides = ints('strides', 1);
  const dilations = ints('dilations', 1);
  const pads = intsAttr(op.attrs, 'pads') ?? Array<number>(2 * n).fill(0);
  let pb = pads.slice(0, n);
  let pe = pads.slice(n);
  const mode = stringAttr(op.attrs, 'auto_pad', 'NOTSET');
  if (mode === 'VALID') {
    pb = Array<number>(n).fill(0);
    pe = Array<number>(n).fill(0);
  } else if (mode === 'SAME_UPPER' || mode === 'SAME_LOWER') {
    pb = [];
    pe = [];
    for (let i = 0; i < n; i++) {
      const d = xs[i + 2]!;
      const out = Math.ceil(d / strides[i]!);
      const kEff = (kernel[i]! - 1) * dilations[i]! + 1;
      const total = Math.max(0, (out - 1) * strides[i]! + kEff - d);
      const small = Math.floor(total / 2);
      pb.push(mode === 'SAME_UPPER' ? small : total - small);
      pe.push(mode === 'SAME_UPPER' ? total - small : small);
    }
  }
  return { kernel: [...kernel], strides, dilations, pb, pe };
}

/**
 * dW of y = conv(x, W) given dy: dW[m, c, k] = Σₙ,ᵢ x[n, c, i·s + k·d − p] · dy[n, m, i].
 * Computed as one grouped Conv: the batch becomes the channel axis (per group), dy the weight,
 * stride and dilation trade places; the result is cropped to the kernel size.
 */
function weightGrad(g: GraphEditor, x: string, dy: string, geo: Geometry, group: number): string {
  if (group === 1) {
    const viaGemm = weightGradGemm(g, x, dy, geo);
    if (viaGemm !== undefined) return viaGemm;
  }
  const xs = g.shape(x);
  const n = xs[0]!;
  const c = xs[1]!;
  const cg = c / group;
  const sp = xs.slice(2);
  // x [N, C, …] → [C/G, G·N, …]: for group j, channels j·N … j·N+N−1 hold x[:, j·C/G + c'].
  let xt: string;
  if (group === 1) xt = swapLeadingAxes(g, x);
  else {
    xt = reshape(g, x, [n, group, cg, ...sp]);
    xt = g.op1('Transpose', [xt], { perm: [2, 1, 0, ...sp.map((_, i) => i + 3)] });
    xt = reshape(g, xt, [cg, group * n, ...sp]);
  }
  // dy [N, M, …] → [M, N, …], the weight of a Conv with `group` groups of N input channels.
  const full = g.op1('Conv', [xt, swapLeadingAxes(g, dy)], {
    strides: geo.dilations,
    dilations: geo.strides,
    pads: [...geo.pb, ...geo.pe],
    group,
  });
  // [C/G, M, k'…] → crop to the kernel → [M, C/G, k…]
  const fs = g.shape(full);
  let cropped = full;
  if (fs.slice(2).some((v, i) => v !== geo.kernel[i])) {
    cropped = g.op1('Slice', [
      full,
      g.ints(geo.kernel.map(() => 0)),
      g.ints(geo.kernel),
      g.ints(geo.kernel.map((_, i) => i + 2)),
    ]);
  }
  return swapLeadingAxes(g, cropped);
}

/**
 * [A, B, …] → [B, A, …]. Where A or B is 1 (one input channel, one image, one filter) the data
 * stays in order and a Reshape, which copies nothing, does it; otherwise a Transpose. On LeNet-5's
 * step the four Transposes left take 2.2 % of onnxruntime-node's kernel time; the one form tried
 * without them (one input channel: x as [1, N, …] and dy as [N·M, 1, …] in a Conv of N groups,
 * then a ReduceSum over N) was no faster (1.06× native, 0.97× WASM: within the noise).
 */
function swapLeadingAxes(g: GraphEditor, v: string): string {
  const s = g.shape(v);
  if (s[0] === 1 || s[1] === 1) return reshape(g, v, [s[1]!, s[0]!, ...s.slice(2)]);
  return g.op1('Transpose', [v], { perm: [1, 0, ...s.slice(2).map((_, i) => i + 2)] });
}

/** The input gradient of a strided window op: a ConvTranspose sized back to the input exactly. */
export function convTransposeTo(
  g: GraphEditor,
  dy: string,
  w: string,
  geo: Geometry,
  group: number,
  xs: Shape,
): string {
  const ds = g.shape(dy);
  const outPad = geo.kernel.map((k, i) => {
    const kEff = (k - 1) * geo.dilations[i]! + 1;
    const natural = geo.strides[i]! * (ds[i + 2]! - 1) + kEff - geo.pb[i]! - geo.pe[i]!;
    return xs[i + 2]! - natural;
  });
  const attrs: Record<string, number | number[]> = {
    strides: geo.strides,
    dilations: geo.dilations,
    pads: [...geo.pb, ...geo.pe],
    group,
  };
  if (outPad.some((p) => p !== 0)) attrs['output_padding'] = outPad;
  return g.op1('ConvTranspose', [dy, w], attrs);
}

/**
 * The input gradient of a stride-1 ungrouped Conv with fewer output than input channels (M < C) as
 * a Conv of dy with the weight's channel axes swapped and its taps reversed, padded by the rest of
 * the dilated kernel; undefined where that does not apply. onnxruntime runs a Conv faster than a
 * ConvTranspose there (its ConvTranspose is a GEMM with M as the inner dimension, then col2im):
 * measured 0.20–0.76× the ConvTranspose's time on onnxruntime-node and 0.26–0.76× on WASM for the
 * U-Net's 32 → 16, 64 → 32 and 16 → 1 convolutions; with M = C it was 0.76–1.16×, and with M > C
 * (LeNet-5's 6 → 16) 4–10× slower, so those keep the ConvTranspose.
 */
function flippedConvInputGrad(
  g: GraphEditor,
  dy: string,
  w: string,
  geo: Geometry,
  group: number,
  xs: Shape,
): string | undefined {
  const ws = g.shape(w);
  const [m, c] = [ws[0]!, ws[1]!];
  if (group !== 1 || m >= c || geo.strides.some((s) => s !== 1)) return undefined;
  const span = geo.kernel.map((k, i) => (k - 1) * geo.dilations[i]!);
  const pb = span.map((s, i) => s - geo.pb[i]!);
  const pe = span.map((s, i) => s - geo.pe[i]!);
  const ds = g.shape(dy);
  if ([...pb, ...pe].some((p) => p < 0)) return undefined;
  if (ds.slice(2).some((o, i) => o + pb[i]! + pe[i]! - span[i]! !== xs[i + 2])) return undefined;
  // [M, C, k…] → [C, M, k…] with every spatial axis reversed: the flat tap index reversed.
  const taps = geo.kernel.reduce((a, b) => a * b, 1);
  const flat = reshape(g, swapLeadingAxes(g, w), [c, m, taps]);
  const reversed =
    taps === 1
      ? flat
      : g.op1('Gather', [flat, g.ints(Array.from({ length: taps }, (_, i) => taps - 1 - i))], { axis: 2 });
  return g.op1('Conv', [dy, reshape(g, reversed, [c, m, ...geo.kernel])], {
    dilations: geo.dilations,
    pads: [...pb, ...pe],
  });
}

function biasGrad(g: GraphEditor, dy: string): string {
  const r = g.shape(dy).length;
  return g.op1('ReduceSum', [dy, g.ints([0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)])], {
    keepdims: 0,
  });
}

export const convolutionGrads: readonly GradRow[] = [
  {
    type: 'Conv',
    grad: (g, op, dy, need) => {
      const d = dy[0];
      if (d === undefined) return [];
      const x = op.inputs[0]!;
      const w = op.inputs[1]!;
      const xs = g.shape(x);
      const group = intAttr(op.attrs, 'group', 1);
      const geo = geometry(op, xs, g.shape(w).slice(2));
      return [
        need[0]
          ? (flippedConvInputGrad(g, d, w, geo, group, xs) ?? convTransposeTo(g, d, w, geo, group, xs))
          : undefined,
        need[1] ? weightGrad(g, x, d, geo, group) : undefined,
        op.inputs[2] && need[2] ? biasGrad(g, d) : undefined,
      ];
    },
  },
  {
    // y = convT(x, W): x's gradient is conv(dy, W) with the same geometry; W's is the Conv weight
    // gradient with x and dy in swapped roles (W is [C_in, M/G, k…]).
    type: 'ConvTranspose',
    grad: (g, op, dy, need) => {
      const d = dy[0];
      if (d === undefined) return [];
      const x = op.inputs[0]!;
      const w = op.inputs[1]!;
      const xs = g.shape(x);
      const mode = stringAttr(op.attrs, 'auto_pad', 'NOTSET');
      if (intsAttr(op.attrs, 'output_shape') || (mode !== 'NOTSET' && mode !== 'VALID')) {
        throw new GradError(op, 'output_shape and SAME auto_pad have no gradient here; give explicit pads');
      }
      const group = intAttr(op.attrs, 'group', 1);
      const geo = geometry(op, xs, g.shape(w).slice(2));
      let dx: string | undefined;
      if (need[0]) {
        dx = g.op1('Conv', [d, w], {
          strides: geo.strides,
          dilations: geo.dilations,
          pads: [...geo.pb, ...geo.pe],
          group,
        });
        const got = g.shape(dx);
        if (got.some((v, i) => v !== xs[i])) {
          // output_padding rows are seen by no input position: crop them.
          dx = g.op1('Slice', [
            dx,
            g.ints(xs.slice(2).map(() => 0)),
            g.ints(xs.slice(2)),
            g.ints(xs.slice(2).map((_, i) => i + 2)),
          ]);
        }
      }
      // Taps that land in output_padding or the end pads see zeros, as in the forward pass.
      return [
        dx,
        need[1] ? weightGrad(g, d, x, geo, group) : undefined,
        op.inputs[2] && need[2] ? biasGrad(g, d) : undefined,
      ];
    },
  },
];

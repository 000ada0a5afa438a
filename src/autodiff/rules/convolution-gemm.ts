// The weight gradient of an ungrouped convolution as one matrix product over gathered windows
// (im2col), instead of convolution.ts's grouped Conv form.
//
// Why: as a Conv the "kernel" is the whole output-gradient image and the output only the k×k taps,
// so onnxruntime's im2col + GEMM runs one skinny product per input channel with k·k columns. Here
// one Gather (constant indices; stride, dilation and padding all live in them) lays the windows
// out with the batch innermost, so each gathered element is a contiguous run of N floats, and one
// Gemm contracts over batch × positions.
//
// Which tensor is gathered, by shape alone: dW[m, c, k] = Σₙ,ᵢ x[n, c, i·s + k·d − p] · dy[n, m, i]
// can gather x's windows (a [C·K, L_out·N] matrix) or, for each input position, the dy entry each
// tap sends it to (a [M·K, L_in·N] matrix, zero where none). The smaller matrix is gathered, dy's on
// a tie (it needs no padded copy of x). Measured on onnxruntime-node for LeNet-5's, ResNet-20's
// and the ddpm-mnist U-Net's convolutions this rule picked the faster form in all 16 shapes:
// gathering dy wins 2–4× on stride-1 'same' convolutions with C ≥ M (a U-Net's 3×3s, its 16 → 1
// head), gathering x on strided ones, on C < M and on transposed convolutions' weights.
import type { GraphEditor } from '../graph-editor.ts';
import { reshape } from '../rule.ts';
import type { Geometry } from './convolution.ts';

/**
 * Above this many gathered positions (taps × positions) the index constant would weigh more than
 * it is worth (ResNet-18's 7×7 stem at 224² needs 615k); the grouped Conv form serves there.
 */
const MAX_INDICES = 1 << 18;

const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** dW of an ungrouped Conv, or undefined where the index constant would be too large. */
export function weightGradGemm(g: GraphEditor, x: string, dy: string, geo: Geometry): string | undefined {
  const xs = g.shape(x);
  const ds = g.shape(dy);
  const taps = product(geo.kernel);
  const xRows = xs[1]! * product(ds.slice(2));
  const dyRows = ds[1]! * product(xs.slice(2));
  const useDy = dyRows <= xRows;
  if (taps * product(useDy ? xs.slice(2) : ds.slice(2)) > MAX_INDICES) return undefined;
  return useDy ? gatherDy(g, x, dy, geo) : gatherX(g, x, dy, geo);
}

/** The sizes both forms read: batch n, input channels c, output channels m, spatial sizes, taps. */
function sizesOf(g: GraphEditor, x: string, dy: string, geo: Geometry) {
  const xs = g.shape(x);
  const ds = g.shape(dy);
  return {
    n: xs[0]!,
    c: xs[1]!,
    m: ds[1]!,
    sp: xs.slice(2),
    out: ds.slice(2),
    taps: product(geo.kernel),
  };
}

/** Windows of x: col [C·K, L_out·N] against dy as [M, L_out·N]. */
function gatherX(g: GraphEditor, x: string, dy: string, geo: Geometry): string {
  const { n, c, m, sp, out, taps } = sizesOf(g, x, dy, geo);
  const positions = product(out);
  // End padding only as far as some window reads (a floor division can leave the rest unread).
  const endPad = sp.map((d, i) =>
    Math.max(
      0,
      (geo.kernel[i]! - 1) * geo.dilations[i]! + 1 + (out[i]! - 1) * geo.strides[i]! - d - geo.pb[i]!,
    ),
  );
  const padded = sp.map((d, i) => d + geo.pb[i]! + endPad[i]!);
  let xt = batchLast(g, x);
  if (geo.pb.some((p) => p > 0) || endPad.some((p) => p > 0)) {
    xt = g.op1('Pad', [xt, g.ints([0, ...geo.pb, 0, 0, ...endPad, 0])]);
  }
  const identity = taps === 1 && geo.strides.every((s) => s === 1) && out.every((o, i) => o === padded[i]);
  let col: string;
  if (identity) col = reshape(g, xt, [c, positions * n]);
  else {
    const flat = reshape(g, xt, [c, product(padded), n]);
    const idx: number[] = [];
    const tapAt = offsets(geo.kernel, padded, (axis, v) => v * geo.dilations[axis]!);
    const posAt = offsets(out, padded, (axis, v) => v * geo.strides[axis]!);
    for (const t of tapAt) for (const p of posAt) idx.push(t + p);
    col = reshape(g, g.op1('Gather', [flat, g.ints(idx)], { axis: 1 }), [c * taps, positions * n]);
  }
  const dyt = reshape(g, batchLast(g, dy), [m, positions * n]);
  const prod = g.op1('Gemm', [dyt, col], { transB: 1 });
  return reshape(g, prod, [m, c, ...geo.kernel]);
}

/**
 * For each tap and each input position, the dy entry the tap carries it to (or a zero slot):
 * col [M·K, L_in·N] against x as [C, L_in·N]; the product [M·K, C] is put in weight order.
 */
function gatherDy(g: GraphEditor, x: string, dy: string, geo: Geometry): string {
  const { n, c, m, sp, out, taps } = sizesOf(g, x, dy, geo);
  const outN = product(out);
  const inN = product(sp);
  // dy [N, M, …] → [M, L_out + 1, N]: the extra row is the zero slot.
  const flat = reshape(g, batchLast(g, dy), [m, outN, n]);
  const withZero = g.op1('Pad', [flat, g.ints([0, 0, 0, 0, 1, 0])]);
  const idx: number[] = [];
  const inList = grid(sp);
  for (const t of grid(geo.kernel)) {
    for (const q of inList) {
      let flatOut = 0;
      for (let i = 0; i < q.length; i++) {
        const o = q[i]! + geo.pb[i]! - t[i]! * geo.dilations[i]!;
        const s = geo.strides[i]!;
        if (o < 0 || o % s !== 0 || o / s >= out[i]!) {
          flatOut = outN;
          break;
        }
        flatOut = flatOut * out[i]! + o / s;
      }
      idx.push(flatOut);
    }
  }
  const col = reshape(g, g.op1('Gather', [withZero, g.ints(idx)], { axis: 1 }), [m * taps, inN * n]);
  const xt = reshape(g, batchLast(g, x), [c, inN * n]);
  const prod = g.op1('Gemm', [col, xt], { transB: 1 });
  // [M·K, C] → [M, K, C] → [M, C, K]
  const mkc = reshape(g, prod, [m, taps, c]);
  const mck = taps === 1 || c === 1 ? mkc : g.op1('Transpose', [mkc], { perm: [0, 2, 1] });
  return reshape(g, mck, [m, c, ...geo.kernel]);
}

/** [N, C, …] → [C, …, N]: a Reshape where N is 1 (nothing moves), else a Transpose. */
function batchLast(g: GraphEditor, v: string): string {
  const s = g.shape(v);
  const rest = s.slice(1);
  if (s[0] === 1) return reshape(g, v, rest.concat(1));
  return g.op1('Transpose', [v], { perm: [...rest.map((_, i) => i + 1), 0] });
}

/** Every multi-index of `dims`, row-major. */
function grid(dims: readonly number[]): number[][] {
  let acc: number[][] = [[]];
  for (const size of dims) {
    const next: number[][] = [];
    for (const a of acc) for (let v = 0; v < size; v++) next.push([...a, v]);
    acc = next;
  }
  return acc;
}

/** For each multi-index of `dims` (row-major), its flat offset in `padded` with `step` per axis. */
function offsets(
  dims: readonly number[],
  padded: readonly number[],
  step: (axis: number, v: number) => number,
): number[] {
  const strideOf = padded.map((_, i) => product(padded.slice(i + 1)));
  return grid(dims).map((ix) => ix.reduce((sum, v, axis) => sum + step(axis, v) * strideOf[axis]!, 0));
}

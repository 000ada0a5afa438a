// The weight gradient of an ungrouped convolution as one matrix product: the input's windows are
// gathered (im2col) into a [C·K, L·N] matrix and multiplied by the output gradient as [M, L·N].
//
// Why not a Conv (convolution.ts's grouped form): as a Conv the "kernel" is the whole output
// gradient image and the output only the k×k taps, so onnxruntime's im2col + GEMM runs one skinny
// product per input channel with k·k columns. Gathering the windows ourselves makes one GEMM with
// C·K columns and the batch folded into the inner dimension. The windows come from one Gather
// along a flattened spatial axis, with the batch innermost, so every gathered element is a
// contiguous run of N floats; stride, dilation and padding are all in the constant indices.
import type { GraphEditor } from '../graph-editor.ts';
import { reshape } from '../rule.ts';
import type { Geometry } from './convolution.ts';

/**
 * Above this many gathered positions (taps × output positions) the index constant would weigh
 * more than it is worth (ResNet-18's 7×7 stem at 224² needs 615k); the grouped Conv form serves.
 */
const MAX_INDICES = 1 << 18;

/**
 * dW[m, c, k] = Σₙ,ᵢ x[n, c, i·s + k·d − p] · dy[n, m, i] for group 1, or undefined where the
 * index constant would be too large.
 */
export function weightGradGemm(
  g: GraphEditor,
  x: string,
  dy: string,
  geo: Geometry,
): string | undefined {
  const xs = g.shape(x);
  const ds = g.shape(dy);
  const n = xs[0]!;
  const c = xs[1]!;
  const m = ds[1]!;
  const sp = xs.slice(2);
  const out = ds.slice(2);
  const taps = geo.kernel.reduce((a, b) => a * b, 1);
  const positions = out.reduce((a, b) => a * b, 1);
  if (taps * positions > MAX_INDICES) return undefined;
  // End padding only as far as some window reads (a floor division can leave the rest unread).
  const endPad = sp.map((d, i) =>
    Math.max(
      0,
      (geo.kernel[i]! - 1) * geo.dilations[i]! + 1 + (out[i]! - 1) * geo.strides[i]! - d - geo.pb[i]!,
    ),
  );
  const padded = sp.map((d, i) => d + geo.pb[i]! + endPad[i]!);
  const identity =
    taps === 1 &&
    geo.strides.every((s) => s === 1) &&
    geo.pb.every((p) => p === 0) &&
    out.every((o, i) => o === sp[i]);
  // x [N, C, …] → [C, …, N]; padded spatially; flattened to [C, P, N].
  let xt = batchLast(g, x);
  if (geo.pb.some((p) => p > 0) || endPad.some((p) => p > 0)) {
    xt = g.op1('Pad', [xt, g.ints([0, ...geo.pb, 0, 0, ...endPad, 0])]);
  }
  let col: string;
  if (identity) col = reshape(g, xt, [c, positions * n]);
  else {
    const flat = reshape(g, xt, [c, padded.reduce((a, b) => a * b, 1), n]);
    const gathered = g.op1('Gather', [flat, g.ints(windowIndices(geo, out, padded))], { axis: 1 });
    col = reshape(g, gathered, [c * taps, positions * n]);
  }
  // dy [N, M, …] → [M, L·N] in the same (position, image) order as col's columns.
  const dyt = reshape(g, batchLast(g, dy), [m, positions * n]);
  const prod = g.op1('Gemm', [dyt, col], { transB: 1 });
  return reshape(g, prod, [m, c, ...geo.kernel]);
}

/** [N, C, …] → [C, …, N]: a Reshape where N is 1 (nothing moves), else a Transpose. */
function batchLast(g: GraphEditor, v: string): string {
  const s = g.shape(v);
  const rest = s.slice(1);
  if (s[0] === 1) return reshape(g, v, rest.concat(1));
  return g.op1('Transpose', [v], { perm: [...rest.map((_, i) => i + 1), 0] });
}

/**
 * For each tap (row-major over the kernel) and each output position (row-major), the flat index
 * into the padded input that the tap reads there.
 */
function windowIndices(geo: Geometry, out: readonly number[], padded: readonly number[]): number[] {
  const r = out.length;
  const strideOf: number[] = Array<number>(r).fill(1);
  for (let i = r - 2; i >= 0; i--) strideOf[i] = strideOf[i + 1]! * padded[i + 1]!;
  const offsets = (dims: readonly number[], step: (axis: number, v: number) => number): number[] => {
    let acc = [0];
    dims.forEach((size, axis) => {
      const next: number[] = [];
      for (const a of acc) for (let v = 0; v < size; v++) next.push(a + step(axis, v) * strideOf[axis]!);
      acc = next;
    });
    return acc;
  };
  const tapOffsets = offsets(geo.kernel, (axis, v) => v * geo.dilations[axis]!);
  const posOffsets = offsets(out, (axis, v) => v * geo.strides[axis]!);
  const idx: number[] = [];
  for (const t of tapOffsets) for (const p of posOffsets) idx.push(t + p);
  return idx;
}

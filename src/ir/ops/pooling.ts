// Pooling: MaxPool (with its optional Indices output, which the autodiff uses), AveragePool and
// the global pools, with ONNX opset-17 semantics.
import type { OpInferArgs, OpRow } from './op-row.ts';
import { fail, input, intAttr, intsAttr } from './op-row.ts';
import type { TensorType } from '../types.ts';
import { formatShape, numel } from '../types.ts';
import { autoPad, positive, spatialInput, spatialInts, spatialPads } from './convolution.ts';

/** Output spatial size of a pooling window sliding over one axis. */
export function poolOutSize(
  d: number,
  k: number,
  s: number,
  dil: number,
  padBegin: number,
  padEnd: number,
  ceil: boolean,
  op = 'pool',
): number {
  const kEff = (k - 1) * dil + 1;
  const span = d + padBegin + padEnd - kEff;
  if (span < 0) return 0;
  const out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // ONNX opset 17 (and its shape inference) takes the plain ceiling, while onnxruntime's kernel,
  // like PyTorch, drops a last window that would start in the end padding: the two disagree on
  // the size, so such a model cannot run. Layers pad explicitly instead of using ceil_mode.
  if (ceil && (out - 1) * s >= d + padBegin) {
    fail(
      `${op}: with ceil_mode the last window would start in the end padding (input ${d}, kernel ${k}, stride ${s}, pads ${padBegin}/${padEnd}); ONNX and onnxruntime disagree on its size — pad explicitly instead`,
    );
  }
  return out;
}

function poolInfer(a: OpInferArgs, op: string, withDilation: boolean): TensorType[] {
  const x = input(a, 0, op);
  const n = spatialInput(x, op);
  const kernel = intsAttr(a.attrs, 'kernel_shape') ?? fail(`${op}: kernel_shape is required`);
  if (kernel.length !== n) {
    fail(
      `${op}: kernel_shape ${formatShape(kernel)} has ${kernel.length} axes; the input has ${n} spatial axes`,
    );
  }
  positive(kernel, 'kernel_shape', op);
  const strides = spatialInts(a.attrs, 'strides', n, 1, op);
  positive(strides, 'strides', op);
  const dilations = withDilation ? spatialInts(a.attrs, 'dilations', n, 1, op) : Array<number>(n).fill(1);
  positive(dilations, 'dilations', op);
  const [pb, pe] = spatialPads(a.attrs, n, op);
  // onnxruntime refuses pads as large as the kernel: such a window could hold only padding.
  kernel.forEach((k, i) => {
    if (pb[i]! >= k || pe[i]! >= k) {
      fail(`${op}: pads ${pb[i]}/${pe[i]} on spatial axis ${i} must be smaller than the kernel ${k}`);
    }
  });
  const ceil = intAttr(a.attrs, 'ceil_mode', 0) === 1;
  const mode = autoPad(a.attrs, op);
  const spatial = x.shape.slice(2);
  const out = spatial.map((d, i) => {
    const s = strides[i]!;
    const kEff = (kernel[i]! - 1) * dilations[i]! + 1;
    // ONNX MaxPool-12 / AveragePool-11: SAME_* → ceil(input / stride);
    // VALID → ceil((input - kEff + 1) / stride).
    if (mode === 'SAME_UPPER' || mode === 'SAME_LOWER') return Math.ceil(d / s);
    if (mode === 'VALID') return Math.ceil((d - kEff + 1) / s);
    return poolOutSize(d, kernel[i]!, s, dilations[i]!, pb[i]!, pe[i]!, ceil, op);
  });
  out.forEach((d, i) => {
    if (d < 1) {
      fail(
        `${op}: spatial axis ${i} of ${formatShape(x.shape)} is smaller than the kernel ${formatShape(kernel)}`,
      );
    }
  });
  return [{ shape: [x.shape[0]!, x.shape[1]!, ...out], dtype: x.dtype }];
}

function windowFlops(a: OpInferArgs, out: readonly TensorType[]): number {
  const kernel = intsAttr(a.attrs, 'kernel_shape') ?? [];
  return numel(out[0]!.shape) * numel(kernel);
}

function globalPool(type: string): OpRow {
  return {
    type,
    attrs: {},
    infer: (a) => {
      const x = input(a, 0, type);
      spatialInput(x, type);
      return [{ shape: x.shape.map((d, i) => (i < 2 ? d : 1)), dtype: x.dtype }];
    },
    flops: (a) => numel(a.inputs[0]!.shape),
  };
}

export const poolingOps: readonly OpRow[] = [
  {
    // ONNX MaxPool-12: outputs Y and the optional Indices (int64, same shape), the flat index of
    // each maximum in the input tensor (row-major with storage_order 0).
    type: 'MaxPool',
    attrs: {
      auto_pad: 'string',
      ceil_mode: 'int',
      dilations: 'ints',
      kernel_shape: 'ints',
      pads: 'ints',
      storage_order: 'int',
      strides: 'ints',
    },
    infer: (a) => {
      const so = intAttr(a.attrs, 'storage_order', 0);
      if (so !== 0 && so !== 1) fail(`MaxPool: storage_order must be 0 or 1, not ${so}`);
      const [y] = poolInfer(a, 'MaxPool', true);
      return [y!, { shape: y!.shape, dtype: 'int64' }];
    },
    flops: windowFlops,
  },
  {
    // ONNX AveragePool-11 (the same through opset 18): no dilations before opset 19.
    type: 'AveragePool',
    attrs: {
      auto_pad: 'string',
      ceil_mode: 'int',
      count_include_pad: 'int',
      kernel_shape: 'ints',
      pads: 'ints',
      strides: 'ints',
    },
    infer: (a) => poolInfer(a, 'AveragePool', false),
    flops: windowFlops,
  },
  globalPool('GlobalAveragePool'),
  globalPool('GlobalMaxPool'),
];

// Normalization ops.
import type { OpRow } from './op-row.ts';
import { fail, input, intAttr, normAxis } from './op-row.ts';
import { formatShape, numel } from '../types.ts';

/** Checks that a per-channel input (scale, bias, mean, var) is a vector of C = shape[1]. */
function perChannel(
  op: string,
  x: readonly number[],
  t: { shape: readonly number[] } | undefined,
  what: string,
): void {
  if (!t) return;
  const c = x[1];
  if (t.shape.length !== 1 || t.shape[0] !== c) {
    fail(`${op}: ${what} ${formatShape(t.shape)} must be [${c}], one value per channel of ${formatShape(x)}`);
  }
}

export const normalizationOps: readonly OpRow[] = [
  {
    // ONNX LayerNormalization-17: normalizes over axes [axis, rank); Scale and B span those axes.
    type: 'LayerNormalization',
    attrs: { axis: 'int', epsilon: 'float', stash_type: 'int' },
    infer: (a) => {
      const x = input(a, 0, 'LayerNormalization');
      const axis = normAxis(intAttr(a.attrs, 'axis', -1), x.shape.length, 'LayerNormalization');
      const normShape = x.shape.slice(axis);
      for (const i of [1, 2]) {
        const t = a.inputs[i];
        if (t && numel(t.shape) !== numel(normShape)) {
          fail(
            `LayerNormalization: scale/bias ${formatShape(t.shape)} do not match ${formatShape(normShape)}`,
          );
        }
      }
      const stats = x.shape.map((d, i) => (i < axis ? d : 1));
      return [
        { shape: x.shape, dtype: x.dtype },
        { shape: stats, dtype: 'float32' },
        { shape: stats, dtype: 'float32' },
      ];
    },
    flops: (a) => 8 * numel(a.inputs[0]!.shape),
  },
  {
    // ONNX BatchNormalization-15, inference semantics (training_mode=0): inputs X, scale, B,
    // input_mean, input_var, all per channel (axis 1). Training-mode statistics are composed from
    // primitives by the layer so the autodiff can differentiate them.
    type: 'BatchNormalization',
    attrs: { epsilon: 'float', momentum: 'float', training_mode: 'int' },
    // input_mean and input_var: running statistics, not trained.
    stateInputs: [3, 4],
    infer: (a) => {
      const x = input(a, 0, 'BatchNormalization');
      if (x.shape.length < 2) fail(`BatchNormalization: input ${formatShape(x.shape)} has no channel axis`);
      if (intAttr(a.attrs, 'training_mode', 0) !== 0) {
        fail(
          'BatchNormalization: training_mode=1 is not used in the IR; lower batch statistics from primitives',
        );
      }
      const names = ['scale', 'bias', 'mean', 'variance'];
      for (let i = 1; i <= 4; i++) {
        input(a, i, 'BatchNormalization');
        perChannel('BatchNormalization', x.shape, a.inputs[i], names[i - 1]!);
      }
      return [{ shape: x.shape, dtype: x.dtype }];
    },
    flops: (a) => 2 * numel(a.inputs[0]!.shape),
  },
  {
    // ONNX InstanceNormalization-6: per sample and channel over the spatial axes; scale and B are [C].
    type: 'InstanceNormalization',
    attrs: { epsilon: 'float' },
    infer: (a) => {
      const x = input(a, 0, 'InstanceNormalization');
      if (x.shape.length < 3) {
        fail(`InstanceNormalization: input ${formatShape(x.shape)} needs [N, C, spatial...] (rank ≥ 3)`);
      }
      perChannel('InstanceNormalization', x.shape, input(a, 1, 'InstanceNormalization'), 'scale');
      perChannel('InstanceNormalization', x.shape, input(a, 2, 'InstanceNormalization'), 'bias');
      return [{ shape: x.shape, dtype: x.dtype }];
    },
    flops: (a) => 8 * numel(a.inputs[0]!.shape),
  },
  {
    // ONNX Dropout-13: inputs data, ratio (optional scalar float), training_mode (optional scalar
    // bool); outputs output and mask (bool, same shape). With training_mode false or absent the
    // output is the input and the mask all true.
    type: 'Dropout',
    attrs: { seed: 'int' },
    infer: (a) => {
      const x = input(a, 0, 'Dropout');
      const ratio = a.inputs[1];
      if (ratio && (ratio.dtype !== 'float32' || numel(ratio.shape) !== 1)) {
        fail('Dropout: ratio must be a float scalar');
      }
      const ratioConst = a.consts[1];
      if (ratioConst && ratioConst.data instanceof Float32Array) {
        const p = ratioConst.data[0]!;
        if (!(p >= 0 && p < 1)) fail(`Dropout: ratio ${p} must be in [0, 1)`);
      }
      const mode = a.inputs[2];
      if (mode && (mode.dtype !== 'bool' || numel(mode.shape) !== 1)) {
        fail('Dropout: training_mode must be a bool scalar');
      }
      return [
        { shape: x.shape, dtype: x.dtype },
        { shape: x.shape, dtype: 'bool' },
      ];
    },
    flops: (a) => 2 * numel(a.inputs[0]!.shape),
  },
];

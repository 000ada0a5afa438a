// The fused recurrent ops (ONNX RNN-14, GRU-14, LSTM-14), used by the inference export. Training
// lowers the same layers to unrolled primitives, so these rows need shape rules and costs only.
import type { OpInferArgs, OpRow } from './op-row.ts';
import { fail, input, intAttr, stringAttr } from './op-row.ts';
import type { TensorType } from '../types.ts';
import { formatShape } from '../types.ts';

/** Gates per cell: RNN 1, GRU 3, LSTM 4 (rows of W and R per direction are gates × hidden_size). */
function recurrentRow(type: 'RNN' | 'GRU' | 'LSTM', gates: number, outputs: number): OpRow {
  const infer = (a: OpInferArgs): TensorType[] => {
    const x = input(a, 0, type);
    const w = input(a, 1, type);
    const r = input(a, 2, type);
    const h = intAttr(a.attrs, 'hidden_size', 0);
    if (h <= 0) fail(`${type}: hidden_size must be given`);
    if (intAttr(a.attrs, 'layout', 0) !== 0) fail(`${type}: only layout 0 (sequence first) is used`);
    const dir = stringAttr(a.attrs, 'direction', 'forward');
    if (!['forward', 'reverse', 'bidirectional'].includes(dir)) fail(`${type}: unknown direction "${dir}"`);
    const d = dir === 'bidirectional' ? 2 : 1;
    if (x.shape.length !== 3) fail(`${type}: X must be [seq, batch, input]; got ${formatShape(x.shape)}`);
    const [l, n, f] = x.shape as [number, number, number];
    const want = (t: TensorType, shape: number[], what: string) => {
      if (t.shape.length !== shape.length || t.shape.some((v, i) => v !== shape[i])) {
        fail(`${type}: ${what} ${formatShape(t.shape)} must be ${formatShape(shape)}`);
      }
    };
    want(w, [d, gates * h, f], 'W');
    want(r, [d, gates * h, h], 'R');
    const b = a.inputs[3];
    if (b) want(b, [d, 2 * gates * h], 'B');
    const state: TensorType = { shape: [d, n, h], dtype: 'float32' };
    return [{ shape: [l, d, n, h], dtype: 'float32' }, state, ...(outputs === 3 ? [state] : [])];
  };
  return {
    type,
    attrs: {
      activation_alpha: 'floats',
      activation_beta: 'floats',
      activations: 'strings',
      clip: 'float',
      direction: 'string',
      hidden_size: 'int',
      layout: 'int',
      ...(type === 'GRU' ? { linear_before_reset: 'int' } : {}),
      ...(type === 'LSTM' ? { input_forget: 'int' } : {}),
    },
    infer,
    // Per step and direction: the input and recurrent matrix products (a multiply-add is 2).
    flops: (a) => {
      const [l, n, f] = input(a, 0, type).shape as [number, number, number];
      const w = input(a, 1, type).shape as [number, number, number];
      const h = w[1] / gates;
      return 2 * l * n * w[0] * gates * h * (f + h);
    },
  };
}

export const recurrentOps: readonly OpRow[] = [
  recurrentRow('RNN', 1, 2),
  recurrentRow('GRU', 3, 2),
  recurrentRow('LSTM', 4, 3),
];

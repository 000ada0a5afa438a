// Examples for the op rows in src/ir/ops/pooling.ts (run against onnxruntime by op-shapes.test.ts).
import type { OpExample } from '../op-examples.ts';

// Local helpers: op-examples.ts imports this file, so importing its helpers back would be circular.
const f = (...shape: number[]) => ({ shape });

export const poolingExamples: readonly OpExample[] = [
  {
    type: 'MaxPool',
    label: '2-D',
    inputs: [f(2, 3, 6, 7)],
    attrs: { kernel_shape: [2, 2], strides: [2, 2] },
  },
  {
    type: 'MaxPool',
    label: 'with Indices',
    inputs: [f(2, 3, 6, 7)],
    attrs: { kernel_shape: [3, 2], strides: [2, 1], pads: [1, 0, 1, 1] },
    outputs: 2,
  },
  {
    type: 'MaxPool',
    label: 'dilation',
    inputs: [f(1, 2, 9, 9)],
    attrs: { kernel_shape: [3, 3], dilations: [2, 3], strides: [1, 2] },
  },
  {
    type: 'MaxPool',
    label: 'ceil_mode, window kept',
    inputs: [f(1, 1, 7, 6)],
    attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 },
  },
  { type: 'MaxPool', label: '1-D', inputs: [f(2, 3, 9)], attrs: { kernel_shape: [3], strides: [2] } },
  {
    type: 'MaxPool',
    label: 'SAME_UPPER',
    inputs: [f(1, 2, 7, 7)],
    attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' },
  },
  {
    type: 'MaxPool',
    label: 'VALID',
    inputs: [f(1, 2, 8, 7)],
    attrs: { kernel_shape: [3, 2], strides: [2, 2], auto_pad: 'VALID' },
  },
  {
    type: 'AveragePool',
    label: '2-D, count_include_pad',
    inputs: [f(2, 3, 6, 7)],
    attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 },
  },
  {
    type: 'AveragePool',
    label: 'ceil_mode',
    inputs: [f(1, 2, 6, 8)],
    attrs: { kernel_shape: [2, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 },
  },
  { type: 'AveragePool', label: '1-D', inputs: [f(2, 3, 9)], attrs: { kernel_shape: [2], strides: [3] } },
  { type: 'AveragePool', label: '3-D', inputs: [f(1, 2, 4, 5, 6)], attrs: { kernel_shape: [2, 2, 3] } },
  { type: 'GlobalAveragePool', inputs: [f(2, 3, 4, 5)] },
  { type: 'GlobalAveragePool', label: '1-D', inputs: [f(2, 3, 7)] },
  { type: 'GlobalMaxPool', inputs: [f(2, 3, 4, 5)] },
  { type: 'GlobalMaxPool', label: '3-D', inputs: [f(1, 2, 3, 4, 5)] },
];

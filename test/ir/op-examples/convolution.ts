// Examples for the op rows in src/ir/ops/convolution.ts (run against onnxruntime by op-shapes.test.ts).
import type { OpExample } from '../op-examples.ts';

// Local helpers: op-examples.ts imports this file, so importing its helpers back would be circular.
const f = (...shape: number[]) => ({ shape });

export const convolutionExamples: readonly OpExample[] = [
  { type: 'Conv', label: '2-D, bias', inputs: [f(2, 3, 7, 6), f(4, 3, 3, 3), f(4)] },
  {
    type: 'Conv',
    label: '2-D, stride, asymmetric pads, dilation',
    inputs: [f(1, 2, 9, 8), f(5, 2, 3, 2)],
    attrs: { strides: [2, 3], pads: [1, 0, 2, 1], dilations: [2, 1] },
  },
  {
    type: 'Conv',
    label: '1-D, groups',
    inputs: [f(2, 4, 10), f(6, 2, 3), f(6)],
    attrs: { group: 2, strides: [2] },
  },
  {
    type: 'Conv',
    label: '3-D',
    inputs: [f(1, 2, 4, 5, 6), f(3, 2, 2, 3, 3)],
    attrs: { pads: [1, 1, 1, 1, 1, 1] },
  },
  {
    type: 'Conv',
    label: 'SAME_UPPER, stride 2',
    inputs: [f(1, 1, 7, 7), f(2, 1, 3, 3)],
    attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] },
  },
  { type: 'Conv', label: 'VALID', inputs: [f(1, 1, 7, 5), f(2, 1, 3, 2)], attrs: { auto_pad: 'VALID' } },
  { type: 'Conv', label: 'depthwise', inputs: [f(2, 3, 5, 5), f(6, 1, 3, 3)], attrs: { group: 3 } },
  { type: 'ConvTranspose', label: '2-D, bias', inputs: [f(2, 3, 4, 5), f(3, 2, 3, 3), f(2)] },
  {
    type: 'ConvTranspose',
    label: 'stride, pads, output_padding, dilation',
    inputs: [f(1, 4, 5, 4), f(4, 3, 3, 2)],
    attrs: { strides: [2, 3], pads: [1, 0, 1, 1], output_padding: [1, 2], dilations: [1, 2] },
  },
  {
    type: 'ConvTranspose',
    label: '1-D, groups',
    inputs: [f(2, 4, 6), f(4, 3, 4), f(6)],
    attrs: { group: 2, strides: [2], pads: [1, 1] },
  },
  {
    type: 'ConvTranspose',
    label: 'output_shape',
    inputs: [f(1, 2, 4, 4), f(2, 1, 3, 3)],
    attrs: { strides: [2, 2], output_shape: [8, 9] },
  },
  {
    type: 'ConvTranspose',
    label: 'SAME_UPPER',
    inputs: [f(1, 2, 3, 5), f(2, 2, 3, 3)],
    attrs: { strides: [2, 2], auto_pad: 'SAME_UPPER' },
  },
];

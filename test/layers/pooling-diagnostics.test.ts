// Pooling layers: diagnostics, summaries, and which ONNX ops each case lowers to (the numbers of
// every path are checked against PyTorch in test/fixtures/cases_pooling.py).
import { describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { hasErrors } from '../../src/compile/diagnostics.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { layerDef } from '../../src/layers/registry.ts';
import { chainDoc } from '../helpers/doc.ts';

function lower(input: number[], kind: string, params: Record<string, unknown> = {}) {
  return lowerDocument(chainDoc(input, [{ kind, params }]));
}

function diagnosticsOf(input: number[], kind: string, params: Record<string, unknown> = {}) {
  return lower(input, kind, params).diagnostics.filter((d) => d.node === 'n1');
}

function opsOf(input: number[], kind: string, params: Record<string, unknown> = {}) {
  const l = lower(input, kind, params);
  expect(hasErrors(l)).toBe(false);
  return l.graph.ops.filter((o) => o.node === 'n1');
}

function summary(kind: string, params: Record<string, unknown>): string {
  const def = layerDef(kind)!;
  return def.summary!(def.params.parse(params) as Record<string, unknown>);
}

describe('pooling diagnostics', () => {
  test('MaxPool2d on a flat input suggests the Reshape', () => {
    expect(diagnosticsOf([784], 'MaxPool2d')).toEqual([
      {
        severity: 'error',
        code: 'shape-mismatch',
        node: 'n1',
        port: 'x',
        message: 'MaxPool2d expects [N, C, H, W]; got [N, 784] — add Reshape to [N, 1, 28, 28]',
      },
    ]);
  });

  test('the 1-D pools point to the 2-D ones for images', () => {
    expect(diagnosticsOf([3, 8, 8], 'AvgPool1d')[0]!.message).toBe(
      'AvgPool1d expects [N, C, L]; got [N, 3, 8, 8] — use AvgPool2d, or add Reshape',
    );
  });

  test('padding over half the kernel is refused as PyTorch does', () => {
    const [d] = diagnosticsOf([2, 8, 8], 'MaxPool2d', { kernelSize: [3, 3], padding: [2, 1] });
    expect(d).toMatchObject({ field: 'padding', code: 'bad-param' });
    expect(d!.message).toBe(
      'MaxPool2d: padding 2×1 is more than half the 3×3 kernel; PyTorch allows at most 1×1',
    );
  });

  test('a window larger than the input names both sizes', () => {
    const [d] = diagnosticsOf([2, 3, 8], 'AvgPool2d', { kernelSize: [4, 4], stride: [1, 1] });
    expect(d).toMatchObject({ field: 'kernelSize' });
    expect(d!.message).toBe(
      'AvgPool2d: the 4×4 window does not fit the 3×8 input — use a smaller kernel, more padding, or a larger input',
    );
  });

  test('global pools need spatial axes', () => {
    const [d] = diagnosticsOf([64], 'GlobalAvgPool');
    expect(d).toMatchObject({ port: 'x', code: 'shape-mismatch' });
    expect(d!.message).toBe(
      'GlobalAvgPool expects [N, C, L], [N, C, H, W] or [N, C, D, H, W]; got [N, 64] — the input has no spatial axes left to pool; remove this layer',
    );
  });
});

describe('pooling shapes and lowering paths', () => {
  test("ceil mode follows PyTorch's sizes and lowers to floor mode with end padding", () => {
    const ops = opsOf([2, 5, 5], 'MaxPool2d', { kernelSize: [2, 2], padding: [1, 1], ceilMode: true });
    expect(ops.map((o) => o.type)).toEqual(['MaxPool']);
    // torch: ceil((5 + 2 − 2) / 2) + 1 = 4, but the 4th window would start in the padding → 3.
    expect(ops[0]!.attrs).toMatchObject({ pads: [1, 1, 1, 1] });
    expect(
      lower([2, 5, 5], 'MaxPool2d', { padding: [1, 1], ceilMode: true }).nodes.get('n1')!.outputs['y']!.shape,
    ).toEqual([1, 2, 3, 3]);
    const keep = opsOf([2, 7, 6], 'MaxPool2d', { kernelSize: [3, 3], ceilMode: true });
    expect(keep[0]!.attrs).toMatchObject({ pads: [0, 0, 0, 1] });
  });

  test('a dilated ceil-mode window past the kernel pads with −∞ first', () => {
    const l = lower([2, 6, 6], 'MaxPool2d', {
      kernelSize: [2, 2],
      stride: [3, 3],
      padding: [1, 1],
      dilation: [3, 3],
      ceilMode: true,
    });
    const ops = l.graph.ops.filter((o) => o.node === 'n1');
    expect(ops.map((o) => o.type)).toEqual(['Pad', 'MaxPool']);
    expect(l.graph.constants.get(ops[0]!.inputs[2]!)!.data).toEqual(Float32Array.from([-Infinity]));
    expect(ops[1]!.attrs['pads']).toBeUndefined();
  });

  test('average pooling: padding counted in ceil mode becomes a real zero Pad', () => {
    const counted = opsOf([2, 6, 8], 'AvgPool2d', {
      kernelSize: [3, 2],
      stride: [2, 3],
      padding: [1, 1],
      ceilMode: true,
    });
    expect(counted.map((o) => o.type)).toEqual(['Pad', 'AveragePool']);
    expect(counted[1]!.attrs).toMatchObject({ count_include_pad: 0 });
    const plain = opsOf([2, 7, 6], 'AvgPool2d', { kernelSize: [3, 3], padding: [1, 1] });
    expect(plain.map((o) => o.type)).toEqual(['AveragePool']);
    expect(plain[0]!.attrs).toMatchObject({ count_include_pad: 1, pads: [1, 1, 1, 1] });
  });

  test('global pools drop the spatial axes unless asked to keep them', () => {
    expect(lower([3, 4, 5], 'GlobalMaxPool').nodes.get('n1')!.outputs['y']!.shape).toEqual([1, 3]);
    expect(
      lower([3, 4, 5], 'GlobalAvgPool', { keepDims: true }).nodes.get('n1')!.outputs['y']!.shape,
    ).toEqual([1, 3, 1, 1]);
  });

  test('AdaptiveAvgPool2d: one AveragePool for even bins, slices for uneven ones', () => {
    const even = opsOf([2, 8, 6], 'AdaptiveAvgPool2d', { outputSize: [2, 3] });
    expect(even.map((o) => o.type)).toEqual(['AveragePool']);
    expect(even[0]!.attrs).toMatchObject({ kernel_shape: [4, 2], strides: [4, 2] });
    const uneven = opsOf([2, 5, 7], 'AdaptiveAvgPool2d', { outputSize: [3, 2] });
    expect(uneven.some((o) => o.type === 'AveragePool')).toBe(false);
    expect(uneven.filter((o) => o.type === 'Concat')).toHaveLength(2);
  });

  test('pool FLOPs: one per window element', () => {
    expect(lower([3, 8, 8], 'MaxPool2d').nodes.get('n1')!.flops).toBe(3 * 4 * 4 * 4);
  });
});

describe('pooling summaries', () => {
  test.each([
    ['MaxPool2d', {}, '2×2, s2'],
    ['MaxPool2d', { kernelSize: [3, 3], padding: [1, 1], ceilMode: true }, '3×3, s2, p1, ceil'],
    ['MaxPool1d', { kernelSize: [3], stride: [1], dilation: [2] }, '3, d2'],
    ['AvgPool2d', { kernelSize: [3, 3], padding: [1, 1], countIncludePad: false }, '3×3, s2, p1, excl. pad'],
    ['GlobalAvgPool', { keepDims: true }, 'keep dims'],
    ['AdaptiveAvgPool2d', { outputSize: [7, 7] }, '7×7'],
  ])('%s %j', (kind, params, expected) => {
    expect(summary(kind, params)).toBe(expected);
  });
});

test('the MaxPool row refuses a ceil_mode size that ONNX and onnxruntime disagree on', () => {
  const b = new GraphBuilder();
  b.node = 'op';
  const x = b.graphInput('x', { shape: [1, 1, 5, 5], dtype: 'float32' }, false);
  expect(() =>
    b.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }),
  ).toThrow(/last window would start in the end padding/);
  // Where they agree the row gives the ceiling.
  const [y] = b.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, 1);
  expect(b.type(y!).shape).toEqual([1, 1, 3, 3]);
});

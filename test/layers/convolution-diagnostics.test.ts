// Convolution layers: the diagnostics a user sees when a shape or parameter does not fit, the
// node-face summaries, and parameter/FLOP counts (against torch's numel and 2·MACs).
import { describe, expect, test } from 'vitest';
import { hasErrors } from '../../src/compile/diagnostics.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { layerDef } from '../../src/layers/registry.ts';
import { chainDoc } from '../helpers/doc.ts';

function diagnosticsOf(input: number[], kind: string, params: Record<string, unknown> = {}) {
  return lowerDocument(chainDoc(input, [{ kind, params }])).diagnostics.filter((d) => d.node === 'n1');
}

function summary(kind: string, params: Record<string, unknown>): string {
  const def = layerDef(kind)!;
  return def.summary!(def.params.parse(params) as Record<string, unknown>);
}

describe('convolution diagnostics name the shape and suggest a fix', () => {
  test('Conv2d on a flat [N, 784] suggests the Reshape to an image', () => {
    expect(diagnosticsOf([784], 'Conv2d')).toEqual([
      {
        severity: 'error',
        code: 'shape-mismatch',
        node: 'n1',
        port: 'x',
        message: 'Conv2d expects [N, C, H, W]; got [N, 784] — add Reshape to [N, 1, 28, 28]',
      },
    ]);
  });

  test('a flat input that is not a square image still says to reshape', () => {
    const [d] = diagnosticsOf([10], 'Conv2d');
    expect(d!.message).toBe('Conv2d expects [N, C, H, W]; got [N, 10] — add Reshape');
  });

  test('Conv1d on an image points to Conv2d', () => {
    const [d] = diagnosticsOf([3, 8, 8], 'Conv1d');
    expect(d).toMatchObject({ port: 'x', code: 'shape-mismatch' });
    expect(d!.message).toBe('Conv1d expects [N, C, L]; got [N, 3, 8, 8] — use Conv2d, or add Reshape');
  });

  test('Conv3d and ConvTranspose ranks', () => {
    expect(diagnosticsOf([3, 8, 8], 'Conv3d')[0]!.message).toBe(
      'Conv3d expects [N, C, D, H, W]; got [N, 3, 8, 8] — use Conv2d, or add Reshape',
    );
    expect(diagnosticsOf([3, 8], 'ConvTranspose2d')[0]!.message).toBe(
      'ConvTranspose2d expects [N, C, H, W]; got [N, 3, 8] — use ConvTranspose1d, or add Reshape',
    );
  });

  test('channels that groups does not divide, on the groups field', () => {
    const [d] = diagnosticsOf([3, 8, 8], 'Conv2d', { outChannels: 4, groups: 2 });
    expect(d).toMatchObject({ field: 'groups', code: 'bad-param' });
    expect(d!.message).toBe(
      "Conv2d: the input's 3 channels (axis 1 of [N, 3, 8, 8]) do not split into 2 groups — pick groups that divides 3",
    );
    const [o] = diagnosticsOf([4, 8, 8], 'Conv2d', { outChannels: 6, groups: 4 });
    expect(o).toMatchObject({ field: 'groups' });
    expect(o!.message).toBe('Conv2d: 6 output channels do not split into 4 groups');
  });

  test('a kernel larger than the input says both sizes', () => {
    const [d] = diagnosticsOf([1, 3, 4], 'Conv2d', { kernelSize: [5, 5] });
    expect(d).toMatchObject({ field: 'kernelSize' });
    expect(d!.message).toBe(
      'Conv2d: the 5×5 kernel does not fit the 3×4 input — use a smaller kernel, more padding, or a larger input',
    );
    const [dil] = diagnosticsOf([1, 4, 4], 'Conv2d', {
      kernelSize: [3, 3],
      dilation: [3, 3],
      padding: [1, 1],
    });
    expect(dil!.message).toBe(
      'Conv2d: the 3×3 kernel (spanning 7×7 with dilation) does not fit the 4×4 input (6×6 with padding) — use a smaller kernel, more padding, or a larger input',
    );
  });

  test("padding 'same' with a stride is refused as PyTorch does", () => {
    const [d] = diagnosticsOf([1, 8, 8], 'Conv2d', { paddingMode: 'same', stride: [2, 2] });
    expect(d).toMatchObject({ field: 'paddingMode' });
    expect(d!.message).toBe(
      "Conv2d: padding 'same' needs stride 1 (as in PyTorch); the stride is 2×2 — set the stride to 1 or use explicit padding",
    );
  });

  test('a tuple of the wrong length is a bad parameter on its field', () => {
    const [d] = diagnosticsOf([1, 8, 8], 'Conv2d', { kernelSize: [3] });
    expect(d).toMatchObject({ code: 'bad-param', field: 'kernelSize' });
  });

  test('ConvTranspose: output padding and padding that leave nothing', () => {
    const [d] = diagnosticsOf([2, 4, 4], 'ConvTranspose2d', { outputPadding: [2, 0] });
    expect(d).toMatchObject({ field: 'outputPadding' });
    expect(d!.message).toBe(
      'ConvTranspose2d: outputPadding 2×0 must be smaller than the stride 2×2 or the dilation 1×1 on each axis (as in PyTorch)',
    );
    const [p] = diagnosticsOf([2, 1], 'ConvTranspose1d', { kernelSize: [2], padding: [1] });
    expect(p).toMatchObject({ field: 'padding' });
    expect(p!.message).toBe(
      'ConvTranspose1d: padding 1 trims more than the 1 input grows to (output would be 0) — lower the padding',
    );
  });

  test('integer inputs are refused by name', () => {
    const l = lowerDocument(chainDoc([1, 4, 4], [{ kind: 'Conv2d' }], 'int64'));
    expect(l.diagnostics).toContainEqual(
      expect.objectContaining({ node: 'n1', message: "Conv2d expects float32 values on 'x'; got int64" }),
    );
  });
});

describe('convolution shapes, parameters and FLOPs', () => {
  test('Conv2d 3→16, 3×3, stride 2, padding 1 on 32×32', () => {
    const l = lowerDocument(
      chainDoc(
        [3, 32, 32],
        [
          {
            kind: 'Conv2d',
            params: { outChannels: 16, kernelSize: [3, 3], stride: [2, 2], padding: [1, 1] },
          },
        ],
      ),
    );
    expect(hasErrors(l)).toBe(false);
    const r = l.nodes.get('n1')!;
    expect(r.outputs['y']!.shape).toEqual([1, 16, 16, 16]);
    // torch.nn.Conv2d(3, 16, 3): sum of numel over parameters = 16·3·3·3 + 16.
    expect(r.params).toBe(448);
    // 2·MACs: each of 16·16·16 outputs is a 27-term dot product.
    expect(r.flops).toBe(2 * 16 * 16 * 16 * 27);
  });

  test('depthwise and separable parameter counts match torch', () => {
    const dw = lowerDocument(
      chainDoc([8, 10, 10], [{ kind: 'DepthwiseConv2d', params: { depthMultiplier: 2 } }]),
    );
    // torch.nn.Conv2d(8, 16, 3, groups=8): 16·1·3·3 + 16.
    expect(dw.nodes.get('n1')!.params).toBe(160);
    expect(dw.nodes.get('n1')!.outputs['y']!.shape).toEqual([1, 16, 8, 8]);
    const sep = lowerDocument(
      chainDoc([8, 10, 10], [{ kind: 'SeparableConv2d', params: { outChannels: 32, paddingMode: 'same' } }]),
    );
    // depthwise 8·1·3·3 (no bias) + pointwise 32·8·1·1 + 32.
    expect(sep.nodes.get('n1')!.params).toBe(72 + 256 + 32);
    expect(sep.nodes.get('n1')!.outputs['y']!.shape).toEqual([1, 32, 10, 10]);
  });

  test('ConvTranspose2d doubles the size with its defaults and keeps torch weight layout', () => {
    const l = lowerDocument(chainDoc([8, 5, 7], [{ kind: 'ConvTranspose2d', params: { outChannels: 4 } }]));
    expect(l.nodes.get('n1')!.outputs['y']!.shape).toEqual([1, 4, 10, 14]);
    const w = l.graph.weights.find((x) => x.name === 'weight')!;
    expect(w.shape).toEqual([8, 4, 2, 2]);
    // torch's fan_in for ConvTranspose is weight.size(1)·k = 4·2·2.
    expect(w.init).toEqual({ kind: 'uniform', bound: 1 / Math.sqrt(16) });
  });

  test('Conv2d init bound is 1/√fan_in, as torch', () => {
    const l = lowerDocument(chainDoc([4, 8, 8], [{ kind: 'Conv2d', params: { outChannels: 6, groups: 2 } }]));
    const bound = 1 / Math.sqrt(2 * 3 * 3);
    expect(l.graph.weights.map((w) => [w.name, w.shape, w.init])).toEqual([
      ['weight', [6, 2, 3, 3], { kind: 'uniform', bound }],
      ['bias', [6], { kind: 'uniform', bound }],
    ]);
  });

  test("'same' padding splits an even kernel with the extra on the end", () => {
    const l = lowerDocument(
      chainDoc([1, 6, 6], [{ kind: 'Conv2d', params: { kernelSize: [4, 2], paddingMode: 'same' } }]),
    );
    const conv = l.graph.ops.find((o) => o.type === 'Conv')!;
    expect(conv.attrs['pads']).toEqual([1, 0, 2, 1]);
    expect(l.nodes.get('n1')!.outputs['y']!.shape).toEqual([1, 16, 6, 6]);
  });
});

describe('convolution summaries', () => {
  test.each([
    ['Conv2d', { outChannels: 64, kernelSize: [3, 3], stride: [2, 2], padding: [1, 1] }, '64, 3×3, s2, p1'],
    ['Conv2d', { outChannels: 32, kernelSize: [5, 5] }, '32, 5×5'],
    [
      'Conv2d',
      { outChannels: 8, kernelSize: [3, 1], stride: [2, 1], paddingMode: 'same' },
      '8, 3×1, s2×1, same',
    ],
    [
      'Conv1d',
      { outChannels: 8, kernelSize: [5], dilation: [2], groups: 2, bias: false },
      '8, 5, d2, g2, no bias',
    ],
    ['DepthwiseConv2d', { depthMultiplier: 2 }, '×2, 3×3'],
    [
      'ConvTranspose2d',
      { outChannels: 3, kernelSize: [3, 3], padding: [1, 1], outputPadding: [1, 1] },
      '3, 3×3, s2, p1, op1',
    ],
  ])('%s %j', (kind, params, expected) => {
    expect(summary(kind, params)).toBe(expected);
  });
});

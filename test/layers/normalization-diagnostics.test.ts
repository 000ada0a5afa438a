// Normalization layers: rank and parameter misfits as diagnostics, parameter counts as torch
// counts them, and training graphs built only from differentiable primitives.
import { describe, expect, test } from 'vitest';
import { lowerDocument } from '../../src/compile/lower.ts';
import type { Diagnostic } from '../../src/util/errors.ts';
import { chainDoc } from '../helpers/doc.ts';

function errorOn(diagnostics: readonly Diagnostic[]): Diagnostic {
  const d = diagnostics.find((x) => x.node === 'n1' && x.severity === 'error');
  if (!d) throw new Error(`no error: ${JSON.stringify(diagnostics)}`);
  return d;
}

const one = (shape: number[], kind: string, params: Record<string, unknown> = {}, mode?: 'training') =>
  lowerDocument(chainDoc(shape, [{ kind, params }]), { mode: mode ?? 'inference', batch: 2 });

describe('normalization diagnostics', () => {
  test('BatchNorm2d on a matrix points to BatchNorm1d', () => {
    const d = errorOn(one([784], 'BatchNorm2d').diagnostics);
    expect(d).toMatchObject({ port: 'x', code: 'shape-mismatch' });
    expect(d.message).toBe(
      'BatchNorm2d expects [N, C, H, W]; got [N, 784] — use BatchNorm1d for [N, C] or [N, C, L]',
    );
  });

  test('BatchNorm1d on an image points to BatchNorm2d', () => {
    expect(errorOn(one([3, 8, 8], 'BatchNorm1d').diagnostics).message).toBe(
      'BatchNorm1d expects [N, C] or [N, C, L]; got [N, 3, 8, 8] — use BatchNorm2d for images',
    );
  });

  test('GroupNorm groups must divide the channels', () => {
    const d = errorOn(one([6, 4], 'GroupNorm', { numGroups: 4 }).diagnostics);
    expect(d.field).toBe('numGroups');
    expect(d.message).toMatch(/6 channels .* do not split into 4 equal groups; pick a divisor of 6/);
  });

  test('LayerNorm cannot reach the batch axis', () => {
    const d = errorOn(one([3, 4], 'LayerNorm', { normalizedShape: 3 }).diagnostics);
    expect(d.field).toBe('normalizedShape');
    expect(d.message).toMatch(/lower normalizedShape to 2/);
  });

  test('InstanceNorm wants a length or an image', () => {
    expect(errorOn(one([16], 'InstanceNorm').diagnostics).message).toMatch(
      /^InstanceNorm expects \[N, C, L\] or \[N, C, H, W\]; got \[N, 16\]/,
    );
  });

  test('bad parameters are placed on their field', () => {
    expect(errorOn(one([4], 'BatchNorm1d', { momentum: 2 }).diagnostics)).toMatchObject({
      code: 'bad-param',
      field: 'momentum',
    });
    expect(errorOn(one([4], 'GroupNorm', { numGroups: 0 }).diagnostics)).toMatchObject({
      code: 'bad-param',
      field: 'numGroups',
    });
  });
});

describe('parameter counts as torch counts them', () => {
  // torch: sum(p.numel() for p in m.parameters()); running statistics are buffers.
  const cases: [string, number[], Record<string, unknown>, number][] = [
    ['BatchNorm2d', [16, 4, 4], {}, 32],
    ['BatchNorm2d', [16, 4, 4], { affine: false }, 0],
    ['BatchNorm1d', [10], {}, 20],
    ['LayerNorm', [5, 8], {}, 16],
    ['LayerNorm', [5, 8], { normalizedShape: 2 }, 80],
    ['LayerNorm', [5, 8], { elementwiseAffine: false }, 0],
    ['GroupNorm', [6, 3], { numGroups: 3 }, 12],
    ['InstanceNorm', [6, 3], {}, 0],
    ['InstanceNorm', [6, 3], { affine: true }, 12],
  ];
  for (const [kind, shape, params, count] of cases) {
    test(`${kind} ${JSON.stringify(params)} on [N, ${shape.join(', ')}]: ${count}`, () => {
      const l = one(shape, kind, params);
      expect(l.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(l.nodes.get('n1')!.params).toBe(count);
      expect(l.nodes.get('n1')!.flops).toBeGreaterThan(0);
    });
  }
});

describe('training graphs use differentiable primitives', () => {
  for (const [kind, shape] of [
    ['BatchNorm2d', [3, 4, 4]],
    ['BatchNorm1d', [3, 5]],
    ['InstanceNorm', [3, 4, 4]],
    ['GroupNorm', [4, 5]],
  ] as const) {
    test(kind, () => {
      const l = one([...shape], kind, {}, 'training');
      expect(l.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const types = new Set(l.graph.ops.map((o) => o.type));
      expect(types.has('BatchNormalization')).toBe(false);
      expect(types.has('InstanceNormalization')).toBe(false);
      expect(types.has('ReduceMean')).toBe(true);
    });
  }
});

// Shape and merge layers: what the user is told when tensors do not fit, where it is placed, and
// that the shapes and parameter counts the editor shows are the ones expected.
import { describe, expect, test } from 'vitest';
import { lowerDocument } from '../../src/compile/lower.ts';
import type { Diagnostic } from '../../src/util/errors.ts';
import { chainDoc, doc, node } from '../helpers/doc.ts';

/** Two (or more) Inputs wired into x0, x1, … of one merge layer. */
function mergeDoc(kind: string, shapes: number[][], params: Record<string, unknown> = {}) {
  const inputs = shapes.map((s, i) => node(`in${i}`, 'Input', { shape: s }, `in${i}`));
  return doc(
    [...inputs, node('m', kind, params)],
    shapes.map((_, i) => [`in${i}:y`, `m:x${i}`] as [string, string]),
  );
}

function errorOn(nodeId: string, diagnostics: readonly Diagnostic[]): Diagnostic {
  const d = diagnostics.find((x) => x.node === nodeId && x.severity === 'error');
  if (!d) throw new Error(`no error on ${nodeId}: ${JSON.stringify(diagnostics)}`);
  return d;
}

describe('merge layers', () => {
  test('Add names both shapes and the dimension that does not broadcast', () => {
    const d = errorOn(
      'm',
      lowerDocument(
        mergeDoc('Add', [
          [64, 8, 8],
          [32, 8, 8],
        ]),
      ).diagnostics,
    );
    expect(d.port).toBe('x1');
    expect(d.message).toBe(
      'Add: x0 [N, 64, 8, 8] and x1 [N, 32, 8, 8] do not fit: dimension 1 is 64 vs 32 (sizes must be equal, or 1 to broadcast)',
    );
  });

  test('the third input of Multiply is checked against the first two combined', () => {
    const d = errorOn(
      'm',
      lowerDocument(
        mergeDoc(
          'Multiply',
          [
            [3, 1],
            [1, 4],
            [3, 5],
          ],
          { inputs: 3 },
        ),
      ).diagnostics,
    );
    expect(d.port).toBe('x2');
    expect(d.message).toMatch(/x0\.\.x1 .* and x2 \[N, 3, 5\] .*dimension 2 is 4 vs 5/);
  });

  test('broadcast shapes are inferred', () => {
    const l = lowerDocument(
      mergeDoc('Subtract', [
        [3, 1],
        [1, 4],
      ]),
    );
    expect(l.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    expect(l.nodes.get('m')!.outputs['y']!.shape).toEqual([1, 3, 4]);
  });

  test('ports follow the input count', () => {
    const l = lowerDocument(mergeDoc('Add', [[4], [4]], { inputs: 3 }));
    expect(l.diagnostics).toContainEqual(
      expect.objectContaining({ node: 'm', port: 'x2', code: 'unconnected-input' }),
    );
  });

  test('Concat names the dimension that differs off the concat axis', () => {
    const d = errorOn(
      'm',
      lowerDocument(
        mergeDoc('Concat', [
          [3, 4],
          [5, 6],
        ]),
      ).diagnostics,
    );
    expect(d.port).toBe('x1');
    expect(d.message).toBe(
      'Concat along axis 1: x0 [N, 3, 4] and x1 [N, 5, 6] differ in dimension 2 (4 vs 6); only axis 1 may differ',
    );
    const ok = lowerDocument(
      mergeDoc('Concat', [
        [3, 4],
        [5, 4],
      ]),
    );
    expect(ok.nodes.get('m')!.outputs['y']!.shape).toEqual([1, 8, 4]);
  });

  test('Concat refuses the batch axis', () => {
    const d = errorOn('m', lowerDocument(mergeDoc('Concat', [[3], [3]], { axis: 0 })).diagnostics);
    expect(d.field).toBe('axis');
    expect(d.message).toMatch(/batch axis/);
  });
});

describe('shape layers', () => {
  test('Reshape says why the sizes do not match', () => {
    const d = errorOn(
      'n1',
      lowerDocument(chainDoc([3, 5], [{ kind: 'Reshape', params: { shape: [4, -1] } }])).diagnostics,
    );
    expect(d.field).toBe('shape');
    expect(d.message).toBe(
      'Reshape: each sample of [N, 3, 5] has 15 values, which cannot be arranged as [N, 4, -1] (15 is not a multiple of 4)',
    );
  });

  test('Reshape params: two -1 and a 0 are refused on the field', () => {
    for (const shape of [
      [-1, -1],
      [0, 3],
    ]) {
      const d = errorOn(
        'n1',
        lowerDocument(chainDoc([9], [{ kind: 'Reshape', params: { shape } }])).diagnostics,
      );
      expect(d).toMatchObject({ code: 'bad-param', field: 'shape' });
    }
  });

  test('Reshape keeps the batch axis symbolic (0), never the build batch', () => {
    const l = lowerDocument(chainDoc([12], [{ kind: 'Reshape', params: { shape: [3, 4] } }]), { batch: 5 });
    const reshape = l.graph.ops.find((o) => o.type === 'Reshape')!;
    const target = l.graph.constants.get(reshape.inputs[1]!)!;
    expect(Array.from(target.data as BigInt64Array, Number)).toEqual([0, 3, 4]);
    expect(l.nodes.get('n1')!.outputs['y']!.shape).toEqual([5, 3, 4]);
  });

  test('Permute wants a permutation of the non-batch axes', () => {
    const d = errorOn(
      'n1',
      lowerDocument(chainDoc([3, 4, 5], [{ kind: 'Permute', params: { dims: [0, 1] } }])).diagnostics,
    );
    expect(d.field).toBe('dims');
    expect(d.message).toMatch(/all 3 non-batch axes of \[N, 3, 4, 5\]/);
  });

  test('Flatten start axis past the rank', () => {
    const d = errorOn(
      'n1',
      lowerDocument(chainDoc([3], [{ kind: 'Flatten', params: { startDim: 2 } }])).diagnostics,
    );
    expect(d.field).toBe('startDim');
  });

  test('Split sizes must add up to the axis', () => {
    const split = doc(
      [node('in', 'Input', { shape: [5, 2] }), node('n1', 'Split', { axis: 1, sizes: [2, 2] })],
      [['in:y', 'n1:x']],
    );
    const d = errorOn('n1', lowerDocument(split).diagnostics);
    expect(d.field).toBe('sizes');
    expect(d.message).toBe('Split: sizes (2, 2) add up to 4, but axis 1 of [N, 5, 2] has 5');
  });

  test('Split has one output port per size', () => {
    const d = doc(
      [
        node('in', 'Input', { shape: [6] }),
        node('s', 'Split', { sizes: [1, 2, 3] }),
        node('o', 'Output', {}, 'o'),
      ],
      [
        ['in:y', 's:x'],
        ['s:y2', 'o:x'],
      ],
    );
    const l = lowerDocument(d);
    expect(l.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    expect(l.nodes.get('s')!.outputs['y2']!.shape).toEqual([1, 3]);
  });

  test('an empty Slice is an error on the field', () => {
    const d = errorOn(
      'n1',
      lowerDocument(chainDoc([4], [{ kind: 'Slice', params: { axis: 1, start: 3, end: 2 } }])).diagnostics,
    );
    expect(d.field).toBe('end');
  });

  test('image layers name the shape they want and suggest the fix', () => {
    for (const kind of ['Upsample', 'ZeroPad2d']) {
      const d = errorOn('n1', lowerDocument(chainDoc([784], [{ kind }])).diagnostics);
      expect(d.message).toBe(`${kind} expects [N, C, H, W]; got [N, 784] — add Reshape`);
    }
  });

  test('Upsample and ZeroPad2d output shapes', () => {
    const l = lowerDocument(
      chainDoc(
        [3, 4, 5],
        [
          { kind: 'Upsample', params: { scaleFactor: [2, 3], mode: 'bilinear' } },
          { kind: 'ZeroPad2d', params: { padding: [1, 2, 3, 4] } },
        ],
      ),
    );
    expect(l.nodes.get('n1')!.outputs['y']!.shape).toEqual([1, 3, 8, 15]);
    expect(l.nodes.get('n2')!.outputs['y']!.shape).toEqual([1, 3, 15, 18]);
  });
});

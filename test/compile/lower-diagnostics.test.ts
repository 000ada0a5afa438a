import { describe, expect, test } from 'vitest';
import { hasErrors } from '../../src/compile/diagnostics.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { chainDoc, doc, node } from '../helpers/doc.ts';

describe('diagnostics point at the node, field or port', () => {
  test('a shape that does not fit says which dimension and suggests a fix', () => {
    const d = chainDoc([64, 7, 7], [{ kind: 'Dense', params: { units: 10 } }]);
    const l = lowerDocument(d);
    expect(l.diagnostics).toContainEqual(
      expect.objectContaining({
        node: 'n1',
        code: 'shape-mismatch',
        message: 'Dense expects rank 2 [N, F] (or [N, L, F] for sequences); got [N, 64, 7, 7] — add Flatten',
      }),
    );
  });

  test('an unconnected input names its port', () => {
    const d = doc(
      [node('in', 'Input', { shape: [3] }), node('b', 'Bilinear', { units: 2 })],
      [['in:y', 'b:x1']],
    );
    const l = lowerDocument(d);
    expect(l.diagnostics).toContainEqual(
      expect.objectContaining({ node: 'b', port: 'x2', code: 'unconnected-input' }),
    );
  });

  test('a bad parameter names the field', () => {
    const l = lowerDocument(chainDoc([4], [{ kind: 'Dense', params: { units: 0 } }]));
    const d = l.diagnostics.find((x) => x.code === 'bad-param');
    expect(d).toMatchObject({ node: 'n1', field: 'units' });
    expect(d!.message).toMatch(/^units: /);
  });

  test('a loop is reported on every node on it', () => {
    const d = doc(
      [node('a', 'ReLU'), node('b', 'ReLU')],
      [
        ['a:y', 'b:x'],
        ['b:y', 'a:x'],
      ],
    );
    const l = lowerDocument(d);
    expect(l.diagnostics.filter((x) => x.code === 'cycle').map((x) => x.node)).toEqual(['a', 'b']);
  });

  test('unknown kinds, ports and dangling wires are errors, not crashes', () => {
    const d = doc(
      [node('in', 'Input', { shape: [3] }), node('x', 'Frobnicate'), node('r', 'ReLU')],
      [
        ['in:y', 'x:x'],
        ['in:y', 'r:nope'],
        ['ghost:y', 'r:x'],
      ],
    );
    const codes = lowerDocument(d).diagnostics.map((x) => x.code);
    expect(codes).toEqual(expect.arrayContaining(['unknown-kind', 'unknown-port', 'dangling-edge']));
  });

  test('two wires into one input are refused', () => {
    const d = doc(
      [node('a', 'Input', { shape: [3] }), node('b', 'Input', { shape: [3] }), node('r', 'ReLU')],
      [
        ['a:y', 'r:x'],
        ['b:y', 'r:x'],
      ],
    );
    expect(lowerDocument(d).diagnostics).toContainEqual(
      expect.objectContaining({ node: 'r', code: 'multiple-wires' }),
    );
  });

  test('a failing node does not stop the rest from being inferred', () => {
    const d = doc(
      [
        node('in', 'Input', { shape: [8] }),
        node('bad', 'Dense', { units: -1 }),
        node('ok', 'Dense', { units: 4 }),
      ],
      [
        ['in:y', 'bad:x'],
        ['in:y', 'ok:x'],
      ],
    );
    const l = lowerDocument(d);
    expect(hasErrors(l)).toBe(true);
    expect(l.nodes.get('ok')!.outputs['y']!.shape).toEqual([1, 4]);
    expect(l.nodes.get('ok')!.params).toBe(36);
  });

  test('parameters and FLOPs per node and in total', () => {
    const l = lowerDocument(
      chainDoc(
        [784],
        [
          { kind: 'Dense', params: { units: 128 } },
          { kind: 'ReLU' },
          { kind: 'Dense', params: { units: 10 } },
        ],
      ),
    );
    expect(l.nodes.get('n1')!.params).toBe(784 * 128 + 128);
    // Gemm: 2·M·N·K for the product, as torch's profiler counts a multiply-add as two.
    expect(l.nodes.get('n1')!.flops).toBe(2 * 128 * 784);
    expect(l.totals.params).toBe(784 * 128 + 128 + 128 * 10 + 10);
    expect(l.totals.trainableParams).toBe(l.totals.params);
  });
});

import { describe, expect, test } from 'vitest';
import { hasErrors } from '../../src/compile/diagnostics.ts';
import { IncrementalLowering } from '../../src/compile/incremental.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { removeNodes, setParam } from '../../src/document/edits.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
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

describe('graphs a file can describe but no model can be (issue 10)', () => {
  test('a weight over 2 GiB is an error on the field that sized it, with nothing allocated', () => {
    const l = lowerDocument(chainDoc([100], [{ kind: 'Dense', params: { units: 30_000_000 } }]));
    expect(l.diagnostics).toContainEqual(
      expect.objectContaining({
        node: 'n1',
        field: 'units',
        code: 'too-large',
        severity: 'error',
        message: 'the weight "weight" [30000000, 100] would take 11.2 GiB; a weight may take at most 2 GiB',
      }),
    );
  });

  test('weights over 2 GiB together are an error on the graph', () => {
    const steps = Array.from({ length: 3 }, () => ({ kind: 'Dense', params: { units: 16_000 } }));
    const l = lowerDocument(chainDoc([16_000], steps));
    expect(l.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'too-large',
        severity: 'error',
        message: expect.stringMatching(/^The weights take 2\.9 GiB together/),
      }),
    );
  });

  test('a loop of group parents is a warning naming the groups', () => {
    const d = chainDoc([4], [{ kind: 'ReLU' }]);
    const l = lowerDocument({
      ...d,
      groups: [
        { id: 'a', name: 'Encoder', parent: 'c', collapsed: false },
        { id: 'b', name: 'Decoder', parent: 'a', collapsed: false },
        { id: 'c', name: 'Block', parent: 'b', collapsed: true },
        { id: 'd', name: 'Fine', parent: 'a', collapsed: false },
      ],
    });
    expect(l.diagnostics.filter((x) => x.code === 'group-cycle')).toEqual([
      {
        severity: 'warning',
        code: 'group-cycle',
        message:
          'Groups contain each other in a loop ("Encoder" → "Block" → "Decoder" → "Encoder"); move one of them out of the other',
      },
    ]);
  });

  test('two Inputs with one name, or an Input named like a weight, are errors on the name', () => {
    const d = doc(
      [
        node('a', 'Input', { shape: [3] }, 'x'),
        node('b', 'Input', { shape: [3] }, 'x'),
        node('fc', 'Dense', { units: 2 }),
        node('c', 'Input', { shape: [2] }, 'fc.weight'),
      ],
      [['a:y', 'fc:x']],
    );
    const l = lowerDocument(d);
    expect(l.diagnostics).toContainEqual(
      expect.objectContaining({
        node: 'b',
        field: 'name',
        message: expect.stringMatching(/already named "x"/),
      }),
    );
    expect(hasErrors(l)).toBe(true);
  });
});

describe('"no Output node" is said only when the graph has none', () => {
  // The VAE with its log σ² Dense at 16 units: z's inputs disagree, so nothing downstream (the
  // "reconstruction" Output included) gets a value; the problem is the shape, not a missing Output.
  const vae = loadTemplate('vae')!;
  const broken = setParam(vae, 'fc22', 'units', 16);

  test('the whole-document lowering and the editor’s agree', () => {
    for (const l of [lowerDocument(broken), new IncrementalLowering().update(broken)]) {
      const codes = l.diagnostics.map((x) => x.code);
      expect(codes).toContain('shape-mismatch');
      expect(codes).not.toContain('no-output');
    }
  });

  test('a graph without an Output node is still told so', () => {
    // The VAE without its Output and its losses (which make graph outputs of their own).
    const gone = new Set(['Output', 'BCE', 'GaussianKL', 'Add']);
    const bare = removeNodes(
      vae,
      vae.nodes.filter((n) => gone.has(n.kind)).map((n) => n.id),
    );
    expect(bare.nodes.length).toBeGreaterThan(0);
    for (const l of [lowerDocument(bare), new IncrementalLowering().update(bare)])
      expect(l.diagnostics.map((x) => x.code)).toContain('no-output');
  });
});

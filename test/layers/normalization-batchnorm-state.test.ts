// BatchNorm's running statistics in training mode: the graph's state updates, exported as extra
// outputs and run in onnxruntime, must equal torch's running_mean/running_var after one forward
// pass in train() (momentum rule, unbiased batch variance). Fixtures: cases_normalization.py.
import { describe, expect, test } from 'vitest';
import type { BuiltGraph } from '../../src/ir/builder.ts';
import type { Graph } from '../../src/ir/types.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { hasErrors } from '../../src/compile/diagnostics.ts';
import { materializeWeights } from '../../src/ir/weights.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { formatDiagnostics } from '../../src/compile/diagnostics.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import type { FixtureTensor, LayerCase } from '../helpers/fixtures.ts';
import { compareClose, loadLayerCases, toHost } from '../helpers/fixtures.ts';
import { chainDoc } from '../helpers/doc.ts';
import { checkOnnxModels } from '../helpers/onnx-checker.ts';

type StateCase = LayerCase & { readonly state: Readonly<Record<string, FixtureTensor>> };

const cases = (loadLayerCases().get('normalization') ?? []).filter(
  (c): c is StateCase => 'state' in c && c.mode === 'training',
);

/**
 * Test-only export: the state updates become graph outputs named `new.<weight name>`. They are
 * marked 'loss' (exported with includeLoss) only so the exporter leaves their [C] shape without
 * a symbolic batch axis.
 */
function withStateOutputs(g: BuiltGraph): Graph {
  const names = new Map(g.weights.map((w) => [w.id, w.name]));
  return {
    ...g,
    outputs: [
      ...g.outputs,
      ...g.stateUpdates.map((u) => ({
        value: u.value,
        name: `new.${names.get(u.weight)!}`,
        node: 'test',
        role: 'loss' as const,
      })),
    ],
  };
}

describe('BatchNorm running statistics vs torch', () => {
  test('the fixtures hold state cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });

  const exported = new Map<string, Uint8Array>();
  for (const c of cases) {
    test(`${c.kind}: ${c.name}`, async () => {
      const x = c.inputs['x']!;
      const lowered = lowerDocument(
        chainDoc(x.shape.slice(1), [{ kind: c.kind, params: c.params, id: 'bn' }]),
        {
          mode: 'training',
          batch: x.shape[0]!,
        },
      );
      if (hasErrors(lowered)) throw new Error(formatDiagnostics(lowered));
      const g = lowered.graph;
      expect(g.stateUpdates.map((u) => u.weight).sort()).toEqual(['bn.running_mean', 'bn.running_var']);
      // Running statistics are state, not parameters, as in torch.
      expect(g.weights.filter((w) => w.role === 'state').map((w) => w.name)).toEqual([
        'running_mean',
        'running_var',
      ]);
      const given = new Map(g.weights.map((w) => [w.id, Float32Array.from(c.weights[w.name]!.data)]));
      const bytes = exportOnnx(withStateOutputs(g), materializeWeights(g.weights, 0, given), {
        includeLoss: true,
      });
      exported.set(c.name, bytes);
      const out = await runOnnx(bytes, { input: toHost(x) });
      for (const [name, expected] of Object.entries(c.state)) {
        const got = out[`new.${name}`];
        expect(got, name).toBeDefined();
        expect([...got!.shape]).toEqual(expected.shape);
        const cmp = compareClose(got!.data as Float32Array, expected.data, 1e-5, 1e-4);
        expect(cmp.ok, `${name} ${cmp.worst}`).toBe(true);
      }
      // The torch output of the same pass, to be sure the statistics came from this batch.
      const y = c.outputs['y']!;
      const cmp = compareClose(out['output']!.data as Float32Array, y.data, 1e-4, 1e-4);
      expect(cmp.ok, cmp.worst).toBe(true);
    });
  }

  test('exported training graphs pass onnx.checker', () => {
    expect(exported.size).toBe(cases.length);
    expect(checkOnnxModels(exported)).toEqual({});
  });

  test('a batch of one is refused in training, with the reason', () => {
    const lowered = lowerDocument(chainDoc([4], [{ kind: 'BatchNorm1d', id: 'bn' }]), {
      mode: 'training',
      batch: 1,
    });
    const d = lowered.diagnostics.find((x) => x.node === 'bn');
    expect(d?.message).toMatch(/batch size of 2 or more/);
  });

  test('inference mode has no state updates', () => {
    const lowered = lowerDocument(chainDoc([3, 4, 4], [{ kind: 'BatchNorm2d', id: 'bn' }]), { batch: 1 });
    expect(lowered.graph.stateUpdates).toEqual([]);
    expect(lowered.nodes.get('bn')?.params).toBe(6);
  });
});

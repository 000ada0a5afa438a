// LayerDef.keepsBatch: a kind that declares it is lowered at two batch sizes and must give every
// output that batch on axis 0, with no errors; kinds whose parameters can spell the batch must
// not declare it, since the ONNX import then opens a model of such kinds without checking it.
import { describe, expect, test } from 'vitest';
import { formatDiagnostics, hasErrors } from '../../src/compile/diagnostics.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { AnyLayerDef, LowerMode } from '../../src/layers/layer-def.ts';
import { portsOf } from '../../src/layers/layer-def.ts';
import { layerCatalogue, layerDef } from '../../src/layers/registry.ts';
import { doc, node } from '../helpers/doc.ts';

/** Shapes of one sample tried in turn, so each kind meets an input its default parameters take. */
const sampleShapes = [[6], [3, 8, 8], [3, 8]];

/** One Input into every input port of a node of `def`'s kind (default parameters), an Output on each of its outputs. */
function around(def: AnyLayerDef, sample: readonly number[]): NetloomDocument {
  const params = def.params.parse({}) as Record<string, unknown>;
  const ins = portsOf(def.inputs, params);
  const outs = portsOf(def.outputs, params);
  const layer = node('layer', def.kind, def.kind === 'Input' ? { shape: [...sample] } : {}, 'layer');
  const source = ins.length ? [node('in', 'Input', { shape: [...sample] }, 'in')] : [];
  const sinks = outs.map((o) => node(`out_${o.name}`, 'Output', {}, `out_${o.name}`));
  return doc(
    [...source, layer, ...sinks],
    [
      ...ins.map((p) => ['in:y', `layer:${p.name}`] as [string, string]),
      ...outs.map((o) => [`layer:${o.name}`, `out_${o.name}:x`] as [string, string]),
    ],
  );
}

/** The document around `def` for the first sample shape it lowers without errors at batch 2. */
function fitting(def: AnyLayerDef): NetloomDocument {
  for (const s of sampleShapes) {
    const d = around(def, s);
    if (!hasErrors(lowerDocument(d, { batch: 2 }))) return d;
  }
  throw new Error(
    `${def.kind} declares keepsBatch but lowers with none of the sample shapes ${JSON.stringify(sampleShapes)}: add one it takes`,
  );
}

/** Axis 0 of every graph output. */
function outputBatches(d: NetloomDocument, batch: number, mode: LowerMode): (number | undefined)[] {
  const lowered = lowerDocument(d, { batch, mode });
  expect(hasErrors(lowered), `${formatDiagnostics(lowered)} at batch ${batch}, ${mode}`).toBe(false);
  expect(lowered.graph.outputs.length).toBeGreaterThan(0);
  return lowered.graph.outputs.map((o) => lowered.graph.values.get(o.value)?.shape[0]);
}

const declaring = layerCatalogue.filter((l) => l.keepsBatch);

describe('kinds that keep the batch', () => {
  test('some kinds declare it (the import relies on them)', () => {
    expect(declaring.length).toBeGreaterThan(0);
  });

  test.each(declaring.map((l) => [l.kind, l] as const))(
    '%s gives every output the batch it is lowered at',
    (_kind, def) => {
      const d = fitting(def);
      for (const mode of ['inference', 'training'] as const) {
        for (const batch of [2, 3]) {
          const got = outputBatches(d, batch, mode);
          expect(got, `${mode} at batch ${batch}`).toEqual(got.map(() => batch));
        }
      }
    },
  );

  // An ONNX op node is whatever the file had: a Reshape to a constant shape spells the batch the
  // model was exported at. Shown here first, so the check below is about a kind that truly fixes it.
  test('an ONNX op node can fix the batch, so OnnxOp does not declare it', () => {
    const spelled = doc(
      [
        node('in', 'Input', { shape: [3, 4] }, 'in'),
        node('reshape', 'OnnxOp', {
          op: 'Reshape',
          inputs: [
            { kind: 'port', name: 'x' },
            { kind: 'const', dtype: 'int64', shape: [2], data: [2, 12] },
          ],
        }),
        node('out', 'Output', {}, 'out'),
      ],
      [
        ['in:y', 'reshape:x'],
        ['reshape:y', 'out:x'],
      ],
    );
    const at2 = lowerDocument(spelled, { batch: 2 });
    expect(hasErrors(at2), formatDiagnostics(at2)).toBe(false);
    expect(at2.graph.values.get(at2.graph.outputs[0]!.value)?.shape).toEqual([2, 12]);
    const at3 = lowerDocument(spelled, { batch: 3 });
    const keeps =
      !hasErrors(at3) && at3.graph.outputs.every((o) => at3.graph.values.get(o.value)?.shape[0] === 3);
    expect(keeps).toBe(false);
    expect(layerDef('OnnxOp')?.keepsBatch).toBeUndefined();
  });

  // A Constant has no batch axis at all: its output's axis 0 is its own first dimension.
  test('a Constant has no batch, so it does not declare it', () => {
    const d = doc(
      [node('c', 'Constant', { shape: [5, 2] }), node('out', 'Output', {}, 'out')],
      [['c:y', 'out:x']],
    );
    expect(outputBatches(d, 3, 'inference')).toEqual([5]);
    expect(layerDef('Constant')?.keepsBatch).toBeUndefined();
  });
});

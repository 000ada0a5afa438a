// LayerDef.keepsBatch: a kind that declares it is lowered at two batch sizes and must give every
// output that batch on axis 0, with no errors; kinds whose parameters can spell the batch must
// not declare it, since the ONNX import then opens a model of such kinds without checking it.
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { formatDiagnostics, hasErrors } from '../../src/compile/diagnostics.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { AnyLayerDef, LowerMode } from '../../src/layers/layer-def.ts';
import { portsOf } from '../../src/layers/layer-def.ts';
import { layerCatalogue, layerDef } from '../../src/layers/registry.ts';
import { doc, node } from '../helpers/doc.ts';

/** Shapes of one sample tried in turn, so each kind meets an input its parameters take. */
const sampleShapes = [[6], [3, 8, 8], [3, 8]];

/** The part of a parameter's JSON Schema read here to pick values for it. */
interface ParamSchema {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly prefixItems?: readonly ParamSchema[];
}

/** The three smallest whole numbers a parameter allows: a stride of 1, 2, 3; an axis from 1. */
function smallInts(p: ParamSchema): number[] {
  const lo = p.minimum ?? 0;
  const hi = Math.min(p.maximum ?? lo + 2, lo + 2);
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

function valuesOf(p: ParamSchema): unknown[] {
  if (p.type === 'boolean') return [true, false];
  if (p.enum) return [...p.enum];
  if (p.type === 'integer') return smallInts(p);
  if (p.prefixItems) {
    // A tuple (kernel size, stride, padding): every element at the same small value.
    const each = p.prefixItems.map(smallInts);
    return [0, 1, 2].filter((i) => each.every((e) => e[i] !== undefined)).map((i) => each.map((e) => e[i]));
  }
  return [];
}

/**
 * The defaults, then one parameter at a time at other values its schema allows (booleans, choices,
 * small integers and tuples), so "no parameter can name the batch" is tried, not assumed.
 */
function paramSets(def: AnyLayerDef): Record<string, unknown>[] {
  const schema = z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, ParamSchema>;
  };
  const sets: Record<string, unknown>[] = [{}];
  for (const [name, p] of Object.entries(schema.properties ?? {})) {
    // Input's `batch` fixes the batch on purpose: the one exception LayerDef.keepsBatch names.
    if (def.kind === 'Input' && name === 'batch') continue;
    for (const v of valuesOf(p)) sets.push({ [name]: v });
  }
  return sets;
}

/** One Input into every input port of a node of `def`'s kind, an Output on each of its outputs. */
function around(
  def: AnyLayerDef,
  given: Record<string, unknown>,
  sample: readonly number[],
): NetloomDocument {
  const params = def.params.parse(given) as Record<string, unknown>;
  const ins = portsOf(def.inputs, params);
  const outs = portsOf(def.outputs, params);
  const layer = node(
    'layer',
    def.kind,
    def.kind === 'Input' ? { shape: [...sample], ...given } : given,
    'layer',
  );
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

/** The document around `def` with `params` for the first sample shape it lowers without errors at batch 2. */
function fitting(def: AnyLayerDef, params: Record<string, unknown>): NetloomDocument | undefined {
  for (const s of sampleShapes) {
    const d = around(def, params, s);
    if (!hasErrors(lowerDocument(d, { batch: 2 }))) return d;
  }
  return undefined;
}

/** Axis 0 of every graph output. */
function outputBatches(
  d: NetloomDocument,
  batch: number,
  mode: LowerMode,
  params: Record<string, unknown> = {},
): (number | undefined)[] {
  const lowered = lowerDocument(d, { batch, mode });
  const where = `${JSON.stringify(params)}, ${mode} at batch ${batch}`;
  expect(hasErrors(lowered), `${formatDiagnostics(lowered)} (${where})`).toBe(false);
  expect(lowered.graph.outputs.length).toBeGreaterThan(0);
  return lowered.graph.outputs.map((o) => lowered.graph.values.get(o.value)?.shape[0]);
}

const declaring = layerCatalogue.filter((l) => l.keepsBatch);

describe('kinds that keep the batch', () => {
  test('some kinds declare it (the import relies on them)', () => {
    expect(declaring.length).toBeGreaterThan(0);
  });

  test.each(declaring.map((l) => [l.kind, l] as const))(
    '%s gives every output the batch it is lowered at, whatever its parameters',
    (kind, def) => {
      const [defaults, ...others] = paramSets(def);
      if (!fitting(def, defaults!))
        throw new Error(`${kind} with its defaults lowers on none of the sample shapes: add one it takes`);
      let tried = 0;
      for (const params of [defaults!, ...others]) {
        // Parameters that do not fit any sample (a kernel larger than it) say nothing about the batch.
        const d = fitting(def, params);
        if (!d) continue;
        tried++;
        for (const mode of ['inference', 'training'] as const) {
          for (const batch of [2, 3]) {
            const got = outputBatches(d, batch, mode, params);
            expect(got, `${JSON.stringify(params)}, ${mode} at batch ${batch}`).toEqual(got.map(() => batch));
          }
        }
      }
      expect(tried).toBeGreaterThan(0);
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

  // The exception LayerDef.keepsBatch names, and why the import checks Input's params beside it.
  test('an Input with its batch set fixes that batch', () => {
    const d = doc(
      [node('in', 'Input', { shape: [4], batch: 5 }, 'in'), node('out', 'Output', {}, 'out')],
      [['in:y', 'out:x']],
    );
    expect(outputBatches(d, 3, 'inference')).toEqual([5]);
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

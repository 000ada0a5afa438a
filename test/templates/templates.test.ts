// Every template loads, lowers without errors, exports ONNX that passes onnx.checker and runs in
// onnxruntime; ResNet-18 and DCGAN match torch's reference architectures weight by weight.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { serializeDocument } from '../../src/document/parse.ts';
import { hasErrors } from '../../src/compile/diagnostics.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { numel } from '../../src/ir/types.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { decodeModel } from '../../src/onnx/proto.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import type { HostTensor } from '../../src/runtime/tensors.ts';
import { loadTemplate, templateNames, templates } from '../../src/templates/catalogue.ts';
import { templateSources } from '../../src/templates/build.ts';
import { checkOnnxModels } from '../helpers/onnx-checker.ts';
import { requirePython } from '../helpers/references.ts';

interface Reference {
  resnet18: Record<string, number[]>;
  resnet18Params: number;
  dcgan: {
    generator: number;
    discriminator: number;
    generatorShapes: number[][];
    discriminatorShapes: number[][];
  };
}

let cachedReference: Reference | undefined;

/** torch's architectures, asked for inside the tests that compare with them (once). */
function torchReference(): Reference {
  cachedReference ??= JSON.parse(
    execFileSync(
      requirePython(['torch', 'torchvision']),
      [join(import.meta.dirname, '../tools/reference_models.py')],
      {
        encoding: 'utf8',
      },
    ),
  ) as Reference;
  return cachedReference;
}
const exported = new Map<string, Uint8Array>();

test('templates/*.json are what scripts/build-templates.ts writes', () => {
  for (const t of templateSources) {
    const file = readFileSync(join(import.meta.dirname, `../../templates/${t.name}.json`), 'utf8');
    expect(file, `templates/${t.name}.json is stale: run npx tsx scripts/build-templates.ts`).toBe(
      serializeDocument(t.build()),
    );
  }
  expect(templates.map((t) => t.name)).toEqual(templateSources.map((t) => t.name));
});

describe.each(templateNames())('template %s', (name) => {
  test('lowers without errors, exports, and runs at batch 2', async () => {
    const doc = loadTemplate(name)!;
    const lowered = lowerDocument(doc);
    expect(lowered.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(hasErrors(lowered)).toBe(false);
    const { bytes, lowered: inf } = exportDocument(doc, { seed: 1 });
    exported.set(name, bytes);
    const feeds: Record<string, HostTensor> = {};
    const modelInputs = (decodeModel(bytes) as { graph: { input: { name: string }[] } }).graph.input.map(
      (i) => i.name,
    );
    for (const i of inf.graph.inputs.filter((x) => modelInputs.includes(x.name))) {
      const shape = [2, ...inf.graph.values.get(i.value)!.shape.slice(1)];
      // An int64 Input takes class indices (a conditional GAN's label), the rest numbers.
      feeds[i.name] =
        inf.graph.values.get(i.value)!.dtype === 'int64'
          ? {
              dtype: 'int64',
              shape,
              data: BigInt64Array.from({ length: numel(shape) }, (_, k) => BigInt(k % 10)),
            }
          : {
              dtype: 'float32',
              shape,
              data: Float32Array.from({ length: numel(shape) }, (_, k) => Math.sin(k)),
            };
    }
    const out = await runOnnx(bytes, feeds);
    for (const o of inf.graph.outputs.filter((x) => x.role === 'output')) {
      const got = out[o.name]!;
      expect(got.shape[0]).toBe(2);
      expect([...got.shape.slice(1)]).toEqual([...inf.graph.values.get(o.value)!.shape.slice(1)]);
      expect(Array.from(got.data as Float32Array).every(Number.isFinite)).toBe(true);
    }
  });
});

test('ResNet-18 has torchvision resnet18() weights: same names, same shapes, same count', () => {
  const reference = torchReference();
  const lowered = lowerDocument(loadTemplate('resnet18')!);
  const ours = Object.fromEntries(lowered.graph.weights.map((w) => [w.id, [...w.shape]]));
  expect(ours).toEqual(reference.resnet18);
  expect(lowered.totals.params).toBe(reference.resnet18Params);
  expect(reference.resnet18Params).toBe(11_689_512);
});

test('DCGAN generator and discriminator groups match the PyTorch example', () => {
  const reference = torchReference();
  const doc = loadTemplate('dcgan')!;
  const lowered = lowerDocument(doc);
  const groupOf = new Map(doc.nodes.map((n) => [n.id, n.group]));
  const count = (g: string) =>
    doc.nodes.filter((n) => n.group === g).reduce((s, n) => s + (lowered.nodes.get(n.id)?.params ?? 0), 0);
  expect(count('generator')).toBe(reference.dcgan.generator);
  expect(count('discriminator')).toBe(reference.dcgan.discriminator);
  const shapes = (g: string) =>
    lowered.graph.weights.filter((w) => groupOf.get(w.node) === g).map((w) => [...w.shape]);
  expect(shapes('generator')).toEqual(reference.dcgan.generatorShapes);
  expect(shapes('discriminator')).toEqual(reference.dcgan.discriminatorShapes);
  expect([reference.dcgan.generator, reference.dcgan.discriminator]).toEqual([3_576_704, 2_765_568]);
});

// Last in the file, after every template has exported its model.
test('every template exports ONNX that passes onnx.checker', () => {
  expect(exported.size).toBe(templateNames().length);
  expect(checkOnnxModels(exported)).toEqual({});
});

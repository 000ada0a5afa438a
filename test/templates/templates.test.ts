// Every template loads, lowers without errors, exports ONNX that passes onnx.checker and runs in
// onnxruntime (the ImageNet zoo at small inputs, VGG-16's and AlexNet's big Linear weights fed as
// inputs rather than stored: test/helpers/zoo-inputs.ts says why); the CNN zoo (ResNet-18/34/50, AlexNet, VGG-16, GoogLeNet, MobileNetV2) and DCGAN
// match torch's reference architectures weight by weight.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { serializeDocument } from '../../src/document/parse.ts';
import { hasErrors } from '../../src/compile/diagnostics.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { numel } from '../../src/ir/types.ts';
import { lowerOrThrow } from '../../src/compile/diagnostics.ts';
import { materializeWeights } from '../../src/ir/weights.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { decodeModel } from '../../src/onnx/proto.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import type { HostTensor } from '../../src/runtime/tensors.ts';
import { loadTemplate, templateNames, templates } from '../../src/templates/catalogue.ts';
import { templateSources } from '../../src/templates/build.ts';
import { checkOnnxModels } from '../helpers/onnx-checker.ts';
import { requirePython } from '../helpers/references.ts';
import { bigWeightsAsInputs, withInputSide, zooInputSides } from '../helpers/zoo-inputs.ts';

interface Reference {
  zoo: Record<string, { shapes: Record<string, number[]>; params: number }>;
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

/** Weights of a million numbers and more (the zoo's deepest layers and big Linears) are fed, not stored. */
const bigWeight = 1_000_000;

describe.each(templateNames())('template %s', (name) => {
  test('lowers without errors, exports, and runs at batch 2', async () => {
    const doc = loadTemplate(name)!;
    const lowered = lowerDocument(doc);
    expect(lowered.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(hasErrors(lowered)).toBe(false);
    // The zoo runs at a small input side (same layers, same weights); the rest as shipped.
    const side = zooInputSides[name];
    const inf = lowerOrThrow(side === undefined ? doc : withInputSide(doc, side), { mode: 'inference' });
    const graph = bigWeightsAsInputs(inf.graph, bigWeight);
    const bytes = exportOnnx(graph, materializeWeights(graph.weights, 1), {
      name: doc.name,
      docString: doc.description,
      metadata: { 'netloom.document': doc.name },
    });
    exported.set(name, bytes);
    const modelInputs = (decodeModel(bytes) as { graph: { input: { name: string }[] } }).graph.input.map(
      (i) => i.name,
    );
    const feeds: Record<string, HostTensor> = {};
    for (const i of graph.inputs.filter((x) => modelInputs.includes(x.value))) {
      const value = graph.values.get(i.value)!;
      const shape = i.batched ? [2, ...value.shape.slice(1)] : [...value.shape];
      // An int64 Input takes class indices (a conditional GAN's label); a fed weight is zeros
      // (the run checks the graph, not the values); the rest numbers.
      feeds[i.value] =
        value.dtype === 'int64'
          ? {
              dtype: 'int64',
              shape,
              data: BigInt64Array.from({ length: numel(shape) }, (_, k) => BigInt(k % 10)),
            }
          : {
              dtype: 'float32',
              shape,
              data: i.batched
                ? Float32Array.from({ length: numel(shape) }, (_, k) => Math.sin(k))
                : new Float32Array(numel(shape)),
            };
    }
    const out = await runOnnx(bytes, feeds);
    for (const o of graph.outputs.filter((x) => x.role === 'output')) {
      const got = out[o.name]!;
      expect(got.shape[0]).toBe(2);
      expect([...got.shape.slice(1)]).toEqual([...graph.values.get(o.value)!.shape.slice(1)]);
      expect(Array.from(got.data as Float32Array).every(Number.isFinite)).toBe(true);
    }
    if (side !== undefined) {
      // At 224×224 the template gives the 1000 ImageNet scores.
      const logits = lowered.graph.outputs.find((o) => o.role === 'output')!;
      expect(lowered.graph.values.get(logits.value)!.shape).toEqual([1, 1000]);
    }
  });
});

// torchvision's counts, as its documentation gives them (the reference must agree too).
const zooParams: Record<string, number> = {
  resnet18: 11_689_512,
  resnet34: 21_797_672,
  resnet50: 25_557_032,
  alexnet: 61_100_840,
  vgg16: 138_357_544,
  googlenet: 6_624_904,
  'mobilenet-v2': 3_504_872,
};

test.each(Object.keys(zooParams))(
  "%s has torchvision's weights: same names, same shapes, same count",
  (name) => {
    const reference = torchReference();
    const lowered = lowerDocument(loadTemplate(name)!);
    const ours = Object.fromEntries(lowered.graph.weights.map((w) => [w.id, [...w.shape]]));
    expect(ours).toEqual(reference.zoo[name]!.shapes);
    expect(lowered.totals.params).toBe(reference.zoo[name]!.params);
    expect(reference.zoo[name]!.params).toBe(zooParams[name]);
  },
);

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

// Sampling layers are random, so they are checked by their statistics (many samples) and by what
// an export looks like: RandomNormal becomes an input, Reparameterize returns μ unless asked.
import { expect, test } from 'vitest';
import { lowerDocument } from '../../src/compile/lower.ts';
import { materializeWeights } from '../../src/ir/weights.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { createSession, runOnnx, runSession } from '../../src/runtime/ort-session.ts';
import { floatTensor } from '../../src/runtime/tensors.ts';
import { doc, node } from '../helpers/doc.ts';

function stats(data: ArrayLike<number>) {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < data.length; i++) {
    s += data[i]!;
    s2 += data[i]! * data[i]!;
  }
  const mean = s / data.length;
  return { mean, std: Math.sqrt(s2 / data.length - mean * mean) };
}

const noiseDoc = (params: Record<string, unknown>) =>
  doc([node('z', 'RandomNormal', params, 'z'), node('out', 'Output', {}, 'sample')], [['z:y', 'out:x']]);

test('RandomNormal in a training graph draws N(mean, std²) afresh each run', async () => {
  const lowered = lowerDocument(noiseDoc({ shape: [5000], mean: 3, std: 0.5 }), {
    mode: 'training',
    batch: 2,
  });
  expect(lowered.diagnostics).toEqual([]);
  const bytes = exportOnnx(lowered.graph, new Map());
  // One session, as the trainer keeps: each run must draw new values.
  const session = await createSession(bytes);
  const a = (await runSession(session, {})).sample!;
  expect(a.shape).toEqual([2, 5000]);
  const s = stats(a.data as Float32Array);
  // 10,000 samples: the mean's standard error is 0.005, the std's about 0.0035.
  expect(Math.abs(s.mean - 3)).toBeLessThan(0.03);
  expect(Math.abs(s.std - 0.5)).toBeLessThan(0.02);
  const b = (await runSession(session, {})).sample!;
  await session.release();
  expect(Array.from(b.data as Float32Array).slice(0, 10)).not.toEqual(
    Array.from(a.data as Float32Array).slice(0, 10),
  );
});

test('an exported RandomNormal is an input named after the node, fed at any batch size', async () => {
  const d = doc(
    [
      node('noise', 'RandomNormal', { shape: [4] }, 'noise'),
      node('fc', 'Dense', { units: 3 }),
      node('out', 'Output', {}, 'y'),
    ],
    [
      ['noise:y', 'fc:x'],
      ['fc:y', 'out:x'],
    ],
  );
  const { bytes, lowered } = exportDocument(d);
  expect(lowered.graph.inputs.map((i) => i.name)).toEqual(['noise']);
  for (const n of [1, 3]) {
    const out = await runOnnx(bytes, { noise: floatTensor(new Float32Array(n * 4).fill(0.5), [n, 4]) });
    expect(out.y!.shape).toEqual([n, 3]);
  }
});

function reparamDoc(sampleAtInference: boolean) {
  return doc(
    [
      node('mu', 'Input', { shape: [4000] }, 'mu'),
      node('logvar', 'Input', { shape: [4000] }, 'logvar'),
      node('r', 'Reparameterize', { sampleAtInference }),
      node('out', 'Output', {}, 'z'),
    ],
    [
      ['mu:y', 'r:mu'],
      ['logvar:y', 'r:logvar'],
      ['r:z', 'out:x'],
    ],
  );
}

test('Reparameterize samples μ + σ·ε in training: mean μ, standard deviation exp(½·logσ²)', async () => {
  const lowered = lowerDocument(reparamDoc(false), { mode: 'training', batch: 2 });
  const bytes = exportOnnx(lowered.graph, materializeWeights(lowered.graph.weights, 0));
  const mu = floatTensor(new Float32Array(8000).fill(-1), [2, 4000]);
  const logvar = floatTensor(new Float32Array(8000).fill(Math.log(4)), [2, 4000]);
  const s = stats((await runOnnx(bytes, { mu, logvar })).z!.data as Float32Array);
  expect(Math.abs(s.mean + 1)).toBeLessThan(0.07);
  expect(Math.abs(s.std - 2)).toBeLessThan(0.07);
});

test('Reparameterize returns μ at inference unless sampleAtInference is set', async () => {
  const mu = floatTensor(
    Float32Array.from({ length: 4000 }, (_, i) => i / 100),
    [1, 4000],
  );
  const logvar = floatTensor(new Float32Array(4000).fill(0), [1, 4000]);
  const plainExport = exportDocument(reparamDoc(false));
  // z = μ does not read log σ², so the export has no such input.
  expect(plainExport.lowered.graph.inputs.map((i) => i.name)).toContain('logvar');
  const plain = await runOnnx(plainExport.bytes, { mu });
  expect(Array.from(plain.z!.data as Float32Array)).toEqual(Array.from(mu.data as Float32Array));
  const sampled = await runOnnx(exportDocument(reparamDoc(true)).bytes, { mu, logvar });
  const diff = Array.from(sampled.z!.data as Float32Array, (v, i) => v - (mu.data as Float32Array)[i]!);
  expect(Math.abs(stats(diff).std - 1)).toBeLessThan(0.06);
});

test('μ and log σ² of different shapes are refused on the logvar port', () => {
  const d = doc(
    [
      node('mu', 'Input', { shape: [8] }, 'mu'),
      node('logvar', 'Input', { shape: [6] }, 'logvar'),
      node('r', 'Reparameterize', {}),
    ],
    [
      ['mu:y', 'r:mu'],
      ['logvar:y', 'r:logvar'],
    ],
  );
  const e = lowerDocument(d).diagnostics.find((x) => x.node === 'r');
  expect(e?.port).toBe('logvar');
  expect(e?.message).toBe('Reparameterize needs μ and log σ² of the same shape; got [N, 8] and [N, 6]');
});

// One set of weights used in two places (a GAN's discriminator on real and generated images):
// the gradient is the sum over both uses, as in PyTorch when one module is called twice; wrong
// shares are diagnostics on the node's field; the GAN template trains in alternating steps.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import { train } from '../../src/runtime/train-loop.ts';
import type { EpochReport } from '../../src/runtime/worker-protocol.ts';
import type { WorkerEvent } from '../../src/runtime/worker-protocol.ts';
import { trainingWorker } from '../../src/runtime/train-worker.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { requirePython } from '../helpers/references.ts';
import { mnistNode } from './mnist-data.ts';

/** a, b → Dense "fa" and Dense "fb" (sharing fa's weights) → Add → MSE against a constant 1. */
function siamese(
  share: Record<string, unknown> = { sharesWeightsWith: 'fa' },
  kindB = 'Dense',
): NetloomDocument {
  const at = { x: 0, y: 0 };
  return {
    format: 'netloom',
    version: 1,
    name: 'siamese',
    description: '',
    groups: [],
    nodes: [
      { id: 'a', kind: 'Input', name: 'a', params: { shape: [3] }, position: at },
      { id: 'b', kind: 'Input', name: 'b', params: { shape: [3] }, position: at },
      { id: 'fa', kind: 'Dense', params: { units: 2 }, position: at },
      { id: 'fb', kind: kindB, params: { units: 2 }, position: at, ...share },
      { id: 'sum', kind: 'Add', params: { inputs: 2 }, position: at },
      { id: 'out', kind: 'Output', name: 'y', params: {}, position: at },
      { id: 'loss', kind: 'MSE', params: { constantTarget: 1 }, position: at },
    ],
    edges: [
      { id: 'e1', source: { node: 'a', port: 'y' }, target: { node: 'fa', port: 'x' } },
      { id: 'e2', source: { node: 'b', port: 'y' }, target: { node: 'fb', port: 'x' } },
      { id: 'e3', source: { node: 'fa', port: 'y' }, target: { node: 'sum', port: 'x0' } },
      { id: 'e4', source: { node: 'fb', port: 'y' }, target: { node: 'sum', port: 'x1' } },
      { id: 'e5', source: { node: 'sum', port: 'y' }, target: { node: 'out', port: 'x' } },
      { id: 'e6', source: { node: 'sum', port: 'y' }, target: { node: 'loss', port: 'x' } },
    ],
  };
}

describe('shared weights', () => {
  test('one SGD step matches torch calling one nn.Linear twice', async () => {
    const doc = siamese();
    const lowered = lowerDocument(doc);
    expect(lowered.graph.weights.map((w) => w.id)).toEqual(['fa.weight', 'fa.bias']);
    expect(lowered.nodes.get('fb')!.params).toBe(0);
    const setup = parseTrainingSetup({
      objectives: [{ loss: 'loss', optimizer: { name: 'sgd', lr: 0.1 } }],
      inputs: { features: 'a' },
    });
    const prepared = prepareDocumentTraining(doc, setup, { batchSize: 4, seed: 3 });
    // Every row of a is the same, so the loop's shuffling of the batch cannot change its pairing with b.
    const a = Float32Array.from({ length: 12 }, (_, i) => [0.5, -1, 2][i % 3]!);
    const b = Float32Array.from({ length: 12 }, (_, i) => Math.cos(2 * i));
    // "b" is the second data input: fed as noise would be, so give it fixed values through extraFeeds.
    const objectives = prepared.objectives.map((o) => ({
      ...o,
      extraFeeds: () => ({ b: { dtype: 'float32' as const, shape: [4, 3], data: b } }),
    }));
    const r = await train({
      ...prepared,
      objectives,
      train: {
        name: 'fixed',
        task: 'regression',
        featureShape: [3],
        targetShape: [],
        size: 4,
        x: a,
        y: new Float32Array(4),
      },
      batchSize: 4,
      steps: 1,
    });
    const w0 = prepared.initial.get('fa.weight')!;
    const b0 = prepared.initial.get('fa.bias')!;
    const torch = JSON.parse(
      execFileSync(requirePython(['torch']), [
        '-c',
        `
import json, sys, torch
w, bias, a, b = [torch.tensor(v, dtype=torch.float32) for v in json.loads(sys.argv[1])]
lin = torch.nn.Linear(3, 2)
with torch.no_grad():
    lin.weight.copy_(w.reshape(2, 3)); lin.bias.copy_(bias)
opt = torch.optim.SGD(lin.parameters(), lr=0.1)
y = lin(a.reshape(4, 3)) + lin(b.reshape(4, 3))
loss = torch.nn.functional.mse_loss(y, torch.ones_like(y))
loss.backward(); opt.step()
print(json.dumps({"w": lin.weight.detach().flatten().tolist(), "b": lin.bias.detach().tolist()}))
`,
        JSON.stringify([Array.from(w0), Array.from(b0), Array.from(a), Array.from(b)]),
      ]).toString(),
    ) as { w: number[]; b: number[] };
    const w1 = r.weights.get('fa.weight')!;
    const b1 = r.weights.get('fa.bias')!;
    torch.w.forEach((v, i) => expect(w1[i]).toBeCloseTo(v, 5));
    torch.b.forEach((v, i) => expect(b1[i]).toBeCloseTo(v, 5));
    // The step moved the weights: the comparison is not of two copies of the start.
    expect(Math.max(...torch.w.map((v, i) => Math.abs(v - w0[i]!)))).toBeGreaterThan(1e-3);
  });

  test('a share with a missing node, another kind or another shape is a diagnostic on the field', () => {
    const errorOf = (doc: NetloomDocument) =>
      lowerDocument(doc).diagnostics.find((d) => d.node === 'fb' && d.severity === 'error');
    expect(errorOf(siamese({ sharesWeightsWith: 'nope' }))).toMatchObject({
      field: 'sharesWeightsWith',
      message: 'shares weights with "nope", which is not a node of this graph',
    });
    expect(errorOf(siamese({ sharesWeightsWith: 'fa' }, 'ReLU'))?.message).toMatch(
      /weights can be shared only between layers of the same kind/,
    );
    const wider = siamese();
    wider.nodes.find((n) => n.id === 'fb')!.params = { units: 5 };
    expect(errorOf(wider)).toMatchObject({ field: 'sharesWeightsWith' });
    expect(errorOf(wider)?.message).toMatch(/whose weight is \[2, 3\]; this layer needs \[5, 3\]/);
  });
});

describe('the GAN template', () => {
  test('D and G steps alternate without NaN, D loss stays bounded, samples from fixed noise change', async () => {
    const doc = loadTemplate('gan-mnist')!;
    const setup = parseTrainingSetup(doc.training);
    expect(setup.objectives.map((o) => o.name)).toEqual(['discriminator', 'generator']);
    const prepared = prepareDocumentTraining(doc, setup, { batchSize: 64, seed: 1 });
    const d = prepared.objectives[0]!.params;
    const g = prepared.objectives[1]!.params;
    expect(d).toEqual(['D.fc1.weight', 'D.fc1.bias', 'D.fc2.weight', 'D.fc2.bias']);
    expect(g.every((id) => id.startsWith('G.'))).toBe(true);

    const data = { ...mnistNode(60, true), featureShape: [784] };
    const epochs: EpochReport[] = [];
    const r = await train({
      ...prepared,
      train: data,
      batchSize: 64,
      epochs: 3,
      seed: 1,
      onEpoch: (e) => epochs.push(e),
    });
    for (const e of epochs) {
      expect(Number.isFinite(e.losses['discriminator']!) && Number.isFinite(e.losses['generator']!)).toBe(
        true,
      );
      // ln 4 ≈ 1.39 is the balance of the two-term D loss; collapse or explosion leaves [0.05, 3].
      expect(e.losses['discriminator']).toBeGreaterThan(0.05);
      expect(e.losses['discriminator']).toBeLessThan(3);
    }
    const moved = (id: string) => r.weights.get(id)!.some((v, i) => v !== prepared.initial.get(id)![i]);
    expect([...d, ...g].every(moved)).toBe(true);

    const events: WorkerEvent[] = [];
    await new Promise<void>((resolve) =>
      trainingWorker((e) => {
        events.push(e);
        if (e.type === 'done' || e.type === 'error') resolve();
      })({
        type: 'start',
        document: doc,
        dataset: { kind: 'mnist', digits: Array.from({ length: 10 }, () => new Float32Array(784 * 20)) },
        epochs: 2,
        pictures: true,
      }),
    );
    expect(events.find((e) => e.type === 'error')).toBeUndefined();
    const pics = events.flatMap((e) => (e.type === 'picture' ? [e.picture] : []));
    expect(pics.map((p) => p.kind)).toEqual(['samples', 'samples']);
    const [p1, p2] = pics as Extract<(typeof pics)[number], { kind: 'samples' }>[];
    expect(p1!.images).toHaveLength(32 * 784);
    expect(p1!.images.some((v, i) => v !== p2!.images[i])).toBe(true);
  }, 120_000);
});

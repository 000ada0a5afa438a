// Training through recurrent layers: the unrolled lowering's SGD step matches torch's (so the
// gradients through every gate and time step match), and recurrent layers report clear shape errors.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import { train } from '../../src/runtime/train-loop.ts';
import { requirePython } from '../helpers/references.ts';
import { chainDoc } from '../helpers/doc.ts';

const N = 4;
const L = 5;
const F = 3;

/** x [N, L, F] → cell → Dense 2 → Output, cross-entropy against a label Input. */
function classifier(kind: string, params: Record<string, unknown>): NetloomDocument {
  const doc = chainDoc(
    [L, F],
    [
      { kind, params, id: 'rnn' },
      { kind: 'Dense', params: { units: 2 }, id: 'head' },
    ],
  );
  const at = { x: 0, y: 0 };
  doc.nodes.push(
    { id: 'label', kind: 'Input', name: 'label', params: { shape: [], dtype: 'int64' }, position: at },
    { id: 'loss', kind: 'CrossEntropy', params: {}, position: at },
  );
  doc.edges.push(
    { id: 'l1', source: { node: 'head', port: 'y' }, target: { node: 'loss', port: 'x' } },
    { id: 'l2', source: { node: 'label', port: 'y' }, target: { node: 'loss', port: 'target' } },
  );
  return doc;
}

const torchStep = `
import json, sys, torch
cfg = json.loads(sys.argv[1])
cls = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[cfg["kind"]]
m = cls(${F}, cfg["hidden"], batch_first=True, num_layers=cfg["layers"], bidirectional=cfg["bi"])
head = torch.nn.Linear(cfg["hidden"] * (2 if cfg["bi"] else 1), 2)
w = cfg["weights"]
with torch.no_grad():
    for k, v in m.named_parameters(): v.copy_(torch.tensor(w["rnn." + k]).reshape(v.shape))
    for k, v in head.named_parameters(): v.copy_(torch.tensor(w["head." + k]).reshape(v.shape))
x = torch.tensor(cfg["x"]).reshape(${N}, ${L}, ${F})
y = torch.tensor(cfg["y"], dtype=torch.int64)
params = list(m.parameters()) + list(head.parameters())
opt = torch.optim.SGD(params, lr=0.5)
seq, h = m(x)
if isinstance(h, tuple): h = h[0]
d = 2 if cfg["bi"] else 1
last = torch.cat([h[-d + i] for i in range(d)], dim=1)
loss = torch.nn.functional.cross_entropy(head(last), y)
loss.backward(); opt.step()
out = {"rnn." + k: v.detach().flatten().tolist() for k, v in m.named_parameters()}
out.update({"head." + k: v.detach().flatten().tolist() for k, v in head.named_parameters()})
print(json.dumps({"loss": loss.item(), "weights": out}))
`;

describe('recurrent layers in training', () => {
  test.each([
    ['LSTM', 1, false],
    ['GRU', 1, true],
    ['RNN', 2, false],
    ['LSTM', 2, true],
  ] as const)('%s (%i layers, bidirectional %s): one SGD step matches torch', async (kind, layers, bi) => {
    const hidden = 4;
    const doc = classifier(kind, {
      hiddenSize: hidden,
      numLayers: layers,
      bidirectional: bi,
      returnSequences: false,
    });
    const setup = parseTrainingSetup({ objectives: [{ loss: 'loss', optimizer: { name: 'sgd', lr: 0.5 } }] });
    const prepared = prepareDocumentTraining(doc, setup, { batchSize: N, seed: 7 });
    const x = Float32Array.from({ length: N * L * F }, (_, i) => Math.sin(0.7 * i + 0.3));
    const y = Float32Array.of(0, 1, 1, 0);
    // One batch holds the whole set: the loop's shuffle only permutes rows, and a mean loss (and
    // its gradient) is the same in every order.
    const r = await train({
      ...prepared,
      train: {
        name: 'fixed',
        task: 'classification',
        featureShape: [L, F],
        targetShape: [],
        size: N,
        x,
        y,
        classes: 2,
      },
      batchSize: N,
      steps: 1,
    });
    const start = Object.fromEntries([...prepared.initial].map(([k, v]) => [k, Array.from(v)]));
    const ref = JSON.parse(
      execFileSync(requirePython(['torch']), [
        '-c',
        torchStep,
        JSON.stringify({ kind, hidden, layers, bi, weights: start, x: Array.from(x), y: Array.from(y) }),
      ]).toString(),
    ) as { loss: number; weights: Record<string, number[]> };
    expect(r.epochs[0]!.loss).toBeCloseTo(ref.loss, 5);
    let worst = 0;
    let moved = 0;
    for (const [id, want] of Object.entries(ref.weights)) {
      const got = r.weights.get(id);
      expect(got, id).toBeDefined();
      want.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(got![i]! - v));
        moved = Math.max(moved, Math.abs(v - start[id]![i]!));
      });
    }
    expect(Object.keys(ref.weights).sort()).toEqual([...r.weights.keys()].sort());
    expect(worst).toBeLessThan(2e-5);
    expect(moved).toBeGreaterThan(1e-3);
  });

  test('shape errors name the expected layout and the fix', () => {
    const flat = chainDoc([12], [{ kind: 'LSTM', params: {}, id: 'rnn' }]);
    const d = lowerDocument(flat).diagnostics.find((x) => x.node === 'rnn');
    expect(d?.message).toBe(
      'LSTM expects [N, L, F] (batch first: examples, steps, features); got [N, 12] — add a Reshape to [N, L, F], or an Embedding for token ids',
    );
    expect(d?.port).toBe('x');
    const tokens = chainDoc([7], [{ kind: 'GRU', params: {}, id: 'rnn' }], 'int64');
    expect(lowerDocument(tokens).diagnostics.find((x) => x.node === 'rnn')?.message).toMatch(
      /GRU expects float features per step; got int64 token ids — add an Embedding first/,
    );
  });

  test('parameter counts and weight names are torch state_dict keys', () => {
    const doc = chainDoc(
      [L, F],
      [{ kind: 'LSTM', params: { hiddenSize: 8, numLayers: 2, bidirectional: true }, id: 'lstm' }],
    );
    const l = lowerDocument(doc);
    const names = l.graph.weights.map((w) => w.id.replace('lstm.', ''));
    const ref = JSON.parse(
      execFileSync(requirePython(['torch']), [
        '-c',
        `import json, torch; m = torch.nn.LSTM(${F}, 8, num_layers=2, bidirectional=True, batch_first=True)
print(json.dumps({"names": list(m.state_dict().keys()), "count": sum(p.numel() for p in m.parameters())}))`,
      ]).toString(),
    ) as { names: string[]; count: number };
    expect(names).toEqual(ref.names);
    expect(l.nodes.get('lstm')!.params).toBe(ref.count);
  });
});

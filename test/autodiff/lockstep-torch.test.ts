// 300 Adam steps of a tanh MLP, run as our step graph and as torch, from the same weights and
// batches: the two loss curves stay together (errors do not compound over a long run).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import { preparedStepRunner, prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import { batchOf } from '../../src/runtime/datasets/dataset.ts';
import { spirals } from '../../src/runtime/datasets/toy.ts';
import { chainDoc } from '../helpers/doc.ts';
import { requirePython } from '../helpers/references.ts';

test('300 Adam steps follow torch step for step', async () => {
  const doc = chainDoc(
    [2],
    [
      { kind: 'Dense', params: { units: 32 } },
      { kind: 'Tanh' },
      { kind: 'Dense', params: { units: 32 } },
      { kind: 'Tanh' },
      { kind: 'Dense', params: { units: 2 } },
    ],
  );
  const setup = parseTrainingSetup({
    objectives: [
      { loss: { kind: 'cross-entropy', output: 'output' }, optimizer: { name: 'adam', lr: 0.01 } },
    ],
  });
  const p = prepareDocumentTraining(doc, setup, { batchSize: 32, seed: 2 });
  const { store, runner } = await preparedStepRunner(p);
  const d = spirals({ n: 320, seed: 3 });
  const losses: number[] = [];
  for (let k = 0; k < 300; k++) {
    const start = (k * 32) % 320;
    const b = batchOf(
      d,
      Array.from({ length: 32 }, (_, i) => start + i),
    );
    losses.push((await runner.run({ input: b.x, target: b.y }, 0.01)).loss);
  }
  await runner.release();
  store.dispose();
  const dir = mkdtempSync(join(tmpdir(), 'netloom-lockstep-'));
  const file = join(dir, 'case.json');
  writeFileSync(
    file,
    JSON.stringify({
      init: Object.fromEntries([...p.initial].map(([k, v]) => [k, Array.from(v)])),
      x: Array.from(d.x),
      y: Array.from(d.y),
    }),
  );
  const script = `
import json, sys, torch
d = json.load(open(sys.argv[1]))
x = torch.tensor(d['x']).reshape(-1, 2); y = torch.tensor(d['y']).long()
I = {k: torch.tensor(v) for k, v in d['init'].items()}
m = torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.Tanh(), torch.nn.Linear(32, 32), torch.nn.Tanh(), torch.nn.Linear(32, 2))
with torch.no_grad():
    for i, n in [(0, 'n1'), (2, 'n3'), (4, 'n5')]:
        m[i].weight.copy_(I[n + '.weight'].reshape(m[i].weight.shape)); m[i].bias.copy_(I[n + '.bias'])
opt = torch.optim.Adam(m.parameters(), lr=0.01)
out = []
for k in range(300):
    s = (k * 32) % 320
    opt.zero_grad(); l = torch.nn.functional.cross_entropy(m(x[s:s + 32]), y[s:s + 32]); l.backward(); opt.step()
    out.append(float(l))
print(json.dumps(out))
`;
  const ref = JSON.parse(
    execFileSync(requirePython(['torch']), ['-c', script, file], { encoding: 'utf8' }),
  ) as number[];
  let worst = 0;
  ref.forEach((v, i) => (worst = Math.max(worst, Math.abs(losses[i]! - v) / Math.max(1, Math.abs(v)))));
  expect(worst).toBeLessThan(1e-3);
  expect(losses.at(-1)!).toBeLessThan(losses[0]!);
});

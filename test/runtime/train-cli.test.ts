// `netloom train` and `netloom step` called in-process, checked against onnx.checker and torch.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { trainCommand } from '../../src/cli/train.ts';
import { stepCommand } from '../../src/cli/step.ts';
import { serializeDocument } from '../../src/document/parse.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { writeNpy } from '../../src/runtime/npy.ts';
import { floatTensor, int64Tensor } from '../../src/runtime/tensors.ts';
import { runCommand } from '../helpers/cli-io.ts';
import { chainDoc } from '../helpers/doc.ts';
import { checkOnnxFiles } from '../helpers/onnx-checker.ts';
import { requirePython } from '../helpers/references.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-train-cli-'));

function run(cmd: Parameters<typeof runCommand>[0], ...argv: string[]) {
  return runCommand(cmd, dir, argv);
}

describe('netloom train', () => {
  test('--json prints one object per epoch and --out writes a valid model', async () => {
    const r = await run(
      trainCommand,
      'playground',
      '--dataset',
      'moons',
      '--epochs',
      '3',
      '--lr',
      '0.02',
      '--json',
      '--out',
      'moons.onnx',
    );
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(3);
    const rows = r.out.map((l) => JSON.parse(l) as Record<string, number>);
    rows.forEach((row, i) => {
      expect(Object.keys(row).sort()).toEqual(['epoch', 'loss', 'stepsPerSecond', 'valAccuracy', 'valLoss']);
      expect(row['epoch']).toBe(i + 1);
    });
    expect(rows[2]!['loss']).toBeLessThan(rows[0]!['loss']!);
    expect(rows[2]!['valAccuracy']).toBeGreaterThan(0.8);
    expect(checkOnnxFiles([join(dir, 'moons.onnx')])).toEqual({ [join(dir, 'moons.onnx')]: null });
  });

  test('human output: one line per epoch with a bar and metrics; --steps stops early', async () => {
    const r = await run(
      trainCommand,
      'playground',
      '--dataset',
      'xor',
      '--steps',
      '5',
      '--optimizer',
      'sgd',
      '--lr',
      '0.1',
    );
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(
      /^training Playground on xor: \d+ train \/ \d+ validation examples, batch 32, main: sgd lr 0\.1/,
    );
    expect(r.out[1]).toMatch(
      /^epoch 1 {2}loss \d\.\d{4} {2}acc [\d.]+% {2}val_loss \d\.\d{4} {2}val_acc [\d.]+% {2}\d+ steps\/s$/,
    );
  });

  test('a CSV dataset with a bad cell names its row and column', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'x1,x2,label\n0.1,0.2,a\n0.3,oops,b\n');
    await expect(run(trainCommand, 'playground', '--dataset', 'bad.csv', '--epochs', '1')).rejects.toThrow(
      'bad.csv: row 3, column "x2": "oops" is not a number',
    );
  });

  test('bad arguments are usage errors', async () => {
    await expect(run(trainCommand, 'playground', '--optimizer', 'lbfgs')).rejects.toThrow(
      /--optimizer must be one of sgd/,
    );
    await expect(run(trainCommand, 'playground', '--epochs', '2', '--steps', '3')).rejects.toThrow(
      /not both/,
    );
  });
});

describe('netloom step', () => {
  test('one SGD step on a project matches torch.optim.SGD', async () => {
    const doc = chainDoc(
      [4],
      [{ kind: 'Dense', params: { units: 5 } }, { kind: 'Tanh' }, { kind: 'Dense', params: { units: 3 } }],
    );
    writeFileSync(join(dir, 'mlp.json'), serializeDocument(doc));
    writeFileSync(join(dir, 'initial.onnx'), exportDocument(doc, { seed: 0 }).bytes);
    const x = Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.3));
    writeFileSync(join(dir, 'x.npy'), writeNpy(floatTensor(x, [6, 4])));
    writeFileSync(join(dir, 'y.npy'), writeNpy(int64Tensor([0, 2, 1, 1, 0, 2], [6])));
    const r = await run(
      stepCommand(),
      'mlp.json',
      '--input',
      'input=x.npy',
      '--target',
      'label=y.npy',
      '--loss',
      'cross-entropy',
      '--lr',
      '0.5',
      '-o',
      'updated.onnx',
    );
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(
      /^loss \d\.\d+ before the step; 4 parameters updated \(sgd, lr 0\.5\) → updated\.onnx$/,
    );
    const script = `
import sys, onnx, torch, numpy as np
from onnx import numpy_helper
d = sys.argv[1]
w0 = {t.name: torch.tensor(numpy_helper.to_array(t)) for t in onnx.load(d + '/initial.onnx').graph.initializer}
w1 = {t.name: numpy_helper.to_array(t) for t in onnx.load(d + '/updated.onnx').graph.initializer}
onnx.checker.check_model(onnx.load(d + '/updated.onnx'), full_check=True)
x = torch.tensor(np.load(d + '/x.npy')); y = torch.tensor(np.load(d + '/y.npy'))
p = {k: v.clone().requires_grad_(True) for k, v in w0.items() if k.endswith('weight') or k.endswith('bias')}
h = torch.tanh(x @ p['n1.weight'].T + p['n1.bias'])
loss = torch.nn.functional.cross_entropy(h @ p['n3.weight'].T + p['n3.bias'], y)
loss.backward()
worst = max(float(np.abs((p[k] - 0.5 * p[k].grad).detach().numpy() - w1[k]).max()) for k in p)
print(float(loss), worst)
`;
    const [torchLoss, worst] = execFileSync(requirePython(['numpy', 'onnx', 'torch']), ['-c', script, dir], {
      encoding: 'utf8',
    })
      .trim()
      .split(' ')
      .map(Number);
    expect(Number(/^loss (\S+)/.exec(r.out[0]!)![1])).toBeCloseTo(torchLoss!, 5);
    expect(worst).toBeLessThan(1e-6);
  });

  test('a target of the wrong shape is refused, naming the file', async () => {
    writeFileSync(join(dir, 'y2.npy'), writeNpy(floatTensor([0, 1, 2], [3])));
    await expect(
      run(
        stepCommand(),
        'mlp.json',
        '--input',
        'input=x.npy',
        '--target',
        'y=y2.npy',
        '--loss',
        'mse',
        '-o',
        'u.onnx',
      ),
    ).rejects.toThrow(/y2\.npy: mse on output "output" \[6, 3\] needs a float32 target \[6, 3\]/);
  });
});

describe('netloom step on a torch-exported ONNX model', () => {
  test('one SGD step matches torch, and the result is a valid model', async () => {
    const script = `
import sys, torch, numpy as np
d = sys.argv[1]
torch.manual_seed(0)
m = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
x = torch.randn(5, 4); y = torch.tensor([0, 2, 1, 1, 0])
torch.onnx.export(m, x, d + '/torch.onnx', input_names=['x'], output_names=['logits'], opset_version=17,
                  dynamic_axes={'x': {0: 'N'}, 'logits': {0: 'N'}})
np.save(d + '/tx.npy', x.numpy()); np.save(d + '/ty.npy', y.numpy())
opt = torch.optim.SGD(m.parameters(), lr=0.5)
loss = torch.nn.functional.cross_entropy(m(x), y); loss.backward(); opt.step()
torch.save({k: v for k, v in m.state_dict().items()}, d + '/after.pt')
print(float(loss))
`;
    const torchLoss = Number(
      execFileSync(requirePython(['numpy', 'torch']), ['-c', script, dir], { encoding: 'utf8' }).trim(),
    );
    const r = await run(
      stepCommand(),
      'torch.onnx',
      '--input',
      'x=tx.npy',
      '--target',
      'y=ty.npy',
      '--loss',
      'cross-entropy',
      '--lr',
      '0.5',
      '-o',
      'torch-updated.onnx',
    );
    expect(r.code).toBe(0);
    expect(Number(/^loss (\S+)/.exec(r.out[0]!)![1])).toBeCloseTo(torchLoss, 5);
    const check = `
import sys, onnx, torch, numpy as np
from onnx import numpy_helper
d = sys.argv[1]
model = onnx.load(d + '/torch-updated.onnx'); onnx.checker.check_model(model, full_check=True)
got = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
want = torch.load(d + '/after.pt')
print(max(float(np.abs(got[k] - v.numpy()).max()) for k, v in want.items()))
`;
    expect(
      Number(
        execFileSync(requirePython(['numpy', 'onnx', 'torch']), ['-c', check, dir], {
          encoding: 'utf8',
        }).trim(),
      ),
    ).toBeLessThan(1e-6);
  });
});

describe('netloom step refuses what it cannot differentiate', () => {
  test('an op outside the IR is named with its node', async () => {
    const script = `
import sys, torch, numpy as np
d = sys.argv[1]
class M(torch.nn.Module):
    def __init__(self): super().__init__(); self.l = torch.nn.Linear(4, 3)
    def forward(self, x): return torch.round(self.l(x))
x = torch.randn(2, 4)
torch.onnx.export(M(), x, d + '/round.onnx', input_names=['x'], output_names=['y'], opset_version=17)
np.save(d + '/rx.npy', x.numpy()); np.save(d + '/ry.npy', np.zeros((2, 3), np.float32))
`;
    execFileSync(requirePython(['numpy', 'torch']), ['-c', script, dir]);
    await expect(
      run(
        stepCommand(),
        'round.onnx',
        '--input',
        'x=rx.npy',
        '--target',
        'y=ry.npy',
        '--loss',
        'mse',
        '-o',
        'r2.onnx',
      ),
    ).rejects.toThrow("round.onnx: Netloom cannot run this op: Round (1 node: '/Round')");
  });
});

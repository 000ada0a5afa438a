// ResNet-20 (He et al. §4.2, 32×32 RGB) training steps at batch 64, SGD + cross-entropy: Netloom's
// one-graph step in onnxruntime-web WASM (Node) next to the same network in PyTorch CPU (option-A
// shortcuts written out as in the paper), both measured in this run. The machines this runs on are
// often shared, so the two take turns in blocks and the best time is shown beside the median.
import { cpus } from 'node:os';
import { parseTrainingSetup } from '../src/autodiff/training-schema.ts';
import { preparedStepRunner, prepareDocumentTraining } from '../src/runtime/document-training.ts';
import type { HostTensor } from '../src/runtime/tensors.ts';
import { loadTemplate } from '../src/templates/catalogue.ts';
import { median, table, timesMs, torchPeer } from './stats.ts';

const batch = 64;
const blocks = 3;
const perBlock = 5;

const torchScript = (threads: number, warmup: number): string => `
import json, time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(${threads}); torch.manual_seed(0)
class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__(); s = 1 if cin == cout else 2
        self.conv1 = nn.Conv2d(cin, cout, 3, s, 1, bias=False); self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); self.bn2 = nn.BatchNorm2d(cout)
        self.pad = (cout - cin) // 2
    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        sc = x if self.pad == 0 else F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))
        return F.relu(y + sc)
layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
cin = 16
for w in (16, 32, 64):
    for j in range(3): layers.append(Block(cin, w)); cin = w
m = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
assert sum(p.numel() for p in m.parameters()) == 269722
opt = torch.optim.SGD(m.parameters(), lr=0.01)
x = torch.rand(${batch}, 3, 32, 32); y = torch.randint(0, 10, (${batch},))
ts = []
for i in range(${warmup + perBlock}):
    t = time.perf_counter()
    opt.zero_grad(); F.cross_entropy(m(x), y).backward(); opt.step()
    ts.append((time.perf_counter() - t) * 1000)
print(json.dumps(ts[${warmup}:]))
`;

export async function run(): Promise<void> {
  const threads = Math.min(2, cpus().length);
  const doc = loadTemplate('resnet20')!;
  const setup = parseTrainingSetup({
    objectives: [{ loss: 'loss', optimizer: { name: 'sgd', lr: 0.01 } }],
  });
  const ortThreads = Number(process.env['NETLOOM_ORT_THREADS'] ?? threads);
  const p = prepareDocumentTraining(doc, setup, { batchSize: batch });
  const { store, runner } = await preparedStepRunner(p, { threads: ortThreads });
  const feeds: Record<string, HostTensor> = {
    image: {
      dtype: 'float32',
      shape: [batch, 3, 32, 32],
      data: Float32Array.from({ length: batch * 3 * 1024 }, (_, k) => Math.sin(k) ** 2),
    },
    label: {
      dtype: 'int64',
      shape: [batch],
      data: BigInt64Array.from({ length: batch }, (_, k) => BigInt(k % 10)),
    },
  };
  const ours: number[] = [];
  const theirs: number[] = [];
  let hasTorch = true;
  try {
    for (let b = 0; b < blocks; b++) {
      const out = hasTorch ? torchPeer(torchScript(threads, b === 0 ? 2 : 1)) : undefined;
      if (out) theirs.push(...(JSON.parse(out) as number[]));
      else hasTorch = false;
      ours.push(...(await timesMs(() => runner.run(feeds, 0.01), perBlock, b === 0 ? 2 : 0)));
    }
  } finally {
    await runner.release();
    store.dispose();
  }
  const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : '–');
  const tMed = hasTorch ? median(theirs) : undefined;
  const tMin = hasTorch ? Math.min(...theirs) : undefined;
  table([
    [
      `ResNet-20 training step, batch ${batch}, 3×32×32, SGD + cross-entropy, ${blocks * perBlock} steps each`,
      'median ms',
      'best ms',
      'vs PyTorch (median)',
      '(best)',
    ],
    [
      `Netloom: one ONNX step graph, onnxruntime-web WASM, ${ortThreads} threads`,
      median(ours).toFixed(0),
      Math.min(...ours).toFixed(0),
      ratio(median(ours), tMed),
      ratio(Math.min(...ours), tMin),
    ],
    [
      `PyTorch CPU (python3-torch 1.13, ${threads} threads)`,
      tMed ? tMed.toFixed(0) : 'skipped (no torch)',
      tMin ? tMin.toFixed(0) : '',
      tMed ? '1.00×' : '',
      tMin ? '1.00×' : '',
    ],
  ]);
}

// The editor's work per edit on a 500-layer graph: apply the edit to the document, infer the shapes
// and diagnostics it changes (the incremental lowering the editor keeps), update the canvas's nodes
// and wires (the flow model, which remakes only what changed). The budget is one 60 Hz frame
// (16.7 ms). Beside it, inference of the whole graph (lowerDocument), which the editor did on every
// edit before. The peer is what a PyTorch user runs to see the same shapes: a forward pass of the
// same network on meta tensors (no data, shapes only), in the same run. A drag moves a node: it
// changes nothing lowering reads, so it lowers nothing.
import { IncrementalLowering } from '../src/compile/incremental.ts';
import { lowerDocument } from '../src/compile/lower.ts';
import { moveNodes, setParam } from '../src/document/edits.ts';
import { FlowModel } from '../renderer/lib/flow-model.ts';
import { autoLayout } from '../renderer/lib/layout.ts';
import { generatedGraph } from './compile.bench.ts';
import { median, table, timesMs, torchPeer } from './stats.ts';

const frameMs = 1000 / 60;

/** The same blocks as generatedGraph: Conv(16→16, 3×3, pad 1, no bias) → BN → ReLU → Add(skip). */
function torchMetaForwardMs(layers: number): number | undefined {
  const out = torchPeer(`
import time, torch, torch.nn as nn
torch.set_num_threads(1)
layers = ${layers}
mods = []
for k in range(layers):
    r = k % 4
    mods.append(nn.Conv2d(16, 16, 3, padding=1, bias=False) if r == 0 else nn.BatchNorm2d(16) if r == 1 else nn.ReLU() if r == 2 else None)
net = nn.ModuleList([m for m in mods if m is not None]).to('meta')
def forward(x):
    skip = x
    it = iter(net)
    for k in range(layers):
        r = k % 4
        if r == 3:
            x = x + skip
            skip = x
        else:
            x = next(it)(x)
    return x
x = torch.empty(1, 16, 32, 32, device='meta')
net.eval()
forward(x)
ts = []
for _ in range(11):
    t0 = time.perf_counter(); y = forward(x); ts.append((time.perf_counter() - t0) * 1000)
ts.sort()
print(ts[len(ts)//2], tuple(y.shape))
`);
  return out ? Number(out.trim().split(' ')[0]) : undefined;
}

export async function run(): Promise<void> {
  const layers = 500;
  let doc = generatedGraph(layers);
  const mid = doc.nodes.find((n) => n.kind === 'Conv2d' && Number(n.id.slice(1)) > layers / 2)!;
  let k = 0;
  const inc = new IncrementalLowering();
  const flow = new FlowModel(() => undefined);
  const selection = [mid.id];
  // One edit as the inspector makes it: the middle conv's dilation 1 ↔ 2 (padding follows, so the
  // graph stays valid), as the editor handles it.
  const edit = () => {
    const d = k++ % 2 ? 1 : 2;
    doc = setParam(setParam(doc, mid.id, 'dilation', [d, d]), mid.id, 'padding', [d, d]);
    const facts = inc.update(doc);
    flow.update(doc, facts, selection);
    return facts;
  };
  const lowered = edit();
  const errors = lowered.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`the generated graph has errors: ${errors[0]!.message}`);
  const times = await timesMs(edit, 51, 30);
  const lowerOnly = median(await timesMs(() => lowerDocument(doc), 51, 10));
  // One pointer move of a drag, as the canvas makes it (a new document, the node's new position).
  let x = 0;
  const drag = () => {
    doc = moveNodes(doc, new Map([[mid.id, { x: (x += 1), y: 0 }]]));
    flow.update(doc, inc.update(doc), selection);
  };
  const dragMs = median(await timesMs(drag, 51, 10));
  const layoutMs = median(await timesMs(() => autoLayout(doc), 3, 1));
  const torchMs = torchMetaForwardMs(layers);
  const editMs = median(times);
  table([
    ['500-layer graph (+ Input/Output), per edit', 'median ms', 'worst ms', 'vs 16.7 ms frame'],
    [
      'edit + incremental inference + canvas update',
      editMs.toFixed(1),
      Math.max(...times).toFixed(1),
      `${(editMs / frameMs).toFixed(2)}× of a frame`,
    ],
    ['inference of the whole graph (lowerDocument)', lowerOnly.toFixed(1), '', ''],
    [
      'drag a node: move + (no) inference + canvas update',
      dragMs.toFixed(1),
      '',
      `${(dragMs / frameMs).toFixed(2)}× of a frame`,
    ],
    ['automatic layout (elkjs), whole graph', layoutMs.toFixed(0), '', 'once, on demand'],
    ...(torchMs !== undefined
      ? [
          [
            'PyTorch: forward on meta tensors (shapes only)',
            torchMs.toFixed(1),
            '',
            `Netloom inference ${(lowerOnly / torchMs).toFixed(2)}× PyTorch's time`,
          ],
        ]
      : []),
  ]);
}

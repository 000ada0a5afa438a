// Compile time (document → IR → ONNX bytes) and ResNet-18 inference in onnxruntime-web WASM next to
// PyTorch CPU with the same thread count, in the same run.
import { cpus } from 'node:os';
import type { NetloomDocument } from '../src/document/schema.ts';
import { exportDocument } from '../src/onnx/from-document.ts';
import { createSession, runSession } from '../src/runtime/ort-session.ts';
import { loadTemplate } from '../src/templates/catalogue.ts';
import { medianMs, table, torchPeer } from './stats.ts';

/** A 500-layer chain of residual conv blocks (ResNet-like), built as a user's document would be. */
export function generatedGraph(layers: number): NetloomDocument {
  const nodes: NetloomDocument['nodes'] = [
    { id: 'x', kind: 'Input', name: 'x', params: { shape: [16, 32, 32] }, position: { x: 0, y: 0 } },
  ];
  const edges: NetloomDocument['edges'] = [];
  let prev = 'x';
  let i = 0;
  const add = (kind: string, params: Record<string, unknown>, from: string[], ports = ['x']) => {
    const id = `n${i++}`;
    nodes.push({ id, kind, params, position: { x: 0, y: i * 100 } });
    from.forEach((f, k) =>
      edges.push({ id: `e${id}${k}`, source: { node: f, port: 'y' }, target: { node: id, port: ports[k]! } }),
    );
    return id;
  };
  while (i < layers - 1) {
    const c = add('Conv2d', { outChannels: 16, kernelSize: [3, 3], padding: [1, 1], bias: false }, [prev]);
    const b = add('BatchNorm2d', {}, [c]);
    const r = add('ReLU', {}, [b]);
    prev = add('Add', { inputs: 2 }, [r, prev], ['x0', 'x1']);
  }
  add('Output', {}, [prev]);
  return { format: 'netloom', version: 1, name: 'generated', description: '', nodes, edges, groups: [] };
}

export async function run(): Promise<void> {
  const resnet = loadTemplate('resnet18')!;
  const big = generatedGraph(500);
  const weights = exportDocument(resnet, { seed: 0 }).weights;
  const rCompile = await medianMs(() => exportDocument(resnet, { weights }), 7);
  const bigWeights = exportDocument(big).weights;
  const bCompile = await medianMs(() => exportDocument(big, { weights: bigWeights }), 7);
  table([
    ['compile (document → IR → ONNX bytes)', 'median ms'],
    [`ResNet-18 (${resnet.nodes.length} nodes, 11.7 M params)`, rCompile.toFixed(1)],
    [`generated graph (${big.nodes.length} nodes)`, bCompile.toFixed(1)],
  ]);

  const threads = Math.min(4, cpus().length);
  const { bytes } = exportDocument(resnet, { weights });
  const session = await createSession(bytes, { threads });
  const x = Float32Array.from({ length: 3 * 224 * 224 }, (_, k) => Math.sin(k));
  const feeds = { image: { dtype: 'float32' as const, shape: [1, 3, 224, 224], data: x } };
  const ortMs = await medianMs(() => runSession(session, feeds), 10, 2);
  await session.release();
  const torch = torchPeer(
    [
      'import torch, torchvision, time',
      `torch.set_num_threads(${threads})`,
      'm = torchvision.models.resnet18().eval()',
      'x = torch.randn(1, 3, 224, 224)',
      'ts = []',
      'with torch.no_grad():',
      '    for i in range(12):',
      '        t = time.perf_counter(); m(x); ts.append(time.perf_counter() - t)',
      'ts = sorted(ts[2:]); print(ts[len(ts) // 2] * 1000)',
    ].join('\n'),
  );
  const torchMs = torch ? Number(torch.trim()) : undefined;
  table([
    [`ResNet-18 inference, batch 1, 3×224×224, ${threads} threads`, 'median ms', 'vs PyTorch'],
    [
      'onnxruntime-web WASM (Node)',
      ortMs.toFixed(1),
      torchMs ? `${(ortMs / torchMs).toFixed(2)}× time` : '–',
    ],
    [
      'PyTorch CPU (Debian python3-torch)',
      torchMs ? torchMs.toFixed(1) : 'skipped (no torch)',
      torchMs ? '1.00×' : '',
    ],
  ]);
}

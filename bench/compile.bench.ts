// Compile time (document → IR → ONNX bytes: ResNet-18, ResNet-50, a generated 500-layer graph) and ResNet-18 inference in onnxruntime-web WASM next to
// PyTorch CPU with the same thread count, in the same run.
import { cpus } from 'node:os';
import type { NetloomDocument } from '../src/document/schema.ts';
import { lowerDocument } from '../src/compile/lower.ts';
import { exportDocument } from '../src/onnx/from-document.ts';
import { createSession, runSession } from '../src/runtime/ort-session.ts';
import { loadTemplate } from '../src/templates/catalogue.ts';
import { median, medianMs, table, timesMs, torchPeer } from './stats.ts';

/**
 * A chain of `layers` layers (between an Input and an Output) in residual conv blocks
 * Conv → BatchNorm → ReLU → Add, built as a user's document would be.
 */
export function generatedGraph(layers: number): NetloomDocument {
  const nodes: NetloomDocument['nodes'] = [
    { id: 'x', kind: 'Input', name: 'x', params: { shape: [16, 32, 32] }, position: { x: 0, y: 0 } },
  ];
  const edges: NetloomDocument['edges'] = [];
  let i = 0;
  const add = (kind: string, params: Record<string, unknown>, from: string[], ports = ['x']) => {
    const id = `n${i++}`;
    nodes.push({ id, kind, params, position: { x: 0, y: i * 100 } });
    from.forEach((f, k) =>
      edges.push({
        id: `e${id}_${k}`,
        source: { node: f, port: 'y' },
        target: { node: id, port: ports[k]! },
      }),
    );
    return id;
  };
  const block: ((prev: string, skip: string) => string)[] = [
    (p) => add('Conv2d', { outChannels: 16, kernelSize: [3, 3], padding: [1, 1], bias: false }, [p]),
    (p) => add('BatchNorm2d', {}, [p]),
    (p) => add('ReLU', {}, [p]),
    (p, skip) => add('Add', { inputs: 2 }, [p, skip], ['x0', 'x1']),
  ];
  let prev = 'x';
  let skip = 'x';
  for (let k = 0; k < layers; k++) {
    prev = block[k % block.length]!(prev, skip);
    if (k % block.length === block.length - 1) skip = prev;
  }
  nodes.push({ id: 'out', kind: 'Output', name: 'y', params: {}, position: { x: 0, y: (i + 1) * 100 } });
  edges.push({ id: 'e_out', source: { node: prev, port: 'y' }, target: { node: 'out', port: 'x' } });
  return { format: 'netloom', version: 1, name: 'generated', description: '', nodes, edges, groups: [] };
}

async function compileRow(label: string, doc: NetloomDocument): Promise<string[]> {
  // Weights are filled once: the figure is the compiler, not the random number generator.
  const first = exportDocument(doc, { seed: 0 });
  const lower = await medianMs(() => lowerDocument(doc), 11);
  const full = await medianMs(() => exportDocument(doc, { weights: first.weights }), 11);
  return [label, lower.toFixed(1), full.toFixed(1), `${(first.bytes.length / 2 ** 20).toFixed(1)} MB`];
}

export async function run(): Promise<void> {
  const resnet = loadTemplate('resnet18');
  if (!resnet) throw new Error('the resnet18 template is missing');
  const resnet50 = loadTemplate('resnet50')!;
  const layers = 500;
  const big = generatedGraph(layers);
  table([
    ['compile, median of 11', 'lower ms', 'to ONNX bytes ms', 'ONNX size'],
    await compileRow(`ResNet-18 (${resnet.nodes.length} nodes, 11.7 M params)`, resnet),
    await compileRow(`ResNet-50 (${resnet50.nodes.length} nodes, 25.6 M params)`, resnet50),
    await compileRow(`generated: ${layers} layers + Input/Output`, big),
  ]);
  console.log('');

  const threads = Math.min(2, cpus().length);
  // The two runtimes take turns in blocks, so a burst of load from other processes on the machine
  // falls on both rather than on one; the best time is shown too, as it is the least disturbed.
  const blocks = 3;
  const perBlock = 8;
  const torchScript = (warmup: number) =>
    [
      'import json, time, torch, torchvision',
      `torch.set_num_threads(${threads})`,
      'torch.manual_seed(0)',
      'm = torchvision.models.resnet18().eval()',
      'x = torch.randn(1, 3, 224, 224)',
      'ts = []',
      'with torch.no_grad():',
      `    for i in range(${warmup + perBlock}):`,
      '        t = time.perf_counter(); m(x); ts.append((time.perf_counter() - t) * 1000)',
      `print(json.dumps(ts[${warmup}:]))`,
    ].join('\n');
  const { bytes } = exportDocument(resnet, { seed: 0 });
  const session = await createSession(bytes, { threads });
  const x = Float32Array.from({ length: 3 * 224 * 224 }, (_, k) => Math.sin(k));
  const feeds = { image: { dtype: 'float32' as const, shape: [1, 3, 224, 224], data: x } };
  const ort: number[] = [];
  const torchTimes: number[] = [];
  let hasTorch = true;
  for (let b = 0; b < blocks; b++) {
    const out: string | undefined = hasTorch ? torchPeer(torchScript(2)) : undefined;
    if (out) torchTimes.push(...(JSON.parse(out) as number[]));
    else hasTorch = false;
    ort.push(...(await timesMs(() => runSession(session, feeds), perBlock, b === 0 ? 2 : 0)));
  }
  await session.release();
  const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : '–');
  const tMed = hasTorch ? median(torchTimes) : undefined;
  const tMin = hasTorch ? Math.min(...torchTimes) : undefined;
  table([
    [
      `ResNet-18 inference, batch 1, 3×224×224, ${threads} threads, ${blocks * perBlock} runs each`,
      'median ms',
      'best ms',
      'vs PyTorch (median)',
      '(best)',
    ],
    [
      'onnxruntime-web WASM (Node)',
      median(ort).toFixed(1),
      Math.min(...ort).toFixed(1),
      ratio(median(ort), tMed),
      ratio(Math.min(...ort), tMin),
    ],
    [
      'PyTorch CPU (Debian python3-torch 1.13, eval, no_grad)',
      tMed ? tMed.toFixed(1) : 'skipped (no torch)',
      tMin ? tMin.toFixed(1) : '',
      tMed ? '1.00×' : '',
      tMin ? '1.00×' : '',
    ],
  ]);
}

// Every model of test/fixtures/torch_zoo.py (torchvision's classification families, bigger members
// included: AlexNet and VGG at 224, ViT-B/16, ResNet-50, ConvNeXt, Swin, MaxViT, and the small
// torch modules) through `netloom import` → `netloom export` → `netloom run`, as a Markdown table:
// exports?, imports?, max |ours − torch| (and max |torch|: random weights can make outputs huge or
// nearly 0), parameters ours vs torch, ops left as ONNX op nodes.
// CI runs one model per family (test/onnx/torch-zoo.test.ts); this prints the whole table.
// Usage: npx tsx scripts/torch-zoo-table.ts [NAME ...]   (Python with torch, torchvision, onnx, numpy:
// NETLOOM_PYTHON or python3 on PATH)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.ts';
import { fileSystem } from '../src/cli/io.ts';
import type { CliIO } from '../src/cli/io.ts';
import { readNpy } from '../src/runtime/npy.ts';
import { torchZoo } from '../test/helpers/torch-zoo.ts';

const all = [
  'resnet18',
  'resnet50',
  'resnext50_32x4d',
  'wide_resnet50_2',
  'alexnet',
  'vgg11',
  'vgg11_bn',
  'squeezenet1_0',
  'squeezenet1_1',
  'densenet121',
  'densenet_small',
  'shufflenet_v2_x0_5',
  'googlenet',
  'inception_v3',
  'mobilenet_v2',
  'mobilenet_v3_small',
  'mobilenet_v3_large',
  'mnasnet0_5',
  'efficientnet_b0',
  'efficientnet_v2_s',
  'regnet_x_400mf',
  'regnet_y_400mf',
  'convnext_tiny',
  'vit_small',
  'vit_b_16',
  'swin_t',
  'maxvit_t',
  'lstm_classifier',
  'gru_classifier',
  'dcgan_generator',
  'transformer_encoder_layer',
];

function io(dir: string): CliIO & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    ...fileSystem(dir),
    cwd: dir,
    tty: false,
  };
}

async function row(name: string, python: string): Promise<string> {
  const m = torchZoo(python, [name]).get(name)!;
  const size = m.input.join('×');
  if (!m.exported) return `| ${name} | ${size} | no: ${m.error} | | | | |`;
  const dir = mkdtempSync(join(tmpdir(), `netloom-table-${name}-`));
  const c = io(dir);
  const t0 = performance.now();
  if ((await main(['import', m.onnx, '-o', join(dir, 'p.json')], c)) !== 0) {
    return `| ${name} | ${size} | yes | no: ${c.lines.join(' ').slice(0, 300)} | | ${m.params.toLocaleString('en-US')} | |`;
  }
  const ms = Math.round(performance.now() - t0);
  const text = c.lines.join('\n');
  const ours = Number(/([\d,]+) parameters/.exec(text)?.[1]?.replaceAll(',', ''));
  const generic = /kept as ONNX op nodes \(no layer describes them\): (.*)/.exec(text)?.[1] ?? '';
  const fixed = /batch fixed at (\d+)/.exec(text)?.[1];
  const input = (
    JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')) as { nodes: { kind: string; name?: string }[] }
  ).nodes.find((n) => n.kind === 'Input')!.name!;
  const steps: string[][] = [
    ['export', join(dir, 'p.json'), '--weights', join(dir, 'p.safetensors'), '-o', join(dir, 'out.onnx')],
    ['run', join(dir, 'out.onnx'), '--input', `${input}=${m.x}`, '--out', join(dir, 'y')],
  ];
  for (const s of steps) {
    if ((await main(s, c)) !== 0)
      return `| ${name} | ${size} | yes | yes | ${s[0]} failed: ${c.lines.at(-1)} | | |`;
  }
  const f = readdirSync(join(dir, 'y'))[0]!;
  const a = readNpy(readFileSync(join(dir, 'y', f)), f).data as Float32Array;
  const b = readNpy(readFileSync(m.y), m.y).data as Float32Array;
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  const count =
    ours === m.params
      ? `${ours.toLocaleString('en-US')} = torch`
      : `${ours.toLocaleString('en-US')} vs torch ${m.params.toLocaleString('en-US')}`;
  return `| ${name} | ${size} | yes | yes (${ms} ms${fixed ? `, batch fixed at ${fixed}` : ''}) | ${worst.toExponential(1)} (max |torch| ${scale.toExponential(1)}) | ${count} | ${generic} |`;
}

const python =
  process.env['NETLOOM_PYTHON'] ?? execFileSync('sh', ['-c', 'command -v python3']).toString().trim();
const names = process.argv.slice(2).length ? process.argv.slice(2) : all;
console.log(
  '| model | input | torch exports? | netloom imports? | max abs diff vs torch | parameters | ONNX op nodes |',
);
console.log('|---|---|---|---|---|---|---|');
for (const n of names) console.log(await row(n, python));

// The models people have, exported as tutorials show (torch.onnx.export(model, x, path), default
// arguments): `netloom import` → `netloom export` → `netloom run` gives torch's outputs, and the
// imported project holds exactly torch's parameter count. One model per torchvision family at the
// smallest input it exports at, and small torch modules (LSTM and GRU classifiers with an
// Embedding, a DCGAN generator, a Transformer encoder layer). The ONNX files are made by
// test/fixtures/torch_zoo.py at test time (test/helpers/torch-zoo.ts); bigger members of the
// families (VGG, AlexNet, ViT-B/16, ResNet-50, ConvNeXt, …) are in scripts/torch-zoo-table.ts.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { readNpy } from '../../src/runtime/npy.ts';
import { captureIO } from '../helpers/cli-io.ts';
import { requirePython } from '../helpers/references.ts';
import { torchZoo } from '../helpers/torch-zoo.ts';

/** What runs in CI: every torchvision classification family once, and the small modules. */
const models = [
  'resnet18',
  'mobilenet_v2',
  'mobilenet_v3_small',
  'squeezenet1_1',
  'densenet_small',
  'shufflenet_v2_x0_5',
  'googlenet',
  'efficientnet_b0',
  'regnet_y_400mf',
  'mnasnet0_5',
  'vit_small',
  'lstm_classifier',
  'gru_classifier',
  'dcgan_generator',
  'transformer_encoder_layer',
] as const;

async function cli(io: ReturnType<typeof captureIO>, argv: string[]): Promise<void> {
  const code = await main(argv, io);
  expect(code, `netloom ${argv.join(' ')}: ${io.stderr.join('\n')}`).toBe(0);
}

for (const name of models) {
  test(`${name}: import → export → run gives torch's outputs; torch's parameter count`, async () => {
    const python = requirePython(['torch', 'torchvision', 'onnx', 'numpy']);
    const m = torchZoo(python, models).get(name)!;
    expect(m.exported, m.error).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), `netloom-zoo-${name}-`));
    const io = captureIO(dir);
    await cli(io, ['import', m.onnx, '-o', join(dir, 'project.json')]);
    // "project.safetensors: 11,689,512 parameters"
    const count = /([\d,]+) parameters/.exec(io.stdout.join('\n'))?.[1];
    expect(Number(count?.replaceAll(',', '')), io.stdout.join('\n')).toBe(m.params);
    expect(io.stdout[0]).toMatch(/: opset 14, made by pytorch 1\.13/);
    await cli(io, [
      'export',
      join(dir, 'project.json'),
      '--weights',
      join(dir, 'project.safetensors'),
      '-o',
      join(dir, 'out.onnx'),
    ]);
    const input = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8')) as {
      nodes: { kind: string; name?: string }[];
    };
    const inputName = input.nodes.find((n) => n.kind === 'Input')!.name!;
    await cli(io, ['run', join(dir, 'out.onnx'), '--input', `${inputName}=${m.x}`, '--out', join(dir, 'y')]);
    const files = readdirSync(join(dir, 'y'));
    expect(files).toHaveLength(1);
    const ours = readNpy(readFileSync(join(dir, 'y', files[0]!)), files[0]);
    const theirs = readNpy(readFileSync(m.y), m.y);
    expect(ours.shape).toEqual(theirs.shape);
    const a = ours.data as Float32Array;
    const b = theirs.data as Float32Array;
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      scale = Math.max(scale, Math.abs(b[i]!));
    }
    // torch's outputs are not all (nearly) zero, so agreeing with them says something.
    expect(scale).toBeGreaterThan(0.01);
    expect(worst).toBeLessThan(1e-4 * Math.max(1, scale));
  }, 600_000);
}

// The image sampler: the decoder cut out of a generative document (a GAN's generator, the 64×64
// DCGAN's fed by an Input z, a VAE's or an autoencoder's decoder) run in onnxruntime gives torch's
// images for the same z and weights (test/tools/decode_reference.py, the modules of
// reference_generative.py and reference_models.py); `netloom sample -o out.png` writes a grid that
// torchvision's PNG reader opens at the expected size; the latent grid's z and the scatter's
// principal components are checked against their definitions (numpy).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { sampleCommand } from '../../src/cli/sample.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { normalLatents, openImageGenerator, sampleImages } from '../../src/runtime/generate-images.ts';
import { gridAxes, latentGridZ, twoDimensional } from '../../src/runtime/latent-space.ts';
import { latentPictures } from '../../src/runtime/training-pictures.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { Rng } from '../../src/util/random.ts';
import { captureIO } from '../helpers/cli-io.ts';
import { requirePython } from '../helpers/references.ts';
import { mnistNode } from './mnist-data.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-sample-'));
const tools = join(import.meta.dirname, '../tools');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Weights of the template (initial, seed 3), batch-norm statistics made non-trivial. */
function weightsOf(name: string): Map<string, Float32Array> {
  const w = exportDocument(loadTemplate(name)!, { seed: 3 }).weights;
  const rng = new Rng(9);
  for (const [k, v] of w) {
    if (k.endsWith('running_mean'))
      w.set(
        k,
        v.map(() => rng.normal() * 0.1),
      );
    if (k.endsWith('running_var'))
      w.set(
        k,
        v.map(() => 0.5 + rng.next()),
      );
  }
  return w;
}

function torchDecode(
  model: string,
  weights: Map<string, Float32Array>,
  ids: readonly string[],
  z: Float32Array,
  zshape: readonly number[],
  labels?: readonly number[],
): Float32Array {
  const python = requirePython(['torch', 'numpy']);
  const file = join(dir, `${model}.json`);
  // Shapes from the lowered graph (the same order torch's state_dict lists them); the values as
  // one float32 file beside the JSON (the 64×64 DCGAN's generator holds 3.6 M of them).
  const shapes = new Map(
    exportDocument(loadTemplate(model)!, { seed: 3 }).lowered.graph.weights.map((w) => [w.id, w.shape]),
  );
  const tensors = ids.map((id) => {
    const v = weights.get(id);
    if (!v) throw new Error(`no weight ${id}`);
    return { values: v, shape: [...shapes.get(id)!], id };
  });
  const all = new Float32Array(tensors.reduce((s, t) => s + t.values.length, 0));
  let at = 0;
  for (const t of tensors) {
    all.set(t.values, at);
    at += t.values.length;
  }
  writeFileSync(`${file}.f32`, new Uint8Array(all.buffer));
  const spec = tensors.map((t) => ({ shape: t.shape, id: t.id }));
  writeFileSync(file, JSON.stringify({ model, weights: spec, z: Array.from(z), zshape, labels }));
  const out = execFileSync(python, [join(tools, 'decode_reference.py'), file], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return Float32Array.from(JSON.parse(out) as number[]);
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('decoded images equal torch’s module with the same weights and z', () => {
  const mnist = [1, 28, 28];
  const cases: [string, (ids: string[]) => string[], number[], number[]][] = [
    ['dcgan-mnist', (ids) => ids.filter((i) => i.startsWith('G.')), [64, 1, 1], mnist],
    ['cgan-mnist', (ids) => ids.filter((i) => i.startsWith('G.')), [64], mnist],
    ['vae', () => ['fc3.weight', 'fc3.bias', 'fc4.weight', 'fc4.bias'], [20], mnist],
    ['conv-autoencoder', (ids) => ids.filter((i) => i.startsWith('dec.')), [32, 7, 7], mnist],
    // The paper's 64×64 DCGAN takes z from an Input, not a RandomNormal: z ~ N(0, 1) replaces it.
    ['dcgan', (ids) => ids.filter((i) => i.startsWith('netG.')), [100, 1, 1], [3, 64, 64]],
  ];
  for (const [name, pick, latent, image] of cases) {
    test(
      name,
      async () => {
        const doc = loadTemplate(name)!;
        const weights = weightsOf(name);
        const gen = await openImageGenerator(doc, { weights });
        const count = 5;
        try {
          const s = await sampleImages(gen, { count, seed: 7 });
          expect(s.shape).toEqual([count, ...image]);
          const z = normalLatents(count, gen.latentSize, 7);
          const ids = pick([...weights.keys()]);
          const ref = torchDecode(name, weights, ids, z, [count, ...latent], s.labels);
          expect(maxDiff(s.images, ref)).toBeLessThan(1e-5);
        } finally {
          await gen.release();
        }
      },
      60_000,
    );
  }
});

test('a conditional GAN draws the class asked for: its label reaches the generator', async () => {
  const gen = await openImageGenerator(loadTemplate('cgan-mnist')!, { weights: weightsOf('cgan-mnist') });
  try {
    const three = await sampleImages(gen, { count: 4, seed: 2, label: 3 });
    const seven = await sampleImages(gen, { count: 4, seed: 2, label: 7 });
    expect(three.labels).toEqual([3, 3, 3, 3]);
    expect(maxDiff(three.images, seven.images)).toBeGreaterThan(1e-3);
    await expect(sampleImages(gen, { label: 10 })).rejects.toThrow(/the class must be 0 to 9; got 10/);
  } finally {
    await gen.release();
  }
});

describe('netloom sample -o out.png', () => {
  async function run(...argv: string[]) {
    const io = captureIO(dir);
    const code = await sampleCommand.run(argv, io);
    return { code, out: io.stdout };
  }

  test('grids of samples and of the latent space that torchvision reads at the expected size', async () => {
    const a = await run('cgan-mnist', '-o', 'c.png', '--count', '10', '--digit', '4');
    expect(a.code).toBe(0);
    expect(a.out[0]).toMatch(/c\.png: 10 images \[1×28×28\] from a conditional GAN, each asked for 4/);
    const b = await run('vae', '--latent-grid', '--steps', '4', '-o', 'g.png');
    expect(b.out[0]).toMatch(/g\.png: 4×4 images decoded from z over \[−3, 3\]²: z\S+ left → right/);
    const python = requirePython(['torchvision']);
    const shapes = execFileSync(
      python,
      [
        '-c',
        'import sys, json, torchvision.io as io\nprint(json.dumps([list(io.read_image(f).shape) for f in sys.argv[1:]]))',
        join(dir, 'c.png'),
        join(dir, 'g.png'),
      ],
      { encoding: 'utf8' },
    );
    // 10 digits: 4 columns × 3 rows of 28 + 2 padding; the grid: 4×4 digits edge to edge.
    expect(JSON.parse(shapes)).toEqual([
      [1, 3 * 30 + 2, 4 * 30 + 2],
      [1, 4 * 28, 4 * 28],
    ]);
  }, 120_000);

  test('a wrong pairing of model and file names the model', async () => {
    await expect(run('vae', '-o', 'v.txt')).rejects.toThrow(/VAE for MNIST digits is a VAE: it makes images/);
    await expect(run('lenet5', '-o', 'l.png')).rejects.toThrow(/LeNet-5 is not an image generator/);
    await expect(run('gan-mnist', '--digit', '3', '-o', 'x.png')).rejects.toThrow(
      /--digit asks a conditional GAN for a class; GAN for MNIST digits is a GAN/,
    );
    await expect(run('cgan-mnist', '--latent-grid', '-o', 'x.png')).rejects.toThrow(
      /--latent-grid decodes a VAE's latent space; Conditional GAN for MNIST digits is a conditional GAN/,
    );
  });
});

describe('latent pictures', () => {
  test('the grid: the first dimension rises along a row, the second falls down the rows, others 0', () => {
    const z = latentGridZ(4, 3, 3, [2, 0]);
    const row = (k: number) => Array.from(z.subarray(k * 4, k * 4 + 4));
    expect(row(0)).toEqual([3, 0, -3, 0]);
    expect(row(2)).toEqual([3, 0, 3, 0]);
    expect(row(8)).toEqual([-3, 0, 3, 0]);
    expect(gridAxes(5, Float64Array.from([0.1, 2, 0.3, 5, 1])).dims).toEqual([3, 1]);
  });

  test('the scatter of a wide latent: the first two principal components, as numpy’s SVD finds them', () => {
    const rng = new Rng(4);
    const n = 60;
    const d = 6;
    const codes = Float32Array.from({ length: n * d }, (_, k) => rng.normal() * (1 + (k % d)));
    const { points, caption } = twoDimensional(codes, n, d);
    expect(caption).toMatch(/first two principal components of the 6-value latent/);
    const python = requirePython(['numpy']);
    const ref = JSON.parse(
      execFileSync(
        python,
        [
          '-c',
          'import sys, json, numpy as np\n' +
            `x = np.array(json.loads(sys.stdin.read()), dtype=np.float64).reshape(${n}, ${d})\n` +
            'x = x - x.mean(0)\nu, s, vt = np.linalg.svd(x, full_matrices=False)\n' +
            'print(json.dumps((x @ vt[:2].T).flatten().tolist()))',
        ],
        { input: JSON.stringify(Array.from(codes)), encoding: 'utf8' },
      ),
    ) as number[];
    // A component's sign is arbitrary: compare each column up to its sign.
    for (const c of [0, 1]) {
      const sign = Math.sign(points[c]! * ref[c]!);
      for (let i = 0; i < n; i++) expect(points[i * 2 + c]!).toBeCloseTo(sign * ref[i * 2 + c]!, 3);
    }
  });
});

test('vae-2d: the scatter is μ itself, the grid spans z₀ and z₁', async () => {
  const doc = loadTemplate('vae-2d')!;
  const data = { ...mnistNode(3, false), featureShape: [784] };
  const weights = exportDocument(doc, { seed: 1 }).weights;
  const [grid, scatter] = await latentPictures(
    { doc, weights, data, val: data, inputName: 'image' },
    { steps: 3 },
  );
  if (grid?.kind !== 'latent-grid' || scatter?.kind !== 'latent-scatter')
    throw new Error('no latent pictures');
  expect(grid.caption).toBe('decoded from a 3×3 grid of z over [−3, 3]²: z₀ left → right, z₁ bottom → top');
  expect(scatter.caption).toBe('30 held-out examples encoded (fc21): z₀ across, z₁ up');
  // μ = fc21(relu(fc1(x))), computed here from the weights for the first digit.
  const x = data.x.subarray(0, 784);
  const [w1, b1, w21, b21] = ['fc1.weight', 'fc1.bias', 'fc21.weight', 'fc21.bias'].map((k) =>
    weights.get(k)!,
  );
  const h = Array.from({ length: 400 }, (_, i) => {
    let s = b1![i]!;
    for (let j = 0; j < 784; j++) s += w1![i * 784 + j]! * x[j]!;
    return Math.max(0, s);
  });
  for (const k of [0, 1]) {
    let mu = b21![k]!;
    for (let i = 0; i < 400; i++) mu += w21![k * 400 + i]! * h[i]!;
    expect(scatter.points[k]!).toBeCloseTo(mu, 4);
  }
});

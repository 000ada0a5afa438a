// The CNN zoo against torchvision itself: weights made by Netloom (seeded initial values, with
// BatchNorm's statistics and affine terms drawn at random so they matter) are written as Netloom's
// safetensors sidecar, loaded into torchvision's model with load_state_dict(strict=True), and both
// models run the same images: torch in eval mode, Netloom's ONNX export in onnxruntime-web.
// Small images keep it cheap (test/helpers/zoo-inputs.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { weightsFileBytes } from '../../src/ir/weights-file.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { materializeWeights } from '../../src/ir/weights.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { readNpy, writeNpy } from '../../src/runtime/npy.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { Rng } from '../../src/util/random.ts';
import { requirePython } from '../helpers/references.ts';
import { withInputSide, zooInputSides } from '../helpers/zoo-inputs.ts';

/**
 * The members whose outputs are compared, one of each kind of block: the basic residual block
 * (ResNet-34 only has more of them), the bottleneck, the Inception module, the inverted residual,
 * and the plain conv stack with its big Linear head (VGG-16 is AlexNet's kinds of layers again, at
 * 553 MB of weights). Every member's weight names, shapes and count are compared with torchvision's
 * in templates.test.ts.
 */
const compared = ['resnet18', 'resnet50', 'googlenet', 'mobilenet-v2', 'alexnet'];
const batch = 2;

interface Outcome {
  readonly ours: Float32Array;
  readonly shape: readonly number[];
  readonly torch?: Float32Array;
  readonly error?: string;
}

const dir = mkdtempSync(join(tmpdir(), 'netloom-zoo-'));
const outcomes = new Map<string, Outcome>();

let ran: Promise<void> | undefined;

/** Runs every model once, in Netloom and in torchvision (one Python process for all of them). */
function compareAll(): Promise<void> {
  // Asked inside a test: where torchvision is missing, that test is reported as not run.
  const python = requirePython(['torch', 'torchvision', 'numpy'], 'torchvision');
  ran ??= runAll(python);
  return ran;
}

async function runAll(python: string): Promise<void> {
  const jobs: { model: string; weights: string; input: string; output: string }[] = [];
  for (const name of compared) {
    const side = zooInputSides[name]!;
    const doc = withInputSide(loadTemplate(name)!, side);
    const { graph } = lowerDocument(doc);
    const rng = new Rng(7);
    const weights = materializeWeights(graph.weights, 3);
    const batchNorms = new Set(doc.nodes.filter((n) => n.kind === 'BatchNorm2d').map((n) => n.id));
    for (const w of graph.weights) {
      if (!batchNorms.has(w.node)) continue;
      const scale = w.id.endsWith('.weight') || w.id.endsWith('.running_var');
      const v = weights.get(w.id)!;
      for (let i = 0; i < v.length; i++) v[i] = scale ? rng.uniform(0.5, 1.5) : rng.uniform(-0.2, 0.2);
    }
    const x = Float32Array.from({ length: batch * 3 * side * side }, () => rng.normal());
    const { bytes } = exportDocument(doc, { weights });
    const out = (
      await runOnnx(bytes, { image: { dtype: 'float32', shape: [batch, 3, side, side], data: x } })
    )['logits']!;
    outcomes.set(name, { ours: out.data as Float32Array, shape: out.shape });
    const files = {
      weights: join(dir, `${name}.safetensors`),
      input: join(dir, `${name}-x.npy`),
      output: join(dir, `${name}-y.npy`),
    };
    writeFileSync(files.weights, weightsFileBytes(graph.weights, weights, doc.name));
    writeFileSync(files.input, writeNpy({ dtype: 'float32', shape: [batch, 3, side, side], data: x }));
    jobs.push({ model: name, ...files });
  }
  writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
  const results = JSON.parse(
    execFileSync(
      python,
      [join(import.meta.dirname, '../tools/torchvision_outputs.py'), join(dir, 'jobs.json')],
      {
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      },
    ),
  ) as Record<string, { loaded?: boolean; error?: string }>;
  for (const j of jobs) {
    const r = results[j.model];
    const o = outcomes.get(j.model)!;
    outcomes.set(
      j.model,
      r?.loaded
        ? { ...o, torch: readNpy(readFileSync(j.output), j.output).data as Float32Array }
        : { ...o, error: r?.error ?? 'no result' },
    );
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(compared)('%s', (name) => {
  test(
    'Netloom weights load into torchvision strictly and give its outputs',
    { timeout: 120_000 },
    async () => {
      await compareAll();
      const o = outcomes.get(name)!;
      expect(o.error).toBeUndefined();
      expect([...o.shape]).toEqual([batch, 1000]);
      const torch = o.torch!;
      expect(torch.length).toBe(o.ours.length);
      let scale = 0;
      let worst = 0;
      for (let i = 0; i < torch.length; i++) {
        scale = Math.max(scale, Math.abs(torch[i]!));
        worst = Math.max(worst, Math.abs(torch[i]! - o.ours[i]!));
      }
      // Outputs that are all near zero would prove nothing.
      expect(scale).toBeGreaterThan(1e-3);
      console.log(
        `${name}: max |torch − netloom| = ${worst.toExponential(2)} (outputs up to ${scale.toFixed(3)})`,
      );
      expect(worst).toBeLessThan(1e-4 * scale + 1e-6);
    },
  );
});

describe('blocks', () => {
  const topGroups = (name: string) =>
    loadTemplate(name)!
      .groups.filter((g) => g.parent === undefined)
      .map((g) => g.id);

  test('ResNet-34 and -50 read as stem + four collapsed stages + head; every layer is in a block', () => {
    for (const name of ['resnet34', 'resnet50']) {
      const doc = loadTemplate(name)!;
      expect(topGroups(name)).toEqual(['stem', 'layer1', 'layer2', 'layer3', 'layer4', 'head']);
      expect(doc.groups.filter((g) => g.id.startsWith('layer') && !g.parent).every((g) => g.collapsed)).toBe(
        true,
      );
      expect(doc.nodes.filter((n) => n.group === undefined)).toEqual([]);
    }
    // Bottleneck blocks: 3 + 4 + 6 + 3, each a group of its own inside its stage.
    expect(loadTemplate('resnet50')!.groups.filter((g) => g.parent?.startsWith('layer'))).toHaveLength(16);
  });

  test('an Inception module and an inverted residual are each one collapsed block holding all its layers', () => {
    const g = loadTemplate('googlenet')!;
    const modules = g.groups.filter((x) => x.id.startsWith('inception'));
    expect(modules.map((m) => m.id)).toEqual(
      ['3a', '3b', '4a', '4b', '4c', '4d', '4e', '5a', '5b'].map((s) => `inception${s}`),
    );
    for (const m of modules) {
      expect(m.collapsed).toBe(true);
      const inside = g.nodes.filter((n) => n.id.startsWith(`${m.id}.`));
      expect(inside.every((n) => n.group === m.id)).toBe(true);
      // Four branches (3 + 6 + 6 + 4 layers) and their Concat.
      expect(inside).toHaveLength(20);
    }
    const mb = loadTemplate('mobilenet-v2')!;
    const blocks = mb.groups.filter((x) => /^features\.\d+$/.test(x.id));
    expect(blocks.map((b) => b.id)).toEqual(Array.from({ length: 17 }, (_, i) => `features.${i + 1}`));
    for (const b of blocks)
      expect(mb.nodes.filter((n) => n.id.startsWith(`${b.id}.`)).every((n) => n.group === b.id)).toBe(true);
  });
});

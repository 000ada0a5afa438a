// The small image templates train on the shipped shapes to what their descriptions state, through
// `netloom train` itself; and on that set a CNN beats an MLP given the same data and epochs.
// Each run is a short one (a few epochs over the first images of the set) to stay near a minute.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { trainCommand } from '../../src/cli/train.ts';
import { serializeDocument } from '../../src/document/parse.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { captureIO } from '../helpers/cli-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-image-templates-'));

interface Epoch {
  readonly epoch: number;
  readonly valAccuracy: number | null;
}

async function trainCli(project: string, args: readonly string[]): Promise<Epoch[]> {
  const io = captureIO(dir);
  const code = await trainCommand.run([project, ...args, '--json'], io);
  expect(code, io.stderr.join('\n')).toBe(0);
  return io.stdout.map((l) => JSON.parse(l) as Epoch);
}

/** What each description promises for the run the test makes (images, epochs, validation accuracy). */
const promises: Record<string, { images: number; epochs: number; accuracy: number; text: RegExp }> = {
  'small-vgg': { images: 3000, epochs: 2, accuracy: 0.65, text: /≥ 65% validation accuracy/ },
  resnet20: { images: 2000, epochs: 2, accuracy: 0.3, text: /≥ 30% validation accuracy/ },
  'small-mobilenet': { images: 2000, epochs: 2, accuracy: 0.35, text: /≥ 35% validation accuracy/ },
  // Pixel accuracy; every pixel called background would score 76.5%.
  unet: { images: 1000, epochs: 4, accuracy: 0.8, text: /≥ 80% of pixels are right/ },
};

const runs = new Map<string, Promise<Epoch[]>>();

/** The template's promised run, made once (the CNN-vs-MLP comparison reuses the small VGG's). */
function promisedRun(name: string): Promise<Epoch[]> {
  const p = promises[name]!;
  if (!runs.has(name))
    runs.set(name, trainCli(name, ['--limit', String(p.images), '--epochs', String(p.epochs)]));
  return runs.get(name)!;
}

describe.each(Object.keys(promises))('%s', (name) => {
  test(
    'trains on the shipped shapes to the result its description states',
    { timeout: 600_000 },
    async () => {
      const p = promises[name]!;
      const epochs = await promisedRun(name);
      const last = epochs.at(-1)!;
      console.log(
        `${name}: ${epochs.map((e) => `epoch ${e.epoch} val ${((e.valAccuracy ?? 0) * 100).toFixed(1)}%`).join(', ')}`,
      );
      expect(last.valAccuracy).toBeGreaterThanOrEqual(p.accuracy);
      expect(loadTemplate(name)!.description).toMatch(p.text);
    },
  );
});

test(
  'on the shapes a CNN beats an MLP trained on the same images for as long',
  { timeout: 600_000 },
  async () => {
    const mlp = loadTemplate('mlp')!;
    // The MNIST MLP widened to 3×32×32 inputs, trained as the small VGG is.
    const vgg = loadTemplate('small-vgg')!;
    const doc = {
      ...mlp,
      nodes: mlp.nodes.map((n) => (n.id === 'image' ? { ...n, params: { ...n.params, shape: [3072] } } : n)),
      training: vgg.training,
    };
    writeFileSync(join(dir, 'mlp-shapes.json'), serializeDocument(doc));
    const p = promises['small-vgg']!;
    const m = await trainCli('mlp-shapes.json', ['--limit', String(p.images), '--epochs', String(p.epochs)]);
    const c = await promisedRun('small-vgg');
    const accuracy = (e: Epoch[]) => e.at(-1)!.valAccuracy!;
    console.log(`MLP ${(accuracy(m) * 100).toFixed(1)}%, small VGG ${(accuracy(c) * 100).toFixed(1)}%`);
    expect(accuracy(c)).toBeGreaterThan(accuracy(m) + 0.1);
  },
);

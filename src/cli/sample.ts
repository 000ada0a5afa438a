// `netloom sample`: generates from a project or template with the runtime's samplers: a character
// language model continues a prompt into a text file (src/runtime/generate.ts); a GAN, a
// conditional GAN, a VAE or an autoencoder decodes images into a PNG grid
// (src/runtime/generate-images.ts); a diffusion model runs its reverse process
// (src/runtime/diffusion.ts). Each kind of model has its branch below; the output file's
// extension must suit the model, and a wrong pairing says what the model is.
import { lowerDocument } from '../compile/lower.ts';
import type { NetloomDocument } from '../document/schema.ts';
import { trainValSplit } from '../runtime/datasets/dataset.ts';
import { documentTrainingSetup } from '../compile/training-setup.ts';
import { generateText, openTextModel } from '../runtime/generate.ts';
import type { ImageModelKind } from '../runtime/generate-images.ts';
import {
  displayRange,
  imageModelParts,
  openImageEncoder,
  openImageGenerator,
  sampleImages,
} from '../runtime/generate-images.ts';
import { decodeLatentGrid, encodeExamples, varianceByDimension } from '../runtime/latent-space.ts';
import { featureSize } from '../runtime/datasets/dataset.ts';
import { NetloomError } from '../util/errors.ts';
import { encodePng, imageGrid } from '../util/png.ts';
import { diffusionPng, isDiffusionDocument } from '../runtime/diffusion.ts';
import { intOption, oneFile, parse } from './args.ts';
import type { Command } from './command.ts';
import type { CliIO } from './io.ts';
import { UsageError } from './io.ts';
import { loadProject, loadWeightsFile } from './project.ts';
import { loadDataset } from './train.ts';

function floatArg(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number; got '${v}'`);
  return n;
}

const kindNames: Record<ImageModelKind, string> = {
  gan: 'a GAN',
  'conditional-gan': 'a conditional GAN',
  vae: 'a VAE',
  autoencoder: 'an autoencoder',
};

/** What the document generates: images (and from which model), or else text (or an error saying why not images). */
function modelKind(doc: NetloomDocument): { kind: ImageModelKind | 'text'; why?: string } {
  try {
    return { kind: imageModelParts(doc).kind };
  } catch (e) {
    if (e instanceof NetloomError && e.code === 'bad-argument') return { kind: 'text', why: e.message };
    throw e;
  }
}

type Values = Record<string, string | boolean | undefined>;

async function sampleText(
  io: CliIO,
  doc: NetloomDocument,
  values: Values,
  weights?: Map<string, Float32Array>,
) {
  const out = values['out'] as string | undefined;
  const length = intOption(values['length'] as string | undefined, 'length', 1) ?? 400;
  const temperature = floatArg(values['temperature'] as string | undefined, 'temperature');
  const topK = intOption(values['top-k'] as string | undefined, 'top-k', 0);
  const seed = intOption(values['seed'] as string | undefined, 'seed') ?? 1;
  const model = await openTextModel(doc, weights ? { weights } : { seed: 0 });
  const prompt = (values['prompt'] as string | undefined) ?? '';
  try {
    const text = await generateText(model, prompt, length, {
      seed,
      ...(temperature !== undefined ? { temperature } : {}),
      ...(topK !== undefined ? { topK } : {}),
    });
    if (out) {
      await io.writeFile(out, prompt + text);
      io.out(`${out}: ${length} characters after a prompt of ${prompt.length}`);
    } else for (const line of (prompt + text).split('\n')) io.out(line);
  } finally {
    await model.release();
  }
}

/** A VAE's grid's two dimensions, for a latent of more than two: from the document's held-out examples. */
async function heldOutVariances(io: CliIO, doc: NetloomDocument, weights?: Map<string, Float32Array>) {
  const setup = documentTrainingSetup(doc);
  if (!setup.dataset) return undefined;
  const enc = await openImageEncoder(doc, weights ? { weights } : { seed: 0 });
  if (!enc || enc.latentSize <= 2) {
    await enc?.release();
    return undefined;
  }
  try {
    const image = doc.nodes.find((n) => n.kind === 'Input' && n.params['dtype'] !== 'int64');
    const shape = (image?.params['shape'] as number[] | undefined) ?? [];
    const data = await loadDataset(io, setup.dataset, setup.seed, setup.normalizeInputs, shape, () => {});
    const { val } = trainValSplit(data, setup.validationSplit > 0 ? setup.validationSplit : 0.2, setup.seed);
    const n = Math.min(1000, val.size);
    return varianceByDimension(await encodeExamples(enc, val.x, n, featureSize(val)), n, enc.latentSize);
  } finally {
    await enc.release();
  }
}

async function sampleImageGrid(
  io: CliIO,
  doc: NetloomDocument,
  values: Values,
  weights?: Map<string, Float32Array>,
) {
  const out = values['out'] as string;
  const seed = intOption(values['seed'] as string | undefined, 'seed') ?? 1;
  const gen = await openImageGenerator(doc, weights ? { weights } : { seed: 0 });
  try {
    const what = kindNames[gen.kind];
    if (values['latent-grid']) {
      if (gen.kind !== 'vae')
        throw new UsageError(`--latent-grid decodes a VAE's latent space; ${doc.name} is ${what}`);
      const variances = await heldOutVariances(io, doc, weights);
      const steps = intOption(values['steps'] as string | undefined, 'steps', 2) ?? 15;
      const grid = await decodeLatentGrid(gen, { steps, ...(variances ? { variances } : {}) });
      await io.writeFile(out, encodePng(imageGrid(grid.images, grid.shape, { columns: steps, padding: 0 })));
      io.out(`${out}: ${steps}×${steps} images decoded from z over [−3, 3]²: ${grid.axes.caption}`);
      return;
    }
    const digit = intOption(values['digit'] as string | undefined, 'digit');
    if (digit !== undefined && gen.classes === undefined)
      throw new UsageError(`--digit asks a conditional GAN for a class; ${doc.name} is ${what}`);
    const count = intOption(values['count'] as string | undefined, 'count', 1) ?? 64;
    const s = await sampleImages(gen, { count, seed, ...(digit !== undefined ? { label: digit } : {}) });
    await io.writeFile(out, encodePng(imageGrid(s.images, s.shape, { range: displayRange(s.images) })));
    io.out(
      `${out}: ${count} images [${s.shape.slice(1).join('×')}] from ${what}` +
        (digit !== undefined ? `, each asked for ${digit}` : '') +
        (gen.kind === 'vae' || gen.kind === 'autoencoder' ? ', decoded from z ~ N(0, 1)' : ''),
    );
  } finally {
    await gen.release();
  }
}

export const sampleCommand: Command = {
  name: 'sample',
  summary:
    'generate from a model: text from a character language model, a PNG grid of images from a GAN, VAE, autoencoder or diffusion model',
  usage:
    'netloom sample <project.json|template-name> [--weights trained.safetensors] [-o out.txt|out.png] [--seed N]\n' +
    '    text:   [--prompt TEXT] [--length N] [--temperature X] [--top-k K]\n' +
    '    images: [--count N] [--digit D (a conditional GAN)] [--latent-grid [--steps N] (a VAE)]\n' +
    'netloom sample <diffusion model> [--weights trained.safetensors] -o out.png [--count N] [--seed N]',
  async run(args, io) {
    const { values, positionals } = parse(args, {
      weights: { type: 'string' },
      out: { type: 'string', short: 'o' },
      prompt: { type: 'string' },
      length: { type: 'string' },
      temperature: { type: 'string' },
      'top-k': { type: 'string' },
      seed: { type: 'string' },
      count: { type: 'string' },
      digit: { type: 'string' },
      'latent-grid': { type: 'boolean' },
      steps: { type: 'string' },
    });
    const doc = loadProject(io, oneFile(positionals, 'project file or template name'));
    if (isDiffusionDocument(doc)) {
      // A diffusion model's reverse process (src/runtime/diffusion.ts) draws a grid of images.
      if (values.out === undefined || !/\.png$/i.test(values.out))
        throw new UsageError(`a diffusion model draws images: give -o out.png; got '${values.out ?? ''}'`);
      const count = intOption(values.count, 'count', 1) ?? 16;
      if (count > 256) throw new UsageError(`--count must be at most 256; got ${count}`);
      const weights = values.weights
        ? loadWeightsFile(io, values.weights, lowerDocument(doc).graph.weights)
        : undefined;
      const seed = intOption(values.seed, 'seed') ?? 1;
      await io.writeFile(
        values.out,
        await diffusionPng(doc, { count, seed, ...(weights ? { weights } : {}) }),
      );
      io.out(`${values.out}: ${count} samples of ${doc.name} (seed ${seed})`);
      return 0;
    }
    const out = values.out;
    if (out !== undefined && !/\.(txt|png)$/i.test(out))
      throw new UsageError(
        `-o must name a .txt file (text models) or a .png file (image models); got '${out}'`,
      );
    const { kind, why } = modelKind(doc);
    const png = out !== undefined && /\.png$/i.test(out);
    if (kind === 'text' && png) throw new UsageError(why ?? `${doc.name} makes no images`);
    if (kind !== 'text' && !png)
      throw new UsageError(`${doc.name} is ${kindNames[kind]}: it makes images, so give -o out.png`);
    const weights = values.weights
      ? loadWeightsFile(io, values.weights, lowerDocument(doc).graph.weights)
      : undefined;
    if (kind === 'text') await sampleText(io, doc, values, weights);
    else await sampleImageGrid(io, doc, values, weights);
    return 0;
  },
};

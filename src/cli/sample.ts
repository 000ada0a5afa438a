// `netloom sample`: generates from a project or template with the runtime's sampler
// (src/runtime/generate.ts): a character language model continues a prompt into a text file.
import { lowerDocument } from '../compile/lower.ts';
import { generateText, openTextModel } from '../runtime/generate.ts';
import { diffusionPng, isDiffusionDocument } from '../runtime/diffusion.ts';
import { intOption, oneFile, parse } from './args.ts';
import type { Command } from './command.ts';
import { UsageError } from './io.ts';
import { loadProject, loadWeightsFile } from './project.ts';

function floatArg(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number; got '${v}'`);
  return n;
}

export const sampleCommand: Command = {
  name: 'sample',
  summary:
    'generate from a model: continue a prompt with a character language model (GPT-mini), draw images with a diffusion model (DDPM)',
  usage:
    'netloom sample <project.json|template-name> [--weights trained.safetensors] [-o out.txt]\n' +
    '    [--prompt TEXT] [--length N] [--temperature X] [--top-k K] [--seed N]\n' +
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
    if (values.out !== undefined && !/\.txt$/i.test(values.out))
      throw new UsageError(`-o must name a .txt file (text models are sampled here); got '${values.out}'`);
    const length = intOption(values.length, 'length', 1) ?? 400;
    const temperature = floatArg(values.temperature, 'temperature');
    const topK = intOption(values['top-k'], 'top-k', 0);
    const seed = intOption(values.seed, 'seed') ?? 1;
    const weights = values.weights
      ? loadWeightsFile(io, values.weights, lowerDocument(doc).graph.weights)
      : undefined;
    const model = await openTextModel(doc, weights ? { weights } : { seed: 0 });
    const prompt = values.prompt ?? '';
    try {
      const text = await generateText(model, prompt, length, {
        seed,
        ...(temperature !== undefined ? { temperature } : {}),
        ...(topK !== undefined ? { topK } : {}),
      });
      if (values.out) {
        await io.writeFile(values.out, prompt + text);
        io.out(`${values.out}: ${length} characters after a prompt of ${prompt.length}`);
      } else for (const line of (prompt + text).split('\n')) io.out(line);
    } finally {
      await model.release();
    }
    return 0;
  },
};

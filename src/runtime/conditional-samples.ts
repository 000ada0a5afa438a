// A conditional generator asked for one class: "Try it" for a conditional GAN. The generator is
// cut out of the document and run by the image sampler (./generate-images.ts) on fresh noise.
import type { NetloomDocument } from '../document/schema.ts';
import { NetloomError } from '../util/errors.ts';
import type { Backend } from './ort-runtime.ts';
import { openImageGenerator, sampleImages } from './generate-images.ts';

export interface ConditionalSamples {
  /** count images of side×side values each (the generator's own scale, e.g. [0, 1] after a sigmoid). */
  readonly images: Float32Array;
  readonly count: number;
  readonly side: number;
}

export async function conditionalSamples(
  doc: NetloomDocument,
  weights: ReadonlyMap<string, Float32Array>,
  label: number,
  opts: { count?: number; seed?: number; backend?: Backend; threads?: number } = {},
): Promise<ConditionalSamples> {
  const gen = await openImageGenerator(doc, {
    weights,
    ...(opts.backend ? { backend: opts.backend } : {}),
    ...(opts.threads ? { threads: opts.threads } : {}),
  });
  try {
    if (gen.classes === undefined)
      throw new NetloomError('bad-argument', 'This model has no class input to ask for a digit with');
    const s = await sampleImages(gen, { count: opts.count ?? 8, seed: opts.seed ?? 1, label });
    return { images: s.images, count: s.shape[0], side: s.shape[2] };
  } finally {
    await gen.release();
  }
}

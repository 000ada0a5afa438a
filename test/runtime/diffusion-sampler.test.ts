// The diffusion setup's `sampler` (src/runtime/diffusion.ts): DDPM with σ² = β or the posterior's
// β̃, and DDIM (η = 0), each with and without x̂₀ clipping, against the numpy reference
// test/fixtures/diffusion_sampler.py written from the papers' formulas, fed the same noise and the
// same closed-form noise network; and the field reaches sampling through the document.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { DiffusionSampler } from '../../src/autodiff/training-schema.ts';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import {
  linearSchedule,
  openDiffusionModel,
  reverseProcess,
  sampleDiffusion,
} from '../../src/runtime/diffusion.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { Rng } from '../../src/util/random.ts';

interface Sampled {
  images: number[];
  frames: number[][];
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
};

describe('samplers against the numpy reference', () => {
  const schedule = { timesteps: 12, betaStart: 0.01, betaEnd: 0.3 };
  const eps = { a: 0.9, b: 1.4, c: -0.3, d: 0.2 };
  const count = 3;
  const shape = [1, 2, 3];
  const n = count * 6;
  const rng = new Rng(7);
  const noise = Array.from({ length: n * schedule.timesteps }, () => rng.normal());
  const frames = 4;
  const dir = mkdtempSync(join(tmpdir(), 'netloom-sampler-'));
  let ref: Record<string, Sampled>;
  try {
    writeFileSync(join(dir, 'case.json'), JSON.stringify({ ...schedule, eps, n, noise, frames }));
    execFileSync('/usr/bin/python3', [
      'test/fixtures/diffusion_sampler.py',
      join(dir, 'case.json'),
      join(dir, 'out.json'),
    ]);
    ref = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Record<string, Sampled>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  for (const sampler of ['ddpm', 'ddpm-posterior', 'ddim'] as DiffusionSampler[]) {
    for (const clip of [true, false]) {
      test(`${sampler}, ${clip ? 'x̂₀ clipped' : 'unclipped'}`, async () => {
        let at = 0;
        const r = await reverseProcess(
          linearSchedule(schedule),
          (xt, t) =>
            Promise.resolve(
              Float32Array.from(
                xt.data as Float32Array,
                (v) => eps.a * Math.tanh(eps.b * v + eps.c) + (eps.d * t) / schedule.timesteps,
              ),
            ),
          { count, shape, frames, clip, sampler, normal: () => noise[at++]! },
        );
        const want = ref[`${sampler}/${clip ? 'clip' : 'noclip'}`]!;
        expect(maxDiff(r.images, want.images)).toBeLessThan(2e-5);
        expect(r.frames.length).toBe(frames);
        r.frames.forEach((f, i) => expect(maxDiff(f, want.frames[i]!)).toBeLessThan(2e-5));
        // DDIM draws only x_T; DDPM one z per value at each step but the last.
        expect(at).toBe(sampler === 'ddim' ? n : n * schedule.timesteps);
        // Not all saturated: the comparison sees real values.
        expect(r.images.filter((v) => v > 0.02 && v < 0.98).length).toBeGreaterThan(n / 3);
      });
    }
  }

  test('the three samplers draw different images from the same noise', () => {
    const a = ref['ddpm/clip']!.images;
    expect(maxDiff(a, ref['ddpm-posterior/clip']!.images)).toBeGreaterThan(0.01);
    expect(maxDiff(a, ref['ddim/clip']!.images)).toBeGreaterThan(0.01);
  });
});

function withSampler(doc: NetloomDocument, sampler: unknown, timesteps: number): NetloomDocument {
  const training = structuredClone(doc.training) as { objectives: { diffusion: object }[] };
  const o = training.objectives[0]!;
  o.diffusion = { ...o.diffusion, sampler, timesteps };
  return { ...doc, training } as NetloomDocument;
}

test('a sampler that is not one of the three is refused, naming the field', () => {
  const doc = withSampler(loadTemplate('ddpm-mnist')!, 'ddmi', 200);
  expect(() => parseTrainingSetup(doc.training)).toThrow(
    /training\.objectives\[0\]\.diffusion\.sampler: sampler must be one of 'ddpm', 'ddpm-posterior', 'ddim'/,
  );
  const plain = loadTemplate('ddpm-mnist')!;
  expect(parseTrainingSetup(plain.training).objectives[0]!.diffusion!.sampler).toBe('ddpm');
});

test('sampling a document (the CLI’s and the Train panel’s strip’s way) uses its sampler field', async () => {
  const doc = withSampler(loadTemplate('ddpm-mnist')!, 'ddim', 10);
  const drawn = await sampleDiffusion(doc, { count: 2, seed: 3 });
  const m = await openDiffusionModel(doc);
  try {
    expect(m.sampler).toBe('ddim');
    const as = (sampler: DiffusionSampler): Promise<{ images: Float32Array }> =>
      reverseProcess(m.schedule, m.predict, { count: 2, seed: 3, shape: m.shape, sampler });
    expect(maxDiff(drawn.images, (await as('ddim')).images)).toBe(0);
    expect(maxDiff(drawn.images, (await as('ddpm')).images)).toBeGreaterThan(0.01);
  } finally {
    await m.release();
  }
}, 60_000);

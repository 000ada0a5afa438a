// Learning-rate schedules, computed on the host (by the runtime) and fed to the step graph as its lr input.
import { z } from 'zod';

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant') }),
  /** torch StepLR: lr·gamma^⌊step / every⌋. */
  z.object({
    kind: z.literal('step'),
    every: z.number().int().positive(),
    gamma: z.number().positive().default(0.1),
  }),
  /** torch CosineAnnealingLR over the whole run, down to minLr. */
  z.object({ kind: z.literal('cosine'), minLr: z.number().min(0).default(0) }),
  /** Linear warm-up from 0 over `steps`, then constant (or cosine with `cosine`). */
  z.object({
    kind: z.literal('warmup'),
    steps: z.number().int().positive(),
    cosine: z.boolean().default(false),
    minLr: z.number().min(0).default(0),
  }),
]);

export type Schedule = z.input<typeof scheduleSchema>;

/** The learning rate for step `step` (0-based) of `total`. */
export function lrAt(schedule: Schedule | undefined, base: number, step: number, total: number): number {
  if (!schedule) return base;
  const s = scheduleSchema.parse(schedule);
  const cosine = (t: number, minLr: number): number =>
    minLr + ((base - minLr) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, t))))) / 2;
  switch (s.kind) {
    case 'constant':
      return base;
    case 'step':
      return base * Math.pow(s.gamma, Math.floor(step / s.every));
    case 'cosine':
      return cosine(total > 1 ? step / (total - 1) : 0, s.minLr);
    case 'warmup':
      if (step < s.steps) return (base * (step + 1)) / s.steps;
      if (!s.cosine) return base;
      return cosine(total - s.steps > 1 ? (step - s.steps) / (total - s.steps - 1) : 0, s.minLr);
  }
}

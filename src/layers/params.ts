// Parameter schema helpers: each carries a default, a range and a label, which the inspector
// form is generated from (through zod's JSON Schema).
import { z } from 'zod';

export function int(def: number, label: string, min = 1, max?: number) {
  let s = z.number().int().min(min);
  if (max !== undefined) s = s.max(max);
  return s.default(def).describe(label);
}

export function float(def: number, label: string, min?: number, max?: number) {
  let s = z.number();
  if (min !== undefined) s = s.min(min);
  if (max !== undefined) s = s.max(max);
  return s.default(def).describe(label);
}

export function bool(def: boolean, label: string) {
  return z.boolean().default(def).describe(label);
}

export function choice<const T extends readonly [string, ...string[]]>(
  values: T,
  def: T[number],
  label: string,
) {
  return z
    .enum(values)
    .default(def as never)
    .describe(label);
}

/** A fixed-length tuple of ints, e.g. a 2-D kernel size [3, 3]. */
export function ints(n: number, def: readonly number[], label: string, min = 1) {
  const items = Array.from({ length: n }, () => z.number().int().min(min));
  const schema = z
    .tuple(items as unknown as [z.ZodNumber, ...z.ZodNumber[]])
    .default(def as never)
    .describe(label);
  // A runtime tuple (fixed length, so forms show n boxes) typed as number[]: zod infers `[]` from a
  // tuple whose length is only known at run time.
  return schema as unknown as z.ZodDefault<z.ZodType<number[]>>;
}

/** A shape without the batch axis, e.g. [1, 28, 28]; [] for one number per example. */
export function shape(def: readonly number[], label: string) {
  return (
    z
      .array(z.number().int().min(1))
      // [] is a scalar per example, e.g. a class-index label Input.
      .max(6)
      .default([...def])
      .describe(label)
  );
}

/** PyTorch's default init for Linear and Conv weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
export function fanInUniform(fanIn: number) {
  return { kind: 'uniform', bound: 1 / Math.sqrt(fanIn) } as const;
}

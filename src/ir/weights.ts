// Weight values are made only when needed (export, training), not on every edit: the editor
// re-infers shapes on each keystroke and a ResNet holds millions of numbers.
import type { InitSpec, Weight } from './types.ts';
import { numel } from './types.ts';
import { Rng, hashSeed } from '../util/random.ts';

export type WeightValues = ReadonlyMap<string, Float32Array>;

export function initialValues(w: Weight, seed: number): Float32Array {
  return fill(w.init, numel(w.shape), new Rng(hashSeed(seed, w.id)));
}

function fill(init: InitSpec, n: number, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  switch (init.kind) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'constant':
      return out.fill(init.value);
    case 'uniform':
      for (let i = 0; i < n; i++) out[i] = rng.uniform(-init.bound, init.bound);
      return out;
    case 'normal':
      for (let i = 0; i < n; i++) out[i] = init.mean + init.std * rng.normal();
      return out;
    case 'values':
      if (init.data.length !== n) throw new Error(`initial values: ${init.data.length} given, ${n} needed`);
      return Float32Array.from(init.data);
  }
}

/**
 * Values for every weight: the given ones where their size fits (trained weights carried by a
 * project), fresh initial values for the rest.
 */
export function materializeWeights(
  weights: readonly Weight[],
  seed = 0,
  given?: WeightValues,
): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const w of weights) {
    const g = given?.get(w.id);
    out.set(w.id, g && g.length === numel(w.shape) ? g : initialValues(w, seed));
  }
  return out;
}

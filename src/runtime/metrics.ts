// Metrics computed on the host from a step's predictions (a few numbers per batch).
import type { HostTensor } from './tensors.ts';
import { numel } from '../ir/types.ts';

/** Correct top-1 predictions: logits/probabilities [B, C, …] against class indices [B, …]. */
export function correctCount(pred: HostTensor, target: HostTensor): number {
  const c = pred.shape[1] ?? 1;
  const b = pred.shape[0]!;
  const inner = numel(pred.shape.slice(2));
  const p = pred.data as Float32Array;
  let ok = 0;
  for (let n = 0; n < b; n++) {
    for (let s = 0; s < inner; s++) {
      let best = 0;
      let bestV = -Infinity;
      if (c === 1) {
        // A single output unit: a sigmoid probability or logit, class 1 above the midpoint.
        best = p[n * inner + s]! > 0 ? 1 : 0;
      } else {
        for (let k = 0; k < c; k++) {
          const v = p[(n * c + k) * inner + s]!;
          if (v > bestV) {
            bestV = v;
            best = k;
          }
        }
      }
      if (best === Number(target.data[n * inner + s])) ok++;
    }
  }
  return ok;
}

/** Running mean weighted by batch size. */
export class Mean {
  private sum = 0;
  private n = 0;
  add(v: number, weight = 1): void {
    this.sum += v * weight;
    this.n += weight;
  }
  get value(): number {
    return this.n === 0 ? NaN : this.sum / this.n;
  }
  get count(): number {
    return this.n;
  }
}

// An exponential moving average of the weights over the training steps (EMA; Polyak averaging),
// the copy DDPM and most generative models sample from: the raw weights of a short run jitter
// from step to step, their average does not. The same as
// torch.optim.swa_utils.AveragedModel(model, avg_fn=lambda avg, w, n: d(n)·avg + (1 − d(n))·w):
// the first update copies the weights, the n-th later one (n earlier updates) keeps the share
// d(n) = decay, or with warm-up min(decay, (1 + n) / (10 + n)) as TensorFlow's
// ExponentialMovingAverage(num_updates) does, so a short run is not dominated by its first steps.
import type { WeightAverageSetup } from '../autodiff/training-schema.ts';

export class WeightAverage {
  private readonly avg = new Map<string, Float32Array>();
  /** Updates taken so far. */
  updates = 0;

  constructor(readonly setup: WeightAverageSetup) {}

  /** The share of the old average kept at the next update. */
  nextDecay(): number {
    if (this.updates === 0) return 0;
    const n = this.updates;
    return this.setup.warmup ? Math.min(this.setup.decay, (1 + n) / (10 + n)) : this.setup.decay;
  }

  /** Folds the weights after a step into the average. */
  update(weights: ReadonlyMap<string, ArrayLike<number>>): void {
    const d = this.nextDecay();
    for (const [id, w] of weights) {
      const a = this.avg.get(id);
      if (!a || this.updates === 0) {
        this.avg.set(id, Float32Array.from(w));
        continue;
      }
      for (let k = 0; k < a.length; k++) a[k] = d * a[k]! + (1 - d) * w[k]!;
    }
    this.updates++;
  }

  /** A copy of the average (weights never updated are left out). */
  read(): Map<string, Float32Array> {
    return new Map([...this.avg].map(([id, a]) => [id, Float32Array.from(a)]));
  }
}

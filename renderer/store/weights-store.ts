// The model's weight values when they are not fresh initial values: trained in the Train panel,
// loaded from a safetensors sidecar, or brought in by an opened ONNX file. Export and training
// start from them; the document itself stays weight-free JSON.
import { create } from 'zustand';
import type { Weight } from '../../src/ir/types.ts';
import { numel } from '../../src/ir/types.ts';

export interface WeightsState {
  readonly weights: Record<string, Float32Array> | undefined;
  setWeights(w: Record<string, Float32Array> | undefined): void;
}

export const useWeights = create<WeightsState>((set) => ({
  weights: undefined,
  setWeights: (weights) => set({ weights }),
}));

/** True when every weight of a model (its lowering's weights) has a value of the right size. */
export function weightsFit(
  model: readonly Pick<Weight, 'id' | 'shape'>[],
  w: Record<string, Float32Array> | undefined,
): boolean {
  if (!w) return false;
  return model.length > 0 && model.every((x) => w[x.id]?.length === numel(x.shape));
}

// normalization layers.
import type { AnyLayerDef } from './layer-def.ts';

export const normalizationLayers: readonly AnyLayerDef[] = [];

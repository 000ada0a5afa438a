// regularization layers.
import type { AnyLayerDef } from './layer-def.ts';

export const regularizationLayers: readonly AnyLayerDef[] = [];

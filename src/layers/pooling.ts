// pooling layers.
import type { AnyLayerDef } from './layer-def.ts';

export const poolingLayers: readonly AnyLayerDef[] = [];

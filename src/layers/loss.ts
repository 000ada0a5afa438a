// loss layers.
import type { AnyLayerDef } from './layer-def.ts';

export const lossLayers: readonly AnyLayerDef[] = [];

// sampling layers.
import type { AnyLayerDef } from './layer-def.ts';

export const samplingLayers: readonly AnyLayerDef[] = [];

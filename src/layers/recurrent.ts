// recurrent layers.
import type { AnyLayerDef } from './layer-def.ts';

export const recurrentLayers: readonly AnyLayerDef[] = [];

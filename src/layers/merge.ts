// merge layers.
import type { AnyLayerDef } from './layer-def.ts';

export const mergeLayers: readonly AnyLayerDef[] = [];

// attention layers.
import type { AnyLayerDef } from './layer-def.ts';

export const attentionLayers: readonly AnyLayerDef[] = [];

// convolution layers.
import type { AnyLayerDef } from './layer-def.ts';

export const convolutionLayers: readonly AnyLayerDef[] = [];

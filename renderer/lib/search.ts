// Layer search for the palette and quick-add: kind, title and description, best matches first.
import { layerCatalogue } from '../../src/layers/registry.ts';
import type { AnyLayerDef } from '../../src/layers/layer-def.ts';

export function searchLayers(query: string): AnyLayerDef[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...layerCatalogue];
  const score = (l: AnyLayerDef) => {
    const kind = l.kind.toLowerCase();
    if (kind === q) return 0;
    if (kind.startsWith(q)) return 1;
    if (kind.includes(q) || l.title.toLowerCase().includes(q)) return 2;
    if (l.description.toLowerCase().includes(q) || l.family.includes(q)) return 3;
    return 9;
  };
  return layerCatalogue
    .map((l) => [l, score(l)] as const)
    .filter(([, s]) => s < 9)
    .sort((a, b) => a[1] - b[1])
    .map(([l]) => l);
}

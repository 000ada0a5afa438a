// Big generated projects for the editor's benchmarks and the big-graph e2e checks: residual MLPs of
// any length, laid out either as one long column (a deep network as users draw it) or as a grid
// that fits the 1440×900 window at the canvas's lowest zoom (every node on screen at once).
import type { DocEdge, DocNode, NetloomDocument } from '../src/document/schema.ts';

export type Arrangement = 'chain' | 'grid';

/** The block every fourth layer repeats: Dense(64) → ReLU → Dense(64) → Add(skip). */
const blockKinds = ['Dense', 'ReLU', 'Dense', 'Add'] as const;

/** Node ids of the generated layers, in chain order (the Input is `x`, the Output `out`). */
export function layerId(k: number): string {
  return `n${k}`;
}

/** Where layer k sits: one column, or rows of `columns` read left to right, top to bottom. */
function place(k: number, layers: number, arrangement: Arrangement): { x: number; y: number } {
  if (arrangement === 'chain') return { x: 0, y: (k + 1) * 120 };
  // The canvas at 1440×900 is about 920×850 px; cells of 240×120 fill it at zoom ≈ 0.07 for 5,000.
  const columns = Math.max(1, Math.ceil(Math.sqrt(((layers + 2) * 120 * 920) / (240 * 850))));
  const at = k + 1;
  return { x: (at % columns) * 240, y: Math.floor(at / columns) * 120 };
}

/**
 * A residual MLP of `layers` layers between an Input [N, 64] and an Output: blocks of Dense(64) →
 * ReLU → Dense(64) → Add with the block's input. Valid as generated (no diagnostics).
 */
export function residualMlp(layers: number, arrangement: Arrangement = 'chain'): NetloomDocument {
  const nodes: DocNode[] = [
    { id: 'x', kind: 'Input', name: 'x', params: { shape: [64] }, position: place(-1, layers, arrangement) },
  ];
  const edges: DocEdge[] = [];
  const wire = (from: string, to: string, port: string): void => {
    edges.push({
      id: `${from}->${to}:${port}`,
      source: { node: from, port: 'y' },
      target: { node: to, port },
    });
  };
  let prev = 'x';
  let skip = 'x';
  for (let k = 0; k < layers; k++) {
    const id = layerId(k);
    const kind = blockKinds[k % blockKinds.length]!;
    const params: Record<string, unknown> =
      kind === 'Dense' ? { units: 64 } : kind === 'Add' ? { inputs: 2 } : {};
    nodes.push({ id, kind, params, position: place(k, layers, arrangement) });
    if (kind === 'Add') {
      wire(prev, id, 'x0');
      wire(skip, id, 'x1');
      skip = id;
    } else wire(prev, id, 'x');
    prev = id;
  }
  nodes.push({
    id: 'out',
    kind: 'Output',
    name: 'y',
    params: {},
    position: place(layers, layers, arrangement),
  });
  wire(prev, 'out', 'x');
  return {
    format: 'netloom',
    version: 1,
    name: `residual MLP, ${layers} layers`,
    description: '',
    nodes,
    edges,
    groups: [],
  };
}

/** The first Dense of the block nearest the middle: the layer a benchmark's edit changes. */
export function middleDense(layers: number): string {
  const block = Math.floor(layers / 2 / blockKinds.length);
  return layerId(block * blockKinds.length);
}

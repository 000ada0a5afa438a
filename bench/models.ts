// The models the training benchmarks time, shared by the in-process and child-process rows.
import type { NetloomDocument } from '../src/document/schema.ts';
import { loadTemplate } from '../src/templates/catalogue.ts';

export const batch = 64;

function chain(
  input: number[],
  layers: { kind: string; params?: Record<string, unknown> }[],
): NetloomDocument {
  const nodes: NetloomDocument['nodes'] = [
    { id: 'input', kind: 'Input', name: 'input', params: { shape: input }, position: { x: 0, y: 0 } },
  ];
  const edges: NetloomDocument['edges'] = [];
  let prev = 'input';
  layers.forEach((l, i) => {
    const id = `n${i}`;
    nodes.push({ id, kind: l.kind, params: l.params ?? {}, position: { x: 0, y: 0 } });
    edges.push({ id: `e${i}`, source: { node: prev, port: 'y' }, target: { node: id, port: 'x' } });
    prev = id;
  });
  nodes.push({ id: 'output', kind: 'Output', name: 'output', params: {}, position: { x: 0, y: 0 } });
  edges.push({ id: 'eo', source: { node: prev, port: 'y' }, target: { node: 'output', port: 'x' } });
  return { format: 'netloom', version: 1, name: 'bench', description: '', nodes, edges, groups: [] };
}

export const mlp = chain(
  [784],
  [{ kind: 'Dense', params: { units: 128 } }, { kind: 'ReLU' }, { kind: 'Dense', params: { units: 10 } }],
);

export const lenet = chain(
  [1, 28, 28],
  [
    { kind: 'Conv2d', params: { outChannels: 6, kernelSize: [5, 5], padding: [2, 2] } },
    { kind: 'ReLU' },
    { kind: 'MaxPool2d', params: { kernelSize: [2, 2] } },
    { kind: 'Conv2d', params: { outChannels: 16, kernelSize: [5, 5] } },
    { kind: 'ReLU' },
    { kind: 'MaxPool2d', params: { kernelSize: [2, 2] } },
    { kind: 'Flatten' },
    { kind: 'Dense', params: { units: 120 } },
    { kind: 'ReLU' },
    { kind: 'Dense', params: { units: 84 } },
    { kind: 'ReLU' },
    { kind: 'Dense', params: { units: 10 } },
  ],
);

export type ModelName = 'mlp' | 'lenet' | 'lenet5-template' | 'gpt-mini';

/** The document, its input shape, and whether its own training setup (the template's) is used. */
export function benchModel(name: ModelName): { doc: NetloomDocument; shape: number[]; own: boolean } {
  if (name === 'mlp') return { doc: mlp, shape: [784], own: false };
  if (name === 'lenet') return { doc: lenet, shape: [1, 28, 28], own: false };
  if (name === 'gpt-mini') return { doc: loadTemplate('gpt-mini')!, shape: [64], own: true };
  return { doc: loadTemplate('lenet5')!, shape: [1, 28, 28], own: true };
}

// Small documents for tests, built the way a user wires them.
import type { DocEdge, DocNode, NetloomDocument } from '../../src/document/schema.ts';

export interface Step {
  readonly kind: string;
  readonly params?: Record<string, unknown>;
  readonly id?: string;
}

/** Input → steps… → Output, each wired output 'y' to input 'x'. */
export function chainDoc(
  inputShape: readonly number[],
  steps: readonly Step[],
  dtype = 'float32',
): NetloomDocument {
  const nodes: DocNode[] = [
    {
      id: 'input',
      kind: 'Input',
      name: 'input',
      params: { shape: [...inputShape], dtype },
      position: { x: 0, y: 0 },
    },
  ];
  const edges: DocEdge[] = [];
  let prev = 'input';
  steps.forEach((s, i) => {
    const id = s.id ?? `n${i + 1}`;
    nodes.push({ id, kind: s.kind, params: s.params ?? {}, position: { x: 0, y: 100 * (i + 1) } });
    edges.push({ id: `e${i}`, source: { node: prev, port: 'y' }, target: { node: id, port: 'x' } });
    prev = id;
  });
  nodes.push({
    id: 'output',
    kind: 'Output',
    name: 'output',
    params: {},
    position: { x: 0, y: 100 * (steps.length + 1) },
  });
  edges.push({ id: 'e_out', source: { node: prev, port: 'y' }, target: { node: 'output', port: 'x' } });
  return { format: 'netloom', version: 1, name: 'test', description: '', nodes, edges, groups: [] };
}

export function doc(nodes: DocNode[], edges: [string, string][]): NetloomDocument {
  return {
    format: 'netloom',
    version: 1,
    name: 'test',
    description: '',
    nodes,
    edges: edges.map(([from, to], i) => {
      const [sn, sp] = from.split(':') as [string, string];
      const [tn, tp] = to.split(':') as [string, string];
      return { id: `e${i}`, source: { node: sn, port: sp ?? 'y' }, target: { node: tn, port: tp ?? 'x' } };
    }),
    groups: [],
  };
}

export function node(id: string, kind: string, params: Record<string, unknown> = {}, name?: string): DocNode {
  return { id, kind, params, position: { x: 0, y: 0 }, ...(name ? { name } : {}) };
}

/** LeNet-5 for 28×28 digits, as torch writes it (the MNIST test and the training benchmarks). */
export function lenet5() {
  return chainDoc(
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
}

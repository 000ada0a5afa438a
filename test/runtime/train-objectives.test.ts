// Which weights an objective trains: every unfrozen node's, or those of named nodes and (nested)
// groups — how a GAN's two objectives split one document's parameters.
import { describe, expect, test } from 'vitest';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import { objectiveParams, prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import { chainDoc } from '../helpers/doc.ts';

function grouped() {
  const doc = chainDoc(
    [4],
    [
      { kind: 'Dense', params: { units: 8 }, id: 'g1' },
      { kind: 'ReLU', id: 'a1' },
      { kind: 'Dense', params: { units: 8 }, id: 'd1' },
      { kind: 'ReLU', id: 'a2' },
      { kind: 'Dense', params: { units: 2 }, id: 'd2' },
    ],
  );
  doc.groups = [
    { id: 'generator', name: 'Generator', collapsed: false },
    { id: 'discriminator', name: 'Discriminator', collapsed: false },
    { id: 'head', name: 'Head', collapsed: false, parent: 'discriminator' },
  ];
  for (const n of doc.nodes) {
    if (n.id === 'g1') n.group = 'generator';
    if (n.id === 'd1') n.group = 'discriminator';
    if (n.id === 'd2') n.group = 'head';
  }
  return doc;
}

describe('objective parameters', () => {
  test('groups select their nodes, nested groups included; all skips frozen nodes', () => {
    const doc = grouped();
    const setup = parseTrainingSetup({
      objectives: [
        { name: 'D', loss: { kind: 'cross-entropy', output: 'output' }, params: ['discriminator'] },
        { name: 'G', loss: { kind: 'cross-entropy', output: 'output' }, params: ['generator'] },
        { name: 'all', loss: { kind: 'cross-entropy', output: 'output' } },
      ],
    });
    const p = prepareDocumentTraining(doc, setup, { batchSize: 4 });
    expect(p.objectives[0]!.params).toEqual(['d1.weight', 'd1.bias', 'd2.weight', 'd2.bias']);
    expect(p.objectives[1]!.params).toEqual(['g1.weight', 'g1.bias']);
    expect(p.objectives[2]!.params).toHaveLength(6);
    doc.nodes.find((n) => n.id === 'd1')!.frozen = true;
    expect(objectiveParams(doc, p.weights, setup.objectives[2]!)).toEqual([
      'g1.weight',
      'g1.bias',
      'd2.weight',
      'd2.bias',
    ]);
  });

  test('unknown nodes, groups and losses are named', () => {
    const doc = grouped();
    const bad = (o: Record<string, unknown>) => () =>
      prepareDocumentTraining(doc, parseTrainingSetup({ objectives: [o] }), { batchSize: 2 });
    expect(bad({ name: 'x', loss: { kind: 'mse', output: 'output' }, params: ['critic'] })).toThrow(
      'Objective "x" trains "critic", which is neither a node nor a group',
    );
    expect(bad({ loss: 'nope' })).toThrow(
      'The training setup names the loss "nope", which is not a node of the graph',
    );
    expect(bad({ loss: 'd1' })).toThrow(
      `Node "d1" (Dense) is not a loss: it has no 'loss' output and no scalar output`,
    );
  });
});

// train.py's reading of the training setup equals Netloom's trainer's on every template: the same
// Input takes the data and the same the labels, each objective trains the same weights and has a
// prediction (for accuracy) exactly when Netloom's does.
import { describe, expect, test } from 'vitest';
import { nodeName } from '../../src/compile/lower.ts';
import { readTorchGraph } from '../../src/pytorch/graph.ts';
import { planObjectives } from '../../src/pytorch/objectives.ts';
import { prepareDocumentTraining } from '../../src/runtime/document-training.ts';
import { documentTrainingSetup } from '../../src/compile/training-setup.ts';
import { loadTemplate, templateNames } from '../../src/templates/catalogue.ts';

describe('objectives as Netloom reads them', () => {
  test.each(templateNames())('%s', (name) => {
    const doc = loadTemplate(name)!;
    const setup = documentTrainingSetup(doc);
    const g = readTorchGraph(doc);
    const plans = planObjectives(g, setup);
    const p = prepareDocumentTraining(doc, setup, { batchSize: 2 });
    const nodeOfWeight = new Map(p.weights.map((w) => [w.id, w.node]));
    expect(plans).toHaveLength(p.objectives.length);
    plans.forEach((plan, k) => {
      const o = p.objectives[k]!;
      expect(nodeName(g.nodes.get(plan.features)!.doc), 'features').toBe(o.model.features);
      const targets =
        plan.targets === undefined
          ? undefined
          : 'node' in plan.targets
            ? nodeName(g.nodes.get(plan.targets.node)!.doc)
            : plan.targets.builtinName;
      expect(targets, 'targets').toBe(o.model.targets);
      expect(plan.prediction !== undefined, 'has a prediction').toBe(o.model.prediction !== undefined);
      expect([...plan.trains].sort(), 'trained nodes').toEqual(
        [...new Set(o.params.map((w) => nodeOfWeight.get(w)!))].sort(),
      );
    });
  });
});

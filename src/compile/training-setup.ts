// A document's training setup, read the same way by every place that trains or exports it (the
// runtime's trainer, the PyTorch package, the CLI): the document's own `training`, or for a graph
// without one, its first loss layer, else cross-entropy on its Output, with the default optimizer.
import type { NetloomDocument } from '../document/schema.ts';
import type { TrainingSetup } from '../autodiff/training-schema.ts';
import { parseTrainingSetup } from '../autodiff/training-schema.ts';
import { layerDef } from '../layers/registry.ts';
import { NetloomError } from '../util/errors.ts';

export function documentTrainingSetup(doc: NetloomDocument): TrainingSetup {
  if (doc.training) return parseTrainingSetup(doc.training);
  const loss = doc.nodes.find((n) => layerDef(n.kind)?.family === 'loss');
  const out = doc.nodes.find((n) => n.kind === 'Output');
  if (!loss && !out) {
    throw new NetloomError(
      'bad-argument',
      'This graph has nothing to train: add a loss layer (e.g. CrossEntropy) fed by the prediction and a target Input',
    );
  }
  return parseTrainingSetup({
    objectives: [{ loss: loss ? loss.id : { kind: 'cross-entropy', output: out!.id } }],
  });
}

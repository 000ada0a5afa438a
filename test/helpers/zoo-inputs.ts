// The CNN zoo at small inputs, for the tests that run it. The zoo's global and adaptive pools make
// the weights independent of the input side, so a small image exercises every layer and weight
// torchvision has (at 32×32 VGG-16's last map is 1×1, which AdaptiveAvgPool2d(7) spreads to 7×7)
// for a fraction of the 224×224 cost. The templates themselves stay at 224×224.
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { Graph } from '../../src/ir/types.ts';
import { numel } from '../../src/ir/types.ts';

/** Template → the smallest input side that keeps every layer valid. */
export const zooInputSides: Readonly<Record<string, number>> = {
  resnet18: 32,
  resnet34: 32,
  resnet50: 32,
  alexnet: 63,
  vgg16: 32,
  googlenet: 32,
  'mobilenet-v2': 32,
};

export function withInputSide(doc: NetloomDocument, side: number): NetloomDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) =>
      n.kind === 'Input' ? { ...n, params: { ...n.params, shape: [3, side, side] } } : n,
    ),
  };
}

/**
 * The same graph with every weight of at least `minElements` numbers turned into a graph input of
 * its shape: the ONNX file keeps every node, attribute and shape but not hundreds of megabytes of
 * initializers (VGG-16's first Linear alone is 411 MB), which cost the checker and onnxruntime
 * seconds each without checking anything the smaller initializers do not.
 */
export function bigWeightsAsInputs(graph: Graph, minElements: number): Graph {
  const big = graph.weights.filter((w) => numel(w.shape) >= minElements);
  const lifted = new Set(big.map((w) => w.id));
  return {
    ...graph,
    weights: graph.weights.filter((w) => !lifted.has(w.id)),
    inputs: [...graph.inputs, ...big.map((w) => ({ value: w.id, name: w.id, node: w.node, batched: false }))],
  };
}

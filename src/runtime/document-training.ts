// From a Document and its training setup to what the loop runs: per objective, the training-mode
// graph with its loss, prediction and which inputs take features and targets; an inference-mode
// graph for validation; the parameters each objective updates.
import type { NetloomDocument, DocNode } from '../document/schema.ts';
import { groupChain, groupParents } from '../document/groups.ts';
import type { Lowered } from '../compile/lower.ts';
import { fixedBatch } from '../compile/lower.ts';
import { nodeName } from '../compile/lower-node.ts';
import { lowerOrThrow } from '../compile/diagnostics.ts';
import type { Weight } from '../ir/types.ts';
import type { WeightValues } from '../ir/weights.ts';
import { materializeWeights } from '../ir/weights.ts';
import { GraphEditor } from '../autodiff/graph-editor.ts';
import { appendLoss, targetType } from '../autodiff/losses.ts';
import type { ObjectiveSetup, TrainingSetup, WeightAverageSetup } from '../autodiff/training-schema.ts';
import { NetloomError } from '../util/errors.ts';
import type { Rng } from '../util/random.ts';
import type { HostTensor } from './tensors.ts';
import type { BatchFeeds, ModelGraph, TrainerObjective } from './train-loop.ts';
import { diffusionFeeds, linearSchedule } from './diffusion.ts';
import { objectiveStepGraph } from './train-loop.ts';
import type { StepGraph } from '../autodiff/step-graph.ts';
import type { StepRunnerOptions } from './step-runner.ts';
import { StepRunner, TensorStore } from './step-runner.ts';
import { numel } from '../ir/types.ts';

export interface PreparedTraining {
  readonly objectives: TrainerObjective[];
  readonly evalModel: ModelGraph;
  /** Noise for the evaluation graph's other inputs (a RandomNormal is an input there). */
  readonly evalFeeds?: (batch: number, rng: Rng) => Record<string, HostTensor>;
  /** A diffusion objective's feeds for evaluation batches (x_t, t, ε from fixed noise). */
  readonly evalBatchFeeds?: BatchFeeds;
  readonly weights: readonly Weight[];
  readonly initial: Map<string, Float32Array>;
  /** The setup's moving average of the weights (train() hands out the average). */
  readonly ema?: WeightAverageSetup;
}

function nodeById(doc: NetloomDocument, id: string, what: string): DocNode {
  const n = doc.nodes.find((m) => m.id === id);
  if (!n) {
    throw new NetloomError(
      'bad-argument',
      `The training setup names ${what} "${id}", which is not a node of the graph`,
      {
        path: 'training',
      },
    );
  }
  return n;
}

/** The IR value of a node's output port ('y' unless "node:port"); an Output node's value is its graph output. */
function valueOf(doc: NetloomDocument, l: Lowered, ref: string): string {
  const [id, port] = ref.includes(':') ? (ref.split(':') as [string, string]) : [ref, undefined];
  const n = nodeById(doc, id, 'the output');
  if (n.kind === 'Output') {
    const o = l.graph.outputs.find((x) => x.node === id);
    if (o) return o.value;
  }
  const v = l.portValues.get(`${id}:${port ?? 'y'}`);
  if (!v) throw new NetloomError('bad-argument', `Node "${nodeName(n)}" has no output "${port ?? 'y'}"`);
  return v;
}

function sourceOf(
  doc: NetloomDocument,
  node: string,
  port: string,
): { node: string; port: string } | undefined {
  return doc.edges.find((e) => e.target.node === node && e.target.port === port)?.source;
}

/** The graph-input name of an Input node (its name, else its id). */
function inputName(doc: NetloomDocument, id: string): string | undefined {
  const n = doc.nodes.find((m) => m.id === id);
  return n && n.kind === 'Input' ? nodeName(n) : undefined;
}

function modelGraph(doc: NetloomDocument, l: Lowered, o: ObjectiveSetup, setup: TrainingSetup): ModelGraph {
  let graph = l.graph as ModelGraph['graph'];
  let loss: string;
  let prediction: string | undefined;
  let targets = setup.inputs?.targets;
  if (typeof o.loss === 'string') {
    const n = nodeById(doc, o.loss, 'the loss');
    // A loss layer's output, or any node giving a scalar (e.g. an Add of two losses for a GAN's
    // discriminator: loss on real + loss on generated images).
    const scalar = l.portValues.get(`${o.loss}:y`);
    const v =
      l.portValues.get(`${o.loss}:loss`) ??
      l.graph.outputs.find((x) => x.node === o.loss && x.role === 'loss')?.value ??
      (scalar !== undefined && l.graph.values.get(scalar)?.shape.length === 0 ? scalar : undefined);
    if (!v) {
      throw new NetloomError(
        'bad-argument',
        `Node "${nodeName(n)}" (${n.kind}) is not a loss: it has no 'loss' output and no scalar output`,
        {
          path: 'training.objectives',
        },
      );
    }
    loss = v;
    const src = sourceOf(doc, o.loss, 'x');
    const tsrc = sourceOf(doc, o.loss, 'target');
    // Accuracy compares a prediction with the data's labels: only when the labels are its target.
    if (src && tsrc) prediction = l.portValues.get(`${src.node}:${src.port}`);
    if (!targets && tsrc) targets = inputName(doc, tsrc.node);
  } else {
    const pred = valueOf(doc, l, o.loss.output);
    const g = new GraphEditor(l.graph, 'loss');
    const name = targets ?? 'target';
    const tt = targetType(o.loss.kind, g.shape(pred));
    const t = g.values.has(name) ? name : g.input(name, tt, true);
    loss = appendLoss(g, o.loss.kind, pred, t);
    graph = { ...g.build(), stateUpdates: l.graph.stateUpdates };
    prediction = pred;
    targets = name;
  }
  if (o.prediction) prediction = valueOf(doc, l, o.prediction);
  const names = graph.inputs.map((i) => i.value);
  const timestep = o.diffusion ? timestepInput(doc, graph, o.diffusion.timestep) : undefined;
  // The data goes to an Input node; other graph inputs (a RandomNormal's noise in an inference
  // graph) are fed noise.
  const fromInputNode = new Set(
    graph.inputs.filter((i) => doc.nodes.find((n) => n.id === i.node)?.kind === 'Input').map((i) => i.value),
  );
  // An autoencoder compares its output with its own input: the one data Input is the features,
  // and the dataset's labels feed nothing (nor is there an accuracy).
  if (targets && !setup.inputs?.targets && fromInputNode.size === 1 && fromInputNode.has(targets)) {
    targets = undefined;
    prediction = undefined;
  }
  const features =
    setup.inputs?.features ??
    names.find((n) => n !== targets && n !== timestep && fromInputNode.has(n)) ??
    names.find((n) => n !== targets && n !== timestep);
  if (!features) throw new NetloomError('bad-argument', 'The graph has no Input node to feed the data to');
  if (!names.includes(features)) {
    throw new NetloomError(
      'bad-argument',
      `There is no Input named "${features}" (inputs: ${names.join(', ')})`,
    );
  }
  if (o.diffusion) {
    if (!targets || features === timestep) {
      throw new NetloomError(
        'bad-argument',
        `Objective "${o.name}" is a diffusion objective: its loss needs a target (the noise ε) and the image Input must differ from the timestep Input`,
        { path: 'training.objectives' },
      );
    }
    // The loss compares predicted with drawn noise: there is no class accuracy to report.
    prediction = undefined;
  }
  return { graph, loss, ...(prediction ? { prediction } : {}), features, ...(targets ? { targets } : {}) };
}

/** The graph-input value of a diffusion objective's timestep Input node. */
function timestepInput(doc: NetloomDocument, graph: ModelGraph['graph'], id: string): string {
  const i = graph.inputs.find((x) => x.node === id);
  const n = doc.nodes.find((m) => m.id === id);
  if (!i || n?.kind !== 'Input') {
    throw new NetloomError(
      'bad-argument',
      `The diffusion objective's timestep "${id}" is not an Input node of the graph`,
      { path: 'training.objectives.diffusion.timestep' },
    );
  }
  return i.value;
}

/** A diffusion objective's feeds: the batch's images noised at a drawn step (src/runtime/diffusion.ts). */
function diffusionBatchFeeds(doc: NetloomDocument, m: ModelGraph, o: ObjectiveSetup): BatchFeeds | undefined {
  if (!o.diffusion) return undefined;
  const schedule = linearSchedule(o.diffusion);
  const names = {
    features: m.features,
    timestep: timestepInput(doc, m.graph, o.diffusion.timestep),
    target: m.targets!,
  };
  return (b, rng) => diffusionFeeds(schedule, names, b, rng);
}

/** Weight ids an objective trains: every unfrozen node's, or those of the named nodes and groups. */
export function objectiveParams(
  doc: NetloomDocument,
  weights: readonly Weight[],
  o: ObjectiveSetup,
): string[] {
  const nodes = new Map(doc.nodes.map((n) => [n.id, n]));
  const parentOf = groupParents(doc.groups);
  const inGroup = (n: DocNode, gid: string): boolean => groupChain(parentOf, n.group).includes(gid);
  const chosen = (n: DocNode): boolean => {
    if (o.params === 'all') return !n.frozen;
    return o.params.some((p) => p === n.id || inGroup(n, p));
  };
  if (o.params !== 'all') {
    for (const p of o.params) {
      if (!nodes.has(p) && !parentOf.has(p)) {
        throw new NetloomError(
          'bad-argument',
          `Objective "${o.name}" trains "${p}", which is neither a node nor a group`,
        );
      }
    }
  }
  return weights.filter((w) => w.role === 'param' && chosen(nodes.get(w.node)!)).map((w) => w.id);
}

/** Standard-normal noise for every graph input that is neither the features nor the targets. */
function noiseFeeds(
  m: ModelGraph,
  fed: readonly string[] = [],
): ((b: number, rng: Rng) => Record<string, HostTensor>) | undefined {
  const extra = m.graph.inputs.filter(
    (i) => i.value !== m.features && i.value !== m.targets && !fed.includes(i.value),
  );
  if (extra.length === 0) return undefined;
  return (b, rng) => {
    const out: Record<string, HostTensor> = {};
    for (const i of extra) {
      const v = m.graph.values.get(i.value)!;
      const shape = [b, ...v.shape.slice(1)];
      const data = new Float32Array(numel(shape));
      for (let k = 0; k < data.length; k++) data[k] = rng.normal();
      out[i.value] = { dtype: 'float32', shape, data };
    }
    return out;
  };
}

export function prepareDocumentTraining(
  doc: NetloomDocument,
  setup: TrainingSetup,
  opts: {
    batchSize?: number;
    seed?: number;
    weights?: WeightValues;
    optimizer?: Partial<ObjectiveSetup['optimizer']>;
  } = {},
): PreparedTraining {
  const batch = opts.batchSize ?? setup.batchSize;
  const fixed = fixedBatch(doc);
  if (fixed !== undefined && fixed !== batch) {
    throw new NetloomError(
      'bad-argument',
      `This model runs at batch ${fixed} only (the file it was imported from spells that size out in its shapes); set the batch size to ${fixed}`,
      { path: 'training.batchSize' },
    );
  }
  const train = lowerOrThrow(doc, { mode: 'training', batch });
  const infer = lowerOrThrow(doc, { mode: 'inference', batch: 1 });
  const weights = train.graph.weights;
  const objectives: TrainerObjective[] = setup.objectives.map((o) => {
    const model = modelGraph(doc, train, o, setup);
    const batchFeeds = diffusionBatchFeeds(doc, model, o);
    const feeds = noiseFeeds(
      model,
      o.diffusion ? [timestepInput(doc, model.graph, o.diffusion.timestep)] : [],
    );
    return {
      name: o.name,
      model,
      params: objectiveParams(doc, weights, o),
      optimizer: { ...o.optimizer, ...(opts.optimizer ?? {}) },
      ...(feeds ? { extraFeeds: feeds } : {}),
      ...(batchFeeds ? { batchFeeds } : {}),
    };
  });
  const first = setup.objectives[0]!;
  const evalModel = modelGraph(doc, infer, first, setup);
  const evalBatchFeeds = diffusionBatchFeeds(doc, evalModel, first);
  const evalFeeds = noiseFeeds(
    evalModel,
    first.diffusion ? [timestepInput(doc, evalModel.graph, first.diffusion.timestep)] : [],
  );
  const initial = materializeWeights(weights, opts.seed ?? setup.seed, opts.weights);
  return {
    objectives,
    evalModel,
    ...(evalFeeds ? { evalFeeds } : {}),
    ...(evalBatchFeeds ? { evalBatchFeeds } : {}),
    weights,
    initial,
    ...(setup.ema ? { ema: setup.ema } : {}),
  };
}

/**
 * One objective's step, ready to run by hand (a step at a time, outside train()): its graph, a
 * store holding the prepared initial weights, and the runner.
 */
export async function preparedStepRunner(
  p: PreparedTraining,
  opts: StepRunnerOptions = {},
  objective = 0,
): Promise<{ step: StepGraph; store: TensorStore; runner: StepRunner }> {
  const step = objectiveStepGraph(p.objectives[objective]!, objective);
  const store = await TensorStore.fromWeights(p.initial, new Map(p.weights.map((w) => [w.id, w.shape])));
  return { step, store, runner: await StepRunner.create(step, store, opts) };
}

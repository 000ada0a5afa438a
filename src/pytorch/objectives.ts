// The document's training setup (compile/training-setup.ts) read the way Netloom's trainer reads it
// (runtime/document-training.ts: modelGraph, objectiveParams): which value is each
// objective's loss and prediction, which Input takes the data and which the labels, which weights
// each objective trains. A test holds the two readings together on every template.
import type { DocNode, NetloomDocument } from '../document/schema.ts';
import { nodeName } from '../compile/lower.ts';
import type { LossKind } from '../autodiff/losses.ts';
import type { ObjectiveSetup, TrainingSetup } from '../autodiff/training-schema.ts';
import { NetloomError } from '../util/errors.ts';
import type { PortRef, TorchGraph } from './graph.ts';
import { portRef } from './graph.ts';

export interface ObjectivePlan {
  readonly setup: ObjectiveSetup;
  /** The loss value (a loss layer's or a scalar node's), or a built-in loss on `prediction`. */
  readonly loss: { readonly value: PortRef } | { readonly builtin: LossKind; readonly on: PortRef };
  /** Compared with the labels for accuracy. */
  readonly prediction: PortRef | undefined;
  /** Input node ids fed the batch's features and targets (targets may be a built-in loss's own). */
  readonly features: string;
  readonly targets: { readonly node: string } | { readonly builtinName: string } | undefined;
  /** Node ids whose weights this objective trains (weight owners). */
  readonly trains: readonly string[];
  /** True when it trains every unfrozen node (the optimizer then takes all trainable parameters). */
  readonly trainsAll: boolean;
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

/** "node" or "node:port" as a value; an Output node stands for the value it receives. */
function valueOf(g: TorchGraph, ref: string): PortRef {
  const [id, port] = ref.includes(':') ? (ref.split(':') as [string, string]) : [ref, undefined];
  const n = nodeById(g.doc, id, 'the output');
  if (n.kind === 'Output') {
    const src = g.nodes.get(id)?.sources['x'];
    if (src) return src;
  }
  const p = port ?? 'y';
  if (!g.nodes.get(id)?.types.outputs[p]) {
    throw new NetloomError('bad-argument', `Node "${nodeName(n)}" has no output "${p}"`);
  }
  return portRef(id, p);
}

function inputNodeByName(doc: NetloomDocument, name: string): DocNode | undefined {
  return doc.nodes.find((n) => n.kind === 'Input' && nodeName(n) === name);
}

/** Weight-owning node ids an objective trains: every unfrozen node's, or the named nodes' and groups'. */
function trainedNodes(g: TorchGraph, o: ObjectiveSetup): string[] {
  const doc = g.doc;
  const parentOf = new Map(doc.groups.map((x) => [x.id, x.parent]));
  const inGroup = (n: DocNode, gid: string): boolean => {
    for (let x = n.group; x !== undefined; x = parentOf.get(x)) if (x === gid) return true;
    return false;
  };
  if (o.params !== 'all') {
    for (const p of o.params) {
      if (!doc.nodes.some((n) => n.id === p) && !parentOf.has(p)) {
        throw new NetloomError(
          'bad-argument',
          `Objective "${o.name}" trains "${p}", which is neither a node nor a group`,
        );
      }
    }
  }
  const chosen = (n: DocNode): boolean =>
    o.params === 'all' ? !n.frozen : o.params.some((p) => p === n.id || inGroup(n, p));
  return paramOwners(g).filter((id) => chosen(g.nodes.get(id)!.doc));
}

/** Nodes that own trainable weights (BatchNorm's running statistics are state, not parameters). */
export function paramOwners(g: TorchGraph): string[] {
  const owners = new Set(g.lowered.graph.weights.filter((w) => w.role === 'param').map((w) => w.node));
  return g.modules.map((m) => m.node).filter((id) => owners.has(id));
}

export function planObjectives(g: TorchGraph, setup: TrainingSetup): ObjectivePlan[] {
  const doc = g.doc;
  const inputs = g.lowered.graph.inputs.map((i) => i.node);
  const inputNodes = inputs.filter((id) => g.nodes.get(id)?.doc.kind === 'Input');
  return setup.objectives.map((o) => {
    let loss: ObjectivePlan['loss'];
    let prediction: PortRef | undefined;
    let targetsName = setup.inputs?.targets;
    let builtinTarget: string | undefined;
    if (typeof o.loss === 'string') {
      const n = nodeById(doc, o.loss, 'the loss');
      const tn = g.nodes.get(n.id)!;
      const out = tn.types.outputs;
      const value = out['loss']
        ? portRef(n.id, 'loss')
        : out['y'] && out['y'].shape.length === 0
          ? portRef(n.id, 'y')
          : undefined;
      if (!value) {
        throw new NetloomError(
          'bad-argument',
          `Node "${nodeName(n)}" (${n.kind}) is not a loss: it has no 'loss' output and no scalar output`,
          { path: 'training.objectives' },
        );
      }
      loss = { value };
      const src = tn.sources['x'];
      const tsrc = tn.sources['target'];
      if (src && tsrc) prediction = src;
      if (!targetsName && tsrc) {
        const t = g.nodes.get(tsrc.slice(0, tsrc.lastIndexOf(':')))!.doc;
        if (t.kind === 'Input') targetsName = nodeName(t);
      }
    } else {
      const on = valueOf(g, o.loss.output);
      loss = { builtin: o.loss.kind, on };
      prediction = on;
      targetsName = targetsName ?? 'target';
      if (!inputNodeByName(doc, targetsName)) builtinTarget = targetsName;
    }
    if (o.prediction) prediction = valueOf(g, o.prediction);
    // An autoencoder compares its output with its own input: the labels feed nothing.
    const targetNode = targetsName !== undefined ? inputNodeByName(doc, targetsName) : undefined;
    let targets: ObjectivePlan['targets'] = targetNode
      ? { node: targetNode.id }
      : builtinTarget !== undefined
        ? { builtinName: builtinTarget }
        : undefined;
    if (targetNode && !setup.inputs?.targets && inputNodes.length === 1 && inputNodes[0] === targetNode.id) {
      targets = undefined;
      prediction = undefined;
    }
    const targetId = targets && 'node' in targets ? targets.node : undefined;
    let features: string | undefined;
    if (setup.inputs?.features) {
      const f = inputNodeByName(doc, setup.inputs.features);
      if (!f) {
        throw new NetloomError(
          'bad-argument',
          `There is no Input named "${setup.inputs.features}" (inputs: ${inputNodes.map((i) => nodeName(g.nodes.get(i)!.doc)).join(', ')})`,
        );
      }
      features = f.id;
    } else features = inputNodes.find((id) => id !== targetId);
    if (!features) throw new NetloomError('bad-argument', 'The graph has no Input node to feed the data to');
    const trains = trainedNodes(g, o);
    // A diffusion objective compares predicted with drawn noise: no accuracy (as the trainer).
    if (o.diffusion) prediction = undefined;
    return {
      setup: o,
      loss,
      prediction,
      features,
      targets,
      trains,
      trainsAll: o.params === 'all' && trains.length === paramOwners(g).length,
    };
  });
}

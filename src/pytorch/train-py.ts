// train.py: the project's training setup (objectives and their losses, optimizers, schedule,
// batch, epochs, seed, data) written out, followed by the loop every export shares.
import { nodeName } from '../compile/lower.ts';
import type { TrainingSetup } from '../autodiff/training-schema.ts';
import { scheduleSchema } from '../autodiff/schedules.ts';
import { emitStatements } from './emit.ts';
import type { PortRef, TorchGraph } from './graph.ts';
import { ancestors, moduleAttributeNames, portRef, readingOrder, splitRef } from './graph.ts';
import type { HelperName } from './helpers.ts';
import { helpers } from './helpers.ts';
import type { ForwardSignature } from './model-py.ts';
import { helperDefinitions } from './model-py.ts';
import type { ModuleTree } from './module-tree.ts';
import type { ObjectivePlan } from './objectives.ts';
import { paramOwners } from './objectives.ts';
import { call, kwargs, pyBool, pyFloat, pyIdentifier, pyNumber, pyString, pyTuple, wrap } from './python.ts';
import { trainLoopPy } from './train-loop-py.ts';

export interface TrainPyInput {
  readonly g: TorchGraph;
  readonly tree: ModuleTree;
  readonly sig: ForwardSignature;
  readonly className: string;
  readonly setup: TrainingSetup;
  readonly plans: readonly ObjectivePlan[];
  /** Helpers defined in model.py (network helpers used here are added to it). */
  readonly networkHelpers: Set<HelperName>;
}

const builtinLoss: Readonly<Record<string, string>> = {
  mse: 'F.mse_loss',
  l1: 'F.l1_loss',
  'cross-entropy': 'F.cross_entropy',
  // The built-in BCE of `netloom train` clamps the log at -100, as torch does.
  bce: 'F.binary_cross_entropy',
  'bce-logits': 'F.binary_cross_entropy_with_logits',
};

/** Any JSON value as a Python literal. */
function pyValue(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return pyBool(v);
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'string') return pyString(v);
  if (Array.isArray(v)) return `[${v.map(pyValue).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${pyString(k)}: ${pyValue(x)}`)
    .join(', ')}}`;
}

interface ObjectiveMethod {
  readonly name: string;
  readonly lines: readonly string[];
  /** Trainable module nodes the loss reaches (for DDP's find_unused_parameters). */
  readonly reaches: ReadonlySet<string>;
}

function describeLoss(g: TorchGraph, plan: ObjectivePlan): string {
  if ('builtin' in plan.loss) {
    const [id] = splitRef(plan.loss.on);
    return `the built-in ${plan.loss.builtin} loss on "${nodeName(g.nodes.get(id)!.doc)}"`;
  }
  const [id] = splitRef(plan.loss.value);
  const n = g.nodes.get(id)!.doc;
  return `the loss of node "${nodeName(n)}" (${n.kind})`;
}

function objectiveMethod(
  input: TrainPyInput,
  plan: ObjectivePlan,
  name: string,
  trainUse: Set<HelperName>,
): ObjectiveMethod {
  const { g, tree, sig } = input;
  const features = g.nodes.get(plan.features)!.doc;
  const fname = pyIdentifier(nodeName(features));
  const tname =
    plan.targets === undefined
      ? '_labels'
      : 'node' in plan.targets
        ? pyIdentifier(nodeName(g.nodes.get(plan.targets.node)!.doc))
        : pyIdentifier(plan.targets.builtinName);
  const reserved = new Set([fname, tname, 'model', 'self', ...Object.keys(helpers)]);
  const use = (h: HelperName): string => {
    if (helpers[h].home === 'model') input.networkHelpers.add(h);
    else trainUse.add(h);
    return h;
  };
  const batch = `${fname}.shape[0]`;
  const device = `${fname}.device`;
  const lossRefs: PortRef[] = 'builtin' in plan.loss ? [plan.loss.on] : [plan.loss.value];
  const wanted = plan.prediction ? [...lossRefs, plan.prediction] : lossRefs;
  const order = readingOrder(
    g,
    wanted.map((r) => splitRef(r)[0]),
  );

  const given = new Map<PortRef, string>([[portRef(plan.features, 'y'), fname]]);
  if (plan.targets && 'node' in plan.targets) given.set(portRef(plan.targets.node, 'y'), tname);
  const lines: string[] = [];
  const names = new Set(reserved);
  // Other Inputs the loss reads get standard normal noise, as in Netloom's trainer.
  for (const id of order) {
    const n = g.nodes.get(id)!;
    if (n.doc.kind !== 'Input' || given.has(portRef(id, 'y'))) continue;
    const v = pyIdentifier(nodeName(n.doc));
    names.add(v);
    given.set(portRef(id, 'y'), v);
    const shape = (n.params['shape'] as number[]).map(String);
    lines.push(`${v} = ${use('noise')}(${[batch, ...shape].join(', ')}, device=${device})`);
  }

  // Loss-side nodes: the losses and what combines them (a sum of losses).
  const lossSide = new Set<string>();
  for (const id of order) {
    const n = g.nodes.get(id)!;
    if (n.family === 'loss' || Object.values(n.sources).some((r) => lossSide.has(splitRef(r)[0])))
      lossSide.add(id);
  }
  const fromNetwork = new Set<PortRef>();
  for (const id of lossSide) {
    for (const r of Object.values(g.nodes.get(id)!.sources))
      if (!lossSide.has(splitRef(r)[0])) fromNetwork.add(r);
  }
  if ('builtin' in plan.loss) fromNetwork.add(plan.loss.on);
  if (plan.prediction) fromNetwork.add(plan.prediction);
  const outputValues = new Map(sig.outputs.map((o) => [o.value, o.name] as const));
  const producible = sig.args.every(
    (a) => given.has(portRef(a.node, 'y')) || g.nodes.get(a.node)!.doc.kind === 'RandomNormal',
  );
  const simple =
    sig.outputs.length > 0 &&
    producible &&
    [...fromNetwork].every((r) => outputValues.has(r) || given.has(r));

  const keep = new Map<PortRef, string>();
  for (const r of lossRefs) keep.set(r, 'loss');
  if (plan.prediction && !keep.has(plan.prediction)) {
    const out = sig.outputs.find((o) => o.value === plan.prediction);
    keep.set(plan.prediction, out ? out.name : 'prediction');
  }
  const emitCommon = { graph: g, tree, root: 'model', batch, device, use };
  let vars: ReadonlyMap<PortRef, string>;
  if (simple) {
    // The loss reads only what forward() returns: call the model, then compute the loss.
    const noiseArgs = sig.args.filter((a) => !given.has(portRef(a.node, 'y'))).map((a) => a.node);
    const drawn = emitStatements({
      ...emitCommon,
      nodes: noiseArgs,
      given,
      keep: new Map(noiseArgs.map((id) => [portRef(id, 'y'), sig.args.find((a) => a.node === id)!.name])),
      reserved: names,
    });
    lines.push(...drawn.lines);
    const afterCall = new Map(drawn.vars);
    const outNames = sig.outputs.map((o) => {
      if (afterCall.has(o.value)) return afterCall.get(o.value)!;
      let v = pyIdentifier(o.name);
      for (let k = 2; names.has(v); k++) v = `${pyIdentifier(o.name)}_${k}`;
      names.add(v);
      afterCall.set(o.value, v);
      return v;
    });
    const args = sig.args.map((a) => afterCall.get(portRef(a.node, 'y'))!);
    lines.push(`${outNames.join(', ')} = model(${args.join(', ')})`);
    const rest = emitStatements({
      ...emitCommon,
      nodes: order.filter((id) => lossSide.has(id)),
      given: afterCall,
      keep,
      reserved: names,
    });
    lines.push(...rest.lines);
    vars = rest.vars;
  } else {
    const all = emitStatements({ ...emitCommon, nodes: order, given, keep, reserved: names });
    lines.push(...all.lines);
    vars = all.vars;
  }
  let lossVar: string;
  if ('builtin' in plan.loss) {
    const target = tname === '_labels' ? fname : tname;
    lines.push(`loss = ${builtinLoss[plan.loss.builtin]}(${vars.get(plan.loss.on)}, ${target})`);
    lossVar = 'loss';
  } else lossVar = vars.get(plan.loss.value)!;
  const predVar = plan.prediction ? vars.get(plan.prediction) : undefined;
  lines.push(`return ${lossVar}, ${predVar ?? 'None'}`);

  const owners = new Set(paramOwners(g));
  const reaches = new Set<string>();
  for (const id of ancestors(g, lossRefs)) {
    const m = g.moduleOf.get(id);
    if (m !== undefined && owners.has(m)) reaches.add(m);
  }
  const opt = plan.setup.optimizer;
  const doc = [
    `Objective "${plan.setup.name}": ${describeLoss(g, plan)}; it trains ${
      plan.trainsAll ? 'every weight' : `${plan.trains.length} node(s)`
    } with ${opt.name} (lr ${pyNumber(opt.lr)}).`,
  ];
  const header = [
    `def ${name}(self, ${fname}: Tensor, ${tname}: Tensor) -> Tuple[Tensor, Optional[Tensor]]:`,
    ...wrap(doc.join(' '), 96, '    ').map((l, i, a) =>
      i === 0
        ? l.replace(/^ {4}/, '    """') + (a.length === 1 ? '"""' : '')
        : i === a.length - 1
          ? `${l}"""`
          : l,
    ),
    '    model = self.model',
  ];
  return { name, lines: [...header, ...lines.map((l) => `    ${l}`)], reaches };
}

/** torchvision's usual MNIST constants, which Netloom's MNIST uses (runtime/datasets/mnist.ts). */
export const mnistNormalization = { mean: 0.1307, std: 0.3081 } as const;

function optimizerLine(plan: ObjectivePlan): string {
  const o = plan.setup.optimizer;
  const params = plan.trainsAll
    ? 'list(model.parameters())'
    : call('params_of', ['model', ...plan.trains.map((id) => pyString(id))]);
  const extra = kwargs(
    ['momentum', o.momentum ?? -1, -1],
    ['beta1', o.beta1, 0.9],
    ['beta2', o.beta2, 0.999],
    ['eps', o.eps ?? -1, -1],
    ['alpha', o.alpha, 0.99],
    ['weight_decay', o.weightDecay ?? -1, -1],
  );
  const opt = call(
    'make_optimizer',
    [params, `optimizer or ${pyString(o.name)}`, `lr or ${pyFloat(o.lr)}`],
    extra,
  );
  const stepArgs = [pyString(plan.setup.name), opt];
  const more = kwargs(['clip_norm', o.clipNorm ?? -1, -1], ['l1', o.l1, 0]);
  return call('Step', stepArgs, more);
}

export function trainPy(input: TrainPyInput): string {
  const { g, setup, plans, className } = input;
  const doc = g.doc;
  if (plans.some((p) => p.setup.diffusion)) return diffusionRefusal(doc.name, className);
  const trainUse = new Set<HelperName>();
  const methodNames = new Set<string>(['forward', 'model']);
  const methods = plans.map((plan) => {
    let name = pyIdentifier(plan.setup.name);
    if (moduleAttributeNames.has(name)) name = `${name}_`;
    while (methodNames.has(name)) name = `${name}_`;
    methodNames.add(name);
    return objectiveMethod(input, plan, name, trainUse);
  });
  const owners = paramOwners(g);
  const findUnused = methods.some((m) => owners.some((o) => !m.reaches.has(o)));

  const features = g.nodes.get(plans[0]!.features)!;
  const inputShape = features.params['shape'] as number[];
  const dataset = setup.dataset;
  const normalize = setup.normalizeInputs && dataset === 'mnist';
  const schedule = setup.schedule ? scheduleSchema.parse(setup.schedule) : undefined;
  const imported = [...input.networkHelpers].filter((h) => helpers[h].home === 'model');

  const settings = [
    "# The project's training setup; the flags override some of it (python train.py --help).",
    `NAME = ${pyString(doc.name)}`,
    `MODEL = ${className}  # the network (model.py)`,
    `DATASET = ${dataset ? pyString(dataset) : 'None'}  # what Netloom trains on; data/ holds a copy, --data reads another`,
    `INPUT_SHAPE = ${pyTuple(inputShape)}  # one example, as Input "${nodeName(features.doc)}" takes it`,
    `INPUT_DTYPE = ${pyString(String(features.params['dtype'] ?? 'float32'))}`,
    `BATCH_SIZE = ${setup.batchSize}  # the global batch, split evenly across processes`,
    `EPOCHS = ${setup.epochs}`,
    `SEED = ${setup.seed}`,
    `VALIDATION_SPLIT = ${pyFloat(setup.validationSplit)}  # held out as Netloom does: the end of a shuffle seeded by SEED`,
    normalize
      ? `NORMALIZE = (${pyFloat(mnistNormalization.mean)}, ${pyFloat(mnistNormalization.std)})  # pixels standardised as (v - mean) / std, as Netloom does for MNIST`
      : 'NORMALIZE = None  # pixels (bytes) are scaled to [0, 1]; other features are used as they are',
    `SCHEDULE = ${schedule ? pyValue(schedule) : 'None'}  # learning-rate multiplier per step (see lr_factor)`,
    `# DistributedDataParallel must know when a loss leaves some trained weights out.`,
    `FIND_UNUSED_PARAMETERS = ${pyBool(findUnused)}`,
  ];

  const dispatch =
    methods.length === 1
      ? [`        return self.${methods[0]!.name}(x, y)`]
      : methods.flatMap((m, k) =>
          k === methods.length - 1
            ? [`        return self.${m.name}(x, y)`]
            : [`        if k == ${k}:`, `            return self.${m.name}(x, y)`],
        );
  const objectivesClass = [
    'class Objectives(nn.Module):',
    '    """The project\'s objectives on the model, one method each, stepped in this order for every',
    "    batch. DistributedDataParallel wraps this module, so each objective's pass goes through it and",
    '    the gradients are averaged across processes."""',
    '',
    `    def __init__(self, model: ${className}) -> None:`,
    '        super().__init__()',
    '        self.model = model',
    '',
    '    def forward(self, k: int, x: Tensor, y: Tensor) -> Tuple[Tensor, Optional[Tensor]]:',
    '        """Objective k\'s loss on a batch (features x, labels y), and its prediction (or None)."""',
    ...dispatch,
    ...methods.flatMap((m) => ['', ...m.lines.map((l) => `    ${l}`)]),
  ];
  const stepsFn = [
    `def make_steps(model: ${className}, optimizer: Optional[str] = None, lr: Optional[float] = None) -> List[Step]:`,
    '    """One optimizer per objective with the project\'s settings; optimizer and lr override them all."""',
    '    return [',
    ...plans.map((p) => `        ${optimizerLine(p)},`),
    '    ]',
  ];
  const header = [
    `"""${doc.name}: training with PyTorch, on one process or many (torchrun).`,
    '',
    `Generated by Netloom from the project "${doc.name}": the objectives, losses, optimizers and`,
    "settings are the project's; the loop below them is plain PyTorch (torch.distributed).",
    '',
    '    python train.py                          # one process: a GPU if there is one, else the CPU',
    '    torchrun --nproc_per_node=4 train.py     # 4 processes here (NCCL on GPUs, gloo on CPUs)',
    '',
    'README.md has the commands for several machines and for continuing from weights trained in Netloom.',
    '"""',
    'from __future__ import annotations',
    '',
    'import argparse',
    'import json',
    'import math',
    'import os',
    'import sys',
    'import time',
    'from dataclasses import dataclass',
    'from typing import Dict, List, Optional, Tuple',
    '',
    'import torch',
    'import torch.distributed as dist',
    'import torch.nn.functional as F',
    'from torch import Tensor, nn',
    'from torch.nn.parallel import DistributedDataParallel',
    'from torch.utils.data import DataLoader, DistributedSampler, Subset',
    '',
    'from data import load_dataset, validation_split',
    `from model import ${[className, ...imported].join(', ')}`,
    'from safetensors_file import load_file, save_file',
  ];
  const trainHelpers = helperDefinitions(trainUse);
  return [
    ...header,
    '',
    ...settings,
    '',
    ...trainHelpers.flatMap((c) => ['', c, '']),
    '',
    ...objectivesClass,
    '',
    '',
    ...stepsFn,
    '',
    '',
    trainLoopPy,
  ]
    .join('\n')
    .replace(/\n{4,}/g, '\n\n\n');
}

/**
 * A diffusion objective's loop (draw t and ε, noise the batch) is not written as PyTorch yet:
 * train.py says so when run, rather than training the network on the wrong targets; model.py
 * (the U-Net) is complete.
 */
function diffusionRefusal(name: string, className: string): string {
  return [
    `"""${name}: training script.`,
    '',
    'This project trains with a diffusion objective (the trainer draws a step t and noise, and the',
    `network ${className} in model.py learns to predict the noise). That loop is not written as`,
    'PyTorch yet: train it in Netloom (netloom train) and load its weights into model.py."""',
    'import sys',
    '',
    `from model import ${className}`,
    'from safetensors_file import load_file',
    '',
    `MODEL = ${className}  # the network (model.py); load_file reads weights trained in Netloom`,
    '',
    'if __name__ == "__main__":',
    `    sys.exit(${pyString(`${name}: its diffusion objective is not exported as PyTorch yet; train it with \`netloom train\``)})`,
    '',
  ].join('\n');
}

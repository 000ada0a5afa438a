// The training step as ONE plain graph of ONNX ops (IR): weights, optimizer state, a batch and the
// learning rate in; the loss, any metric outputs, new weights and new state out. The runtime
// serialises it (serializeStepGraph) and onnxruntime-web runs it with an ordinary
// InferenceSession, once per step.
import type { Graph, Weight } from '../ir/types.ts';
import type { StateUpdate } from '../ir/builder.ts';
import { NetloomError } from '../util/errors.ts';
import { backward } from './backward.ts';
import { GraphEditor } from './graph-editor.ts';
import { unrollFusedRecurrent } from './unroll-recurrent.ts';
import type { OptimizerConfig, ResolvedOptimizer, StateSlot } from './optimizers.ts';
import { applyOptimizer, resolveOptimizer } from './optimizers.ts';
import { numel } from '../ir/types.ts';
import { simplifyGraph } from '../ir/simplify.ts';

export interface StepGraphOptions {
  /** The forward graph lowered in training mode (with the loss computed inside it). */
  readonly forward: Graph & { readonly stateUpdates?: readonly StateUpdate[] };
  /** The scalar loss value. */
  readonly loss: string;
  /** Weight ids the optimizer updates; the other weights are fed but left unchanged. */
  readonly params: readonly string[];
  readonly optimizer: OptimizerConfig;
  /** Values to return as well (predictions for metrics), by output name. */
  readonly extraOutputs?: Readonly<Record<string, string>>;
  /** Whether this graph also advances state weights (BatchNorm running stats); default true. */
  readonly updateState?: boolean;
  /**
   * Names this graph's optimizer state (`${name}::exp_avg`, …); step graphs that share one weight
   * store (a GAN's two objectives) need different names. Default 'opt'.
   */
  readonly stateName?: string;
}

/** A feed that carries over between steps: the output `next` replaces the input `input`. */
export interface CarriedValue {
  readonly input: string;
  readonly next: string;
}

export interface StepGraph {
  readonly graph: Graph;
  readonly optimizer: ResolvedOptimizer;
  /** All weights of the model, each fed under its id. */
  readonly weights: readonly Weight[];
  /** Optimizer state, initialised by the runtime (zeros) and then carried. */
  readonly optimizerState: readonly StateSlot[];
  /** Weights and optimizer state whose new values come out of each step. */
  readonly carried: readonly CarriedValue[];
  /** Per-step scalar inputs (learning rate, bias corrections). */
  readonly scalars: readonly string[];
  /** The batch inputs (the model's graph inputs). */
  readonly dataInputs: readonly string[];
  readonly lossOutput: string;
  readonly extraOutputs: readonly string[];
  /** Parameters the loss does not depend on (left unchanged). */
  readonly unreached: readonly string[];
}

export const lossOutputName = 'loss';
export const nextName = (input: string): string => `${input}::next`;

export function buildStepGraph(opts: StepGraphOptions): StepGraph {
  // Fused RNN/GRU/LSTM ops (an imported model's) train as the unrolled cells they compute.
  const fw = unrollFusedRecurrent(opts.forward);
  const g = new GraphEditor(fw);
  const weights = [...fw.weights];
  const known = new Set(weights.map((w) => w.id));
  for (const p of opts.params) {
    if (!known.has(p)) throw new NetloomError('bad-argument', `There is no weight "${p}" to train`);
  }
  // Every weight becomes a graph input, so updates from this or another step graph (a GAN's
  // other objective) are fed in rather than baked in.
  const dataInputs = fw.inputs.map((i) => i.value);
  g.weights = [];
  for (const w of weights) g.inputs.push({ value: w.id, name: w.id, node: w.node, batched: false });
  g.outputs = [];

  const ls = g.shape(opts.loss);
  if (numel(ls) !== 1) {
    throw new NetloomError(
      'bad-argument',
      `The loss must be a single number; it has shape [${ls.join(', ')}]`,
    );
  }
  const grads = backward(g, opts.loss, opts.params);
  const optimizer = resolveOptimizer(opts.optimizer);
  const pairs = opts.params.filter((p) => grads.has(p)).map((p) => ({ param: p, grad: grads.get(p)! }));
  const unreached = opts.params.filter((p) => !grads.has(p));
  g.node = 'optimizer';
  const opt = applyOptimizer(g, pairs, optimizer, opts.stateName ?? 'opt');

  g.expose(opts.loss, lossOutputName);
  const extraOutputs: string[] = [];
  for (const [name, v] of Object.entries(opts.extraOutputs ?? {})) {
    g.expose(v, name);
    extraOutputs.push(name);
  }
  const carried: CarriedValue[] = [];
  for (const [p, v] of opt.next) {
    g.expose(v, nextName(p));
    carried.push({ input: p, next: nextName(p) });
  }
  for (const s of opt.state) {
    g.expose(s.next, nextName(s.slot.name));
    carried.push({ input: s.slot.name, next: nextName(s.slot.name) });
  }
  if (opts.updateState ?? true) {
    for (const u of fw.stateUpdates ?? []) {
      g.expose(u.value, nextName(u.weight));
      carried.push({ input: u.weight, next: nextName(u.weight) });
    }
  }
  // What a runtime would fold or skip is done here, so the session loads a smaller file.
  const { graph } = simplifyGraph(g.build());
  return {
    graph,
    optimizer,
    weights,
    optimizerState: opt.state.map((s) => s.slot),
    carried,
    scalars: opt.scalars,
    dataInputs,
    lossOutput: lossOutputName,
    extraOutputs,
    unreached,
  };
}

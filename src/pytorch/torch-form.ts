// How one layer kind reads as PyTorch: the torch.nn module that holds its weights (so the module's
// state_dict names are Netloom's weight names) and the Python that computes its outputs. Each
// family's forms sit in the file named like the layer family in src/layers; registry.ts holds them
// in one table, and a test fails for a layer kind that has none.
import type { TensorType } from '../ir/types.ts';
import type { LayerDef } from '../layers/layer-def.ts';
import type { HelperName } from './helpers.ts';

/** The tensors a node reads and writes, by port (batch axis included, as lowered). */
export interface NodeTypes {
  readonly inputs: Readonly<Record<string, TensorType | undefined>>;
  readonly outputs: Readonly<Record<string, TensorType>>;
}

/** What a form's Python is written against. */
export interface FormArgs<P> {
  readonly p: P;
  readonly t: NodeTypes;
  /** Python names of the connected inputs, by port (always plain variables). */
  readonly x: Readonly<Record<string, string | undefined>>;
  /** The node's module: its attribute path, or its owner's for a node that shares weights. */
  readonly m: string;
  /** Whether the model is training: "self.training" in model.py, "model.training" in train.py. */
  readonly training: string;
  /** An expression for the batch size of this pass (noise is drawn per example). */
  readonly batch: string;
  /** An expression for the device the data is on. */
  readonly device: string;
  /** Asks for a helper (function or class) in the generated file; returns its name. */
  use(helper: HelperName): string;
}

/**
 * The Python for a node: one expression for a layer with one output, or statements that assign
 * the output variables (named by port) for layers that unpack tuples.
 */
export type TorchCode =
  string | { readonly lines: (out: Readonly<Record<string, string>>) => readonly string[] };

export interface TorchForm<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly kind: string;
  /**
   * The constructor of the module that holds the layer's weights or buffers, e.g.
   * "nn.Conv2d(1, 6, 5, padding=2)"; undefined (or returning undefined) when the layer is a
   * plain function of its inputs.
   */
  readonly module?: (p: P, t: NodeTypes, use: (h: HelperName) => string) => string | undefined;
  readonly call: (a: FormArgs<P>) => TorchCode;
  /**
   * Parameters that change only the call, not the module: a node that shares another's weights may
   * differ in these (one module, called two ways — an embedding's lookup and its tied output layer).
   */
  readonly callOnly?: readonly string[];
  /** Why torch has no module for this configuration; undefined when it has one. */
  readonly unsupported?: (p: P, t: NodeTypes) => string | undefined;
}

// The table holds forms of different parameter types side by side, as the layer registry does.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTorchForm = TorchForm<any>;

/** A layer's PyTorch form, typed by the layer's own parameter schema. */
export function torchForm<P extends Record<string, unknown>>(
  layer: LayerDef<P>,
  form: Omit<TorchForm<P>, 'kind'>,
): TorchForm<P> {
  return { kind: layer.kind, ...form };
}

// A document as the generator reads it: its lowering (shapes, resolved parameters), each node's
// PyTorch form, and the torch module tree that carries Netloom's weight names. Anything torch
// cannot hold under those names is refused here, naming the node and why.
import type { DocNode, NetloomDocument } from '../document/schema.ts';
import type { Lowered } from '../compile/lower.ts';
import { hasErrors } from '../compile/diagnostics.ts';
import { lowerDocument, nodeName } from '../compile/lower.ts';
import { portsOf } from '../layers/layer-def.ts';
import { layerDef } from '../layers/registry.ts';
import { NetloomError } from '../util/errors.ts';
import type { HelperName } from './helpers.ts';
import { isPyIdentifier } from './python.ts';
import { torchFormOf } from './registry.ts';
import type { AnyTorchForm, NodeTypes } from './torch-form.ts';

/** "node:port" — one output of one node. */
export type PortRef = string;

export const portRef = (node: string, port: string): PortRef => `${node}:${port}`;

export interface TorchNode {
  readonly doc: DocNode;
  readonly form: AnyTorchForm;
  readonly params: Record<string, unknown>;
  readonly types: NodeTypes;
  /** The source of each connected input port. */
  readonly sources: Readonly<Record<string, PortRef>>;
  /** Output ports in the layer's order. */
  readonly outputs: readonly string[];
  readonly family: string;
}

export interface ModuleLeaf {
  readonly node: string;
  /** The module's constructor, e.g. "nn.Conv2d(1, 6, 5, padding=2)". */
  readonly constructor: string;
  readonly segments: readonly string[];
  /** The name of the node's group (block), for a comment where a block's modules begin. */
  readonly group: string | undefined;
}

export interface TorchGraph {
  readonly doc: NetloomDocument;
  readonly lowered: Lowered;
  readonly nodes: ReadonlyMap<string, TorchNode>;
  /** Node ids in lowering (topological) order. */
  readonly order: readonly string[];
  /** Nodes that own a module, in order; a node sharing weights uses its owner's. */
  readonly modules: readonly ModuleLeaf[];
  /** The module a node calls: its own, or its weight owner's. */
  readonly moduleOf: ReadonlyMap<string, string>;
  /** Who reads each output: (node, port) pairs. */
  readonly consumers: ReadonlyMap<PortRef, readonly { node: string; port: string }[]>;
  /** Helpers the modules' constructors need (SeparableConv2d, …). */
  readonly moduleHelpers: ReadonlySet<HelperName>;
}

// Attributes of torch.nn.Module, ModuleList and ModuleDict (torch 1.13 and 2.x): a submodule of one
// of these names cannot be registered or would hide the method.
const moduleAttributes = new Set(
  (
    'T_destination append apply bfloat16 buffers call_super_init children clear compile cpu cuda double ' +
    'dump_patches eval extend extra_repr float forward get_buffer get_extra_state get_parameter ' +
    'get_submodule half insert ipu items keys load_state_dict modules mtia named_buffers named_children ' +
    'named_modules named_parameters parameters pop register_backward_hook register_buffer ' +
    'register_forward_hook register_forward_pre_hook register_full_backward_hook ' +
    'register_full_backward_pre_hook register_load_state_dict_post_hook register_load_state_dict_pre_hook ' +
    'register_module register_parameter register_state_dict_post_hook register_state_dict_pre_hook ' +
    'requires_grad_ set_extra_state set_submodule share_memory smart_apply state_dict to to_empty train ' +
    'training type update values xpu zero_grad'
  ).split(' '),
);

/** Why a module name cannot carry this weight name in torch; undefined when it can. */
export function moduleNameProblem(segment: string): string | undefined {
  if (segment === '') return 'an empty part between dots, which torch cannot name';
  if (moduleAttributes.has(segment) || segment.startsWith('_'))
    return `"${segment}", which torch.nn.Module uses for itself`;
  return undefined;
}

export const moduleAttributeNames: ReadonlySet<string> = moduleAttributes;

function refuse(n: DocNode, why: string): never {
  throw new NetloomError('unsupported-op', `Node "${nodeName(n)}" (${n.kind}): ${why}`, { nodeId: n.id });
}

function sameParams(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return Object.keys({ ...a, ...b }).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** Lowers the document (inference mode, batch 1) and reads it as torch modules and calls. */
export function readTorchGraph(doc: NetloomDocument): TorchGraph {
  const lowered = lowerDocument(doc, { mode: 'inference', batch: 1 });
  if (hasErrors(lowered)) {
    const lines = lowered.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => {
        const n = d.node ? lowered.nodes.get(d.node)?.name : undefined;
        return `${n ? `node "${n}"` : 'graph'}${d.field ? ` field ${d.field}` : ''}: ${d.message}`;
      });
    throw new NetloomError('graph-has-errors', `The graph has errors:\n${lines.join('\n')}`);
  }
  const docNodes = new Map(doc.nodes.map((n) => [n.id, n]));
  const sourcesOf = new Map<string, Record<string, PortRef>>();
  const consumers = new Map<PortRef, { node: string; port: string }[]>();
  for (const e of doc.edges) {
    const s = sourcesOf.get(e.target.node) ?? {};
    s[e.target.port] = portRef(e.source.node, e.source.port);
    sourcesOf.set(e.target.node, s);
    const key = portRef(e.source.node, e.source.port);
    consumers.set(key, [...(consumers.get(key) ?? []), { node: e.target.node, port: e.target.port }]);
  }

  const nodes = new Map<string, TorchNode>();
  for (const id of lowered.order) {
    const doc_ = docNodes.get(id)!;
    const report = lowered.nodes.get(id)!;
    const def = layerDef(doc_.kind)!;
    const form = torchFormOf(doc_.kind);
    if (!form) refuse(doc_, `Netloom has no PyTorch form for the layer kind ${doc_.kind}`);
    const wired = sourcesOf.get(id) ?? {};
    const params = report.resolvedParams as Record<string, unknown>;
    // In the layer's port order, so code visits x0 before x1.
    const sources: Record<string, PortRef> = {};
    for (const p of portsOf(def.inputs, params)) if (wired[p.name]) sources[p.name] = wired[p.name]!;
    const inputs: NodeTypes['inputs'] = Object.fromEntries(
      Object.entries(sources).map(([port, ref]) => {
        const [src, srcPort] = splitRef(ref);
        return [port, lowered.nodes.get(src)?.outputs[srcPort]];
      }),
    );
    const types: NodeTypes = { inputs, outputs: report.outputs };
    const why = form.unsupported?.(params, types);
    if (why) refuse(doc_, why);
    const outputs = Object.keys(report.outputs);
    nodes.set(id, { doc: doc_, form, params, types, sources, outputs, family: def.family });
  }

  const helpers = new Set<HelperName>();
  const use = (h: HelperName): string => {
    helpers.add(h);
    return h;
  };
  const modules: ModuleLeaf[] = [];
  const moduleOf = new Map<string, string>();
  const groupName = new Map(doc.groups.map((x) => [x.id, x.name]));
  // Declared in reading order (each output's chain, then the losses'), so blocks stay together.
  const firstOutputs = lowered.order.filter((id) => docNodes.get(id)!.kind === 'Output');
  const losses = lowered.order.filter((id) => layerDef(docNodes.get(id)!.kind)?.family === 'loss');
  const declared = readingOrder({ nodes }, [...firstOutputs, ...losses, ...lowered.order]);
  for (const id of declared) {
    const n = nodes.get(id)!;
    if (n.doc.sharesWeightsWith !== undefined) continue;
    const ctor = n.form.module?.(n.params, n.types, use);
    if (ctor === undefined) continue;
    const group = n.doc.group !== undefined ? (groupName.get(n.doc.group) ?? n.doc.group) : undefined;
    modules.push({ node: id, constructor: ctor, segments: id.split('.'), group });
    moduleOf.set(id, id);
  }
  for (const id of lowered.order) {
    const n = nodes.get(id)!;
    const owner = n.doc.sharesWeightsWith;
    if (owner === undefined) continue;
    const o = nodes.get(owner)!;
    // torch shares weights by calling one module twice, so both uses must be the same module.
    const callOnly = new Set(n.form.callOnly ?? []);
    const differ = sameParams(n.params, o.params).filter((k) => !callOnly.has(k));
    if (differ.length) {
      refuse(
        n.doc,
        `it shares the weights of "${nodeName(o.doc)}" but differs in ${differ.join(', ')}; in PyTorch a ` +
          `shared layer is one module called twice, so both must have the same settings`,
      );
    }
    if (moduleOf.has(owner)) moduleOf.set(id, owner);
  }
  checkModuleNames(modules, nodes);
  return {
    doc,
    lowered,
    nodes,
    order: lowered.order,
    modules,
    moduleOf,
    consumers,
    moduleHelpers: helpers,
  };
}

/** The nodes `refs` depend on (themselves included), by following wires upstream. */
export function ancestors(
  g: { readonly nodes: ReadonlyMap<string, Pick<TorchNode, 'sources'>> },
  refs: readonly PortRef[],
): Set<string> {
  const seen = new Set<string>();
  const stack = refs.map((r) => splitRef(r)[0]);
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const ref of Object.values(g.nodes.get(id)!.sources)) stack.push(splitRef(ref)[0]);
  }
  return seen;
}

/**
 * The nodes `refs` depend on, each after its inputs, following each input chain to its end before
 * the next (depth first): code reads as one branch after another, not layer by layer across branches.
 */
export function readingOrder(
  g: { readonly nodes: ReadonlyMap<string, Pick<TorchNode, 'sources'>> },
  nodeIds: readonly string[],
): string[] {
  const done = new Set<string>();
  const out: string[] = [];
  const visit = (id: string): void => {
    if (done.has(id)) return;
    done.add(id);
    for (const ref of Object.values(g.nodes.get(id)!.sources)) visit(splitRef(ref)[0]);
    out.push(id);
  };
  for (const id of nodeIds) visit(id);
  return out;
}

export function splitRef(ref: PortRef): [string, string] {
  const i = ref.lastIndexOf(':');
  return [ref.slice(0, i), ref.slice(i + 1)];
}

/**
 * The module path of each weight name must be a tree torch can build: no empty parts, no names
 * torch.nn.Module uses itself, plain identifiers at the top, and no module inside another node's.
 */
function checkModuleNames(modules: readonly ModuleLeaf[], nodes: ReadonlyMap<string, TorchNode>): void {
  const leaves = new Map(modules.map((m) => [m.segments.join('.'), m.node]));
  for (const m of modules) {
    const n = nodes.get(m.node)!.doc;
    for (const s of m.segments) {
      const why = moduleNameProblem(s);
      if (why) {
        refuse(
          n,
          `its weights are named "${m.node}.…" in the weights file, and that name has ${why}; rename the node`,
        );
      }
    }
    if (!isPyIdentifier(m.segments[0]!)) {
      refuse(
        n,
        `its weights are named "${m.node}.…"; the first part "${m.segments[0]}" must be a Python name ` +
          `(letters, digits and _) to be an attribute of the model — rename the node`,
      );
    }
    for (let k = 1; k < m.segments.length; k++) {
      const prefix = m.segments.slice(0, k).join('.');
      const inner = leaves.get(prefix);
      if (inner !== undefined) {
        refuse(
          n,
          `its weights ("${m.node}.…") would sit inside the module of node "${nodeName(nodes.get(inner)!.doc)}"; ` +
            `rename one of the two`,
        );
      }
    }
  }
}

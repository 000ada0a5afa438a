// model.py: the network as one nn.Module. __init__ builds the submodules under Netloom's weight
// names; forward() takes the ONNX export's inputs and returns its outputs, computed as the
// document wires them.
import { formatShape } from '../ir/types.ts';
import { emitStatements } from './emit.ts';
import type { PortRef, TorchGraph } from './graph.ts';
import { ancestors, readingOrder, splitRef } from './graph.ts';
import type { HelperName } from './helpers.ts';
import { helpers } from './helpers.ts';
import type { ModuleTree } from './module-tree.ts';
import { pyIdentifier, wrap } from './python.ts';

export interface ForwardSignature {
  /** Argument node ids (Inputs and noise inputs) in the export's input order, with their Python names. */
  readonly args: readonly { readonly node: string; readonly name: string }[];
  /** Returned values, in the export's output order, with the Output nodes' names. */
  readonly outputs: readonly { readonly node: string; readonly value: PortRef; readonly name: string }[];
}

export function forwardSignature(g: TorchGraph): ForwardSignature {
  const taken = new Set<string>();
  const unique = (text: string): string => {
    const b = pyIdentifier(text);
    let n = b;
    for (let k = 2; taken.has(n); k++) n = `${b}_${k}`;
    taken.add(n);
    return n;
  };
  const outputs = g.lowered.graph.outputs
    .filter((o) => o.role === 'output' && g.nodes.get(o.node)?.doc.kind === 'Output')
    .map((o) => ({ node: o.node, value: g.nodes.get(o.node)!.sources['x']!, name: o.name }));
  const needed = ancestors(
    g,
    outputs.map((o) => o.value),
  );
  const args = g.lowered.graph.inputs
    .filter((i) => needed.has(i.node))
    .map((i) => ({ node: i.node, name: unique(i.name) }));
  return { args, outputs: outputs.map((o) => ({ ...o, name: unique(o.name) })) };
}

export function typeText(g: TorchGraph, ref: PortRef): string {
  const [id, port] = splitRef(ref);
  const t = g.nodes.get(id)!.types.outputs[port]!;
  return `${formatShape(t.shape, true)}${t.dtype === 'float32' ? '' : ` ${t.dtype}`}`;
}

export interface ModelPy {
  readonly text: string;
  readonly className: string;
  readonly signature: ForwardSignature;
}

/** Definitions in dependency order: imports first, then helpers, the class last. */
export function helperDefinitions(names: ReadonlySet<HelperName>): string[] {
  return (Object.keys(helpers) as HelperName[]).filter((h) => names.has(h)).map((h) => helpers[h].code);
}

export function modelPy(
  g: TorchGraph,
  tree: ModuleTree,
  className: string,
  networkHelpers: Set<HelperName>,
): ModelPy {
  const sig = forwardSignature(g);
  const given = new Map(sig.args.map((a) => [`${a.node}:y`, a.name] as const));
  // Helpers this file calls itself (a loss as an output needs its loss helper here too).
  const own = new Set<HelperName>();
  const use = (h: HelperName): string => {
    if (helpers[h].home === 'model') networkHelpers.add(h);
    else own.add(h);
    return h;
  };
  const firstArg = sig.args[0]?.name;
  const body = emitStatements({
    graph: g,
    tree,
    nodes: readingOrder(
      g,
      sig.outputs.map((o) => splitRef(o.value)[0]),
    ),
    given,
    root: 'self',
    batch: firstArg ? `${firstArg}.shape[0]` : '1',
    device: firstArg ? `${firstArg}.device` : 'torch.device("cpu")',
    keep: new Map(sig.outputs.map((o) => [o.value, o.name] as const)),
    reserved: new Set(sig.args.map((a) => a.name)),
    use,
  });
  for (const h of g.moduleHelpers) networkHelpers.add(h);

  const doc = g.doc;
  const argsText = sig.args.map((a) => `${a.name}: Tensor`).join(', ');
  const ret =
    sig.outputs.length === 0
      ? 'None'
      : sig.outputs.length === 1
        ? 'Tensor'
        : `Tuple[${sig.outputs.map(() => 'Tensor').join(', ')}]`;
  const returned = sig.outputs.map((o) => body.vars.get(o.value)!);
  const argDocs = sig.args.map((a) => {
    const n = g.nodes.get(a.node)!;
    const what = n.doc.kind === 'RandomNormal' ? ' (noise: draw it, e.g. torch.randn)' : '';
    return `${a.name}: ${typeText(g, `${a.node}:y`)}${what}`;
  });
  const outDocs = sig.outputs.map((o) => `${o.name}: ${typeText(g, o.value)}`);
  const lines: string[] = [];
  lines.push(`class ${className}(nn.Module):`);
  lines.push(`    """${doc.name}`);
  if (doc.description.trim() !== '') {
    lines.push('');
    lines.push(...wrap(doc.description, 100, '    '));
  }
  lines.push('');
  lines.push(
    ...wrap(
      "Submodules carry the names of Netloom's weights file (torch's state_dict names), so " +
        '`load_state_dict(load_file("trained.safetensors"))` loads weights trained in the app.',
      100,
      '    ',
    ),
  );
  lines.push('    """');
  lines.push('');
  lines.push('    def __init__(self) -> None:');
  lines.push('        super().__init__()');
  for (const l of tree.initLines) lines.push(...l.split('\n').map((p) => `        ${p}`));
  lines.push('');
  lines.push(`    def forward(self${argsText ? `, ${argsText}` : ''}) -> ${ret}:`);
  const docLines = [...argDocs.map((d) => `In:  ${d}`), ...outDocs.map((d) => `Out: ${d}`)];
  if (docLines.length) {
    lines.push(`        """${docLines[0]}`);
    for (const d of docLines.slice(1)) lines.push(`        ${d}`);
    lines.push('        """');
  }
  for (const l of body.lines) lines.push(`        ${l}`);
  lines.push(`        return ${returned.length === 0 ? 'None' : returned.join(', ')}`);

  const header = [
    '"""' + `${doc.name}: the network, as one torch.nn.Module.`,
    '',
    `Generated by Netloom from the project "${doc.name}". It needs only PyTorch; train it with train.py.`,
    '"""',
  ];
  const defined = new Set([...networkHelpers, ...own]);
  const needsMath = [...defined].some((h) => helpers[h].imports?.includes('math'));
  const typing = sig.outputs.length > 1 ? 'from typing import Tuple\n\n' : '';
  const text = [
    ...header,
    'from __future__ import annotations',
    '',
    `${needsMath ? 'import math\n' : ''}${typing}import torch`,
    'import torch.nn.functional as F',
    'from torch import Tensor, nn',
    '',
    ...helperDefinitions(defined).flatMap((c) => ['', c, '']),
    '',
    ...lines,
    '',
  ].join('\n');
  return { text: text.replace(/\n{4,}/g, '\n\n\n'), className, signature: sig };
}

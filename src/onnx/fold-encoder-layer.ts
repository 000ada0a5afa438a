// torch.nn.TransformerEncoderLayer after its parts have folded (fold-attention.ts, the LayerNorm,
// Dense and activation patterns) becomes one TransformerEncoderLayer node. Post-norm (torch's
// default): self_attn, the residual Add, norm1, linear1, ReLU or GELU, linear2, the residual Add,
// norm2. Pre-norm (norm_first=True): norm1, self_attn, the residual Add, norm2, linear1, the
// activation, linear2, the residual Add. Each is read only by the next, named as torch names them.
// In torch's default layout (batch_first=False) self_attn sits between two Transposes that swap
// L and N; LayerNorm, Dense and Add act on the last axis, so the whole layer moves between them.
// Under a module path P the layers' weights already carry torch's names (P.self_attn.in_proj_weight,
// P.linear1.weight, …), which are the encoder layer's own; at the top level they gain its id.
import type { DocEdge, DocNode } from '../document/schema.ts';

export interface EncoderFoldTarget {
  readonly nodes: DocNode[];
  readonly edges: DocEdge[];
  readonly weights: Map<string, Float32Array>;
  readonly scopeOf: Map<string, string>;
}

/** The id the top-level module's encoder layer takes (torch's state_dict has no prefix for it). */
const topLevelId = 'encoder_layer';

/** The Transpose(perm [1, 0, 2]) ONNX op node import puts around attention in torch's default layout. */
function isAxisSwap(n: DocNode | undefined): n is DocNode {
  const p = n?.params;
  const perm = p?.['attrs'] && (p['attrs'] as Record<string, unknown>)['perm'];
  const inputs = p?.['inputs'];
  return (
    n?.kind === 'OnnxOp' &&
    p?.['op'] === 'Transpose' &&
    p['outputs'] === 1 &&
    Array.isArray(inputs) &&
    inputs.length === 1 &&
    Array.isArray(perm) &&
    perm.join() === '1,0,2'
  );
}

export function foldEncoderLayers(t: EncoderFoldTarget): number {
  let folded = 0;
  for (const mha of t.nodes.filter((n) => n.kind === 'MultiHeadAttention')) {
    if (foldOne(t, mha)) folded++;
  }
  return folded;
}

function foldOne(t: EncoderFoldTarget, mha: DocNode): boolean {
  if (!mha.id.endsWith('self_attn')) return false;
  const prefix = mha.id.slice(0, -'self_attn'.length);
  if (prefix !== '' && !prefix.endsWith('.')) return false;
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const out = (id: string): DocEdge[] => t.edges.filter((e) => e.source.node === id);
  const into = (id: string): DocEdge[] => t.edges.filter((e) => e.target.node === id);
  /** The one node reading `id`'s only output, through one wire. */
  const next = (id: string): DocNode | undefined => {
    const o = out(id);
    return o.length === 1 ? byId.get(o[0]!.target.node) : undefined;
  };
  const src = into(mha.id);
  if (src.length !== 1 || src[0]!.target.port !== 'q') return false;
  // torch's default layout (batch_first=False): x [L, N, E] reaches self_attn through a Transpose
  // and comes back through another; the whole encoder layer then sits between the two.
  const swapIn = byId.get(src[0]!.source.node);
  const swapOut = next(mha.id);
  const seqFirst =
    isAxisSwap(swapIn) && isAxisSwap(swapOut) && out(swapIn.id).length === 1 && into(swapIn.id).length === 1;
  const attnIn = seqFirst ? into(swapIn.id)[0]!.source : src[0]!.source;
  const p = mha.params;
  if (p['bias'] !== true || p['causal'] !== false || p['needWeights'] !== false) return false;
  const named = (n: DocNode | undefined, name: string, kind: string): n is DocNode =>
    n?.id === `${prefix}${name}` && n.kind === kind;
  // norm_first=True: x → norm1 → self_attn, x + attention → norm2 → feed-forward, + again.
  const pre = byId.get(attnIn.node);
  const normFirst = named(pre, 'norm1', 'LayerNorm') && out(pre.id).length === 1 && into(pre.id).length === 1;
  const x = normFirst ? into(pre.id)[0]!.source : attnIn;
  const attnOut = seqFirst ? swapOut.id : mha.id;
  const add1 = next(attnOut);
  const norm1 = normFirst ? pre : add1 && next(add1.id);
  const norm2 = normFirst ? byId.get(`${prefix}norm2`) : undefined;
  // norm1 (post-norm) or norm2 (pre-norm) feeds the feed-forward block.
  const lin1 = (normFirst ? norm2 : norm1) && byId.get(`${prefix}linear1`);
  const act = lin1 && next(lin1.id);
  const lin2 = act && next(act.id);
  const add2 = lin2 && next(lin2.id);
  const lastNorm = normFirst ? norm2 : add2 && next(add2.id);
  if (!add1 || !norm1 || !lin1 || !act || !lin2 || !add2 || !lastNorm) return false;
  if (!named(norm1, 'norm1', 'LayerNorm') || !named(lastNorm, 'norm2', 'LayerNorm')) return false;
  if (!named(lin1, 'linear1', 'Dense') || !named(lin2, 'linear2', 'Dense')) return false;
  if (add1.kind !== 'Add' || add2.kind !== 'Add' || (act.kind !== 'ReLU' && act.kind !== 'GELU'))
    return false;
  if (act.kind === 'GELU' && act.params['approximate'] !== 'none') return false;
  // The residuals: x + attention, then h + feed-forward, h being norm1 (post-norm) or the first
  // sum (pre-norm), which also feeds the feed-forward block (either operand order).
  const operands = (n: DocNode) => into(n.id).map((e) => `${e.source.node}:${e.source.port}`);
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((v) => b.includes(v));
  if (!same(operands(add1), [`${x.node}:${x.port}`, `${attnOut}:y`])) return false;
  const h = normFirst ? add1 : norm1;
  const ffIn = normFirst ? lastNorm : norm1;
  if (!same(operands(add2), [`${h.id}:y`, `${lin2.id}:y`])) return false;
  if (!same(operands(lin1), [`${ffIn.id}:y`]) || (normFirst && !same(operands(lastNorm), [`${add1.id}:y`]))) {
    return false;
  }
  if (
    out(h.id).length !== 2 ||
    !out(h.id).every((e) => e.target.node === (normFirst ? ffIn : lin1).id || e.target.node === add2.id)
  ) {
    return false;
  }
  if (normFirst && out(lastNorm.id).length !== 1) return false;
  const last = normFirst ? add2 : lastNorm;
  const norm2Node = lastNorm;
  const e1 = norm1.params['eps'];
  const d = Number(p['embedDim']);
  const ok =
    e1 === norm2Node.params['eps'] &&
    [norm1, norm2Node].every(
      (n) => n.params['normalizedShape'] === 1 && n.params['elementwiseAffine'] === true,
    ) &&
    lin2.params['units'] === d &&
    lin1.params['bias'] === true &&
    lin2.params['bias'] === true;
  if (!ok) return false;

  const parts = [mha, add1, norm1, lin1, act, lin2, add2, norm2Node];
  if (seqFirst && into(swapOut.id).length !== 1) return false;
  const id = prefix === '' ? topLevelId : prefix.slice(0, -1);
  if (byId.has(id) && !parts.some((n) => n.id === id)) return false;
  const rename = new Map<string, string>();
  for (const [name, n] of [
    ['self_attn', mha],
    ['norm1', norm1],
    ['norm2', norm2Node],
    ['linear1', lin1],
    ['linear2', lin2],
  ] as const) {
    for (const key of [...t.weights.keys()].filter((k) => k.startsWith(`${n.id}.`))) {
      rename.set(key, `${id}.${name}.${key.slice(n.id.length + 1)}`);
    }
  }
  for (const [from, to] of rename) {
    const v = t.weights.get(from)!;
    t.weights.delete(from);
    t.weights.set(to, v);
  }
  const gone = new Set(parts.map((n) => n.id));
  const node: DocNode = {
    id,
    kind: 'TransformerEncoderLayer',
    params: {
      dModel: d,
      nHead: p['numHeads'],
      dimFeedforward: lin1.params['units'],
      // The file is torch's eval graph: no dropout in it, none here.
      dropout: 0,
      activation: act.kind === 'ReLU' ? 'relu' : 'gelu',
      normFirst,
      layerNormEps: e1,
      causal: false,
    },
    position: { x: 0, y: 0 },
  };
  const at = t.nodes.indexOf(mha);
  const kept = t.nodes.filter((n) => !gone.has(n.id));
  const after = kept.findIndex((n) => t.nodes.indexOf(n) > at);
  kept.splice(after < 0 ? kept.length : after, 0, node);
  t.nodes.splice(0, t.nodes.length, ...kept);
  const scope = t.scopeOf.get(mha.id);
  const parent = scope?.includes('.') ? scope.slice(0, scope.lastIndexOf('.')) : undefined;
  if (parent !== undefined) t.scopeOf.set(id, parent);
  // x reaches the layer once (it fed the first op and the first residual); the last op's readers
  // read the layer. In torch's default layout the Transposes move outside the layer.
  const entry = seqFirst ? mha.id : normFirst ? norm1.id : mha.id;
  const edges = t.edges.flatMap((e): DocEdge[] => {
    if (seqFirst && e.target.node === swapIn.id) return [{ ...e, source: x }];
    if (seqFirst && e.source.node === swapOut.id) return [];
    if (seqFirst && e.source.node === last.id) return [{ ...e, source: { node: swapOut.id, port: 'y' } }];
    if (e.target.node === entry) return [{ ...e, target: { node: id, port: 'x' } }];
    if (gone.has(e.target.node)) return [];
    if (gone.has(e.source.node)) return [{ ...e, source: { node: id, port: 'y' } }];
    return [e];
  });
  t.edges.splice(0, t.edges.length, ...edges);
  return true;
}

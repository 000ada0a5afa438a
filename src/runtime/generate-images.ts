// Decoding images from a trained generative document: the part of the document that turns a
// latent z into an image is cut out as a document of its own (a GAN's generator, a VAE's or an
// autoencoder's decoder with z as a RandomNormal input, also in place of a plain Input z),
// exported to ONNX as `export` would and run in onnxruntime. The Train panel's pictures, the
// conditional GAN's "Try it" and `netloom sample -o out.png` all decode through here; the text
// sampler is ./generate.ts.
import type { DocEdge, DocNode, NetloomDocument } from '../document/schema.ts';
import { lowerOrThrow } from '../compile/diagnostics.ts';
import { numel } from '../ir/types.ts';
import { exportDocument } from '../onnx/from-document.ts';
import { NetloomError } from '../util/errors.ts';
import { Rng } from '../util/random.ts';
import type { Backend, OrtSession } from './ort-runtime.ts';
import { createSession, runSession } from './ort-session.ts';
import type { HostTensor } from './tensors.ts';
import { floatTensor, int64Tensor } from './tensors.ts';

/** What kind of image model a document is, by its structure. */
export type ImageModelKind = 'gan' | 'conditional-gan' | 'vae' | 'autoencoder';

export interface ImageModelParts {
  readonly kind: ImageModelKind;
  /** z → image: noise inputs are RandomNormal nodes, a conditional generator's class an int64 Input. */
  readonly decoder: NetloomDocument;
  /** image → latent (a VAE's μ, an autoencoder's narrowest layer) as the Output "latent"; not for GANs. */
  readonly encoder?: NetloomDocument;
  /** The layer whose output is the latent (a VAE's μ layer, an autoencoder's bottleneck). */
  readonly latentLayer?: string;
}

export interface ImageGenerator {
  readonly kind: ImageModelKind;
  /** Values of z per image (all noise inputs together, in input order). */
  readonly latentSize: number;
  /** [C, H, W] of one image. */
  readonly imageShape: readonly [number, number, number];
  /** A conditional generator's number of classes. */
  readonly classes?: number;
  /** Images [count, C, H, W] from z [count, latentSize] (and, conditional, a class per image). */
  decode(z: Float32Array, count: number, labels?: readonly number[]): Promise<Float32Array>;
  release(): Promise<void>;
}

export interface OpenOptions {
  /** Trained weights; without them the document's initial weights from `seed`. */
  readonly weights?: ReadonlyMap<string, Float32Array>;
  readonly seed?: number;
  readonly backend?: Backend;
  readonly threads?: number;
}

function reach(doc: NetloomDocument, from: Iterable<string>, forward: boolean): Set<string> {
  const seen = new Set<string>(from);
  const stack = [...seen];
  while (stack.length) {
    const n = stack.pop()!;
    for (const e of doc.edges) {
      const [a, b] = forward ? [e.source.node, e.target.node] : [e.target.node, e.source.node];
      if (a === n && !seen.has(b)) {
        seen.add(b);
        stack.push(b);
      }
    }
  }
  return seen;
}

/** `doc` keeping only `keep` (and the edges among them), without its training setup. */
function subDocument(
  doc: NetloomDocument,
  keep: ReadonlySet<string>,
  nodes: readonly DocNode[] = doc.nodes,
  edges: readonly DocEdge[] = doc.edges,
): NetloomDocument {
  return {
    format: doc.format,
    version: doc.version,
    name: doc.name,
    description: doc.description,
    groups: doc.groups,
    nodes: nodes.filter((n) => keep.has(n.id)),
    edges: edges.filter((e) => keep.has(e.source.node) && keep.has(e.target.node)),
  };
}

/** Per-example shape of a node's output port in the inference graph. */
function portShapes(doc: NetloomDocument): (node: string, port: string) => number[] {
  const lowered = lowerOrThrow(doc, { mode: 'inference', batch: 1 });
  return (node, port) => {
    const v = lowered.portValues.get(`${node}:${port}`);
    const shape = v ? lowered.graph.values.get(v)?.shape : undefined;
    if (!shape)
      throw new NetloomError('bad-argument', `${doc.name}: the layer "${node}" has no output "${port}"`);
    return shape.slice(1);
  };
}

function outputsAfter(doc: NetloomDocument, from: Iterable<string>): DocNode[] {
  const after = reach(doc, from, true);
  return doc.nodes.filter((n) => n.kind === 'Output' && after.has(n.id));
}

/** The document with `node` replaced by noise z ~ N(0, 1) of `shape`, cut down to what `output` needs. */
function decoderFrom(doc: NetloomDocument, node: DocNode, port: string, shape: number[], output: string) {
  const z: DocNode = {
    id: node.id,
    kind: 'RandomNormal',
    name: node.name ?? 'z',
    params: { shape, mean: 0, std: 1 },
    position: node.position,
    ...(node.group ? { group: node.group } : {}),
  };
  const nodes = doc.nodes.map((n) => (n.id === node.id ? z : n));
  const edges = doc.edges
    .filter((e) => e.target.node !== node.id)
    .map((e) =>
      e.source.node === node.id && e.source.port === port
        ? { ...e, source: { node: node.id, port: 'y' } }
        : e,
    );
  const cut: NetloomDocument = { ...doc, nodes, edges };
  return subDocument(cut, reach(cut, [output], false), nodes, edges);
}

function encoderTo(doc: NetloomDocument, node: string, port: string): NetloomDocument {
  const keep = reach(doc, [node], false);
  const id = '__latent';
  keep.add(id);
  const out: DocNode = { id, kind: 'Output', name: 'latent', params: {}, position: { x: 0, y: 0 } };
  return subDocument(
    doc,
    keep,
    [...doc.nodes, out],
    [...doc.edges, { id: '__latent.edge', source: { node, port }, target: { node: id, port: 'x' } }],
  );
}

function firstOutputPort(doc: NetloomDocument, node: string): string {
  return doc.edges.find((e) => e.source.node === node)?.source.port ?? 'y';
}

/** What a text model or a classifier is, for a message that says why no image comes out. */
function describeOther(doc: NetloomDocument): string {
  const text = doc.nodes.some(
    (n) =>
      n.kind === 'Input' &&
      n.params['dtype'] === 'int64' &&
      Array.isArray(n.params['shape']) &&
      n.params['shape'].length > 0,
  );
  return text
    ? 'a text model (sample it to a .txt file)'
    : 'not an image generator (it has no RandomNormal noise, no Reparameterize, no Input rebuilt at an Output, no Input z alone feeding an image Output)';
}

/**
 * The decoder (and encoder) of a generative document: a VAE (a Reparameterize layer; z replaces
 * it), a GAN (RandomNormal noise feeding an Output; conditional when an int64 class Input feeds
 * it too), an autoencoder (an Input feeding an Output of the same size; z replaces its narrowest
 * layer, the last of equals), or a generator whose only input is a float Input z smaller than the
 * image it makes (the 64×64 DCGAN; z replaces the Input).
 */
export function imageModelParts(doc: NetloomDocument): ImageModelParts {
  const portShape = portShapes(doc);
  const reparam = doc.nodes.find((n) => n.kind === 'Reparameterize');
  if (reparam) {
    const output = outputsAfter(doc, [reparam.id])[0];
    const mu = doc.edges.find((e) => e.target.node === reparam.id && e.target.port === 'mu');
    if (!output || !mu)
      throw new NetloomError(
        'bad-argument',
        `${doc.name}: the Reparameterize layer needs μ wired in and an Output after it`,
      );
    const shape = portShape(reparam.id, 'z');
    return {
      kind: 'vae',
      decoder: decoderFrom(doc, reparam, 'z', shape, output.id),
      encoder: encoderTo(doc, mu.source.node, mu.source.port),
      latentLayer: mu.source.node,
    };
  }
  const noise = doc.nodes.filter((n) => n.kind === 'RandomNormal');
  const generated = outputsAfter(
    doc,
    noise.map((n) => n.id),
  )[0];
  if (noise.length && generated) {
    const decoder = subDocument(doc, reach(doc, [generated.id], false));
    const conditional = decoder.nodes.some((n) => n.kind === 'Input' && n.params['dtype'] === 'int64');
    return { kind: conditional ? 'conditional-gan' : 'gan', decoder };
  }
  for (const input of doc.nodes.filter((n) => n.kind === 'Input' && n.params['dtype'] !== 'int64')) {
    const size = numel(portShape(input.id, 'y'));
    const down = reach(doc, [input.id], true);
    for (const output of outputsAfter(doc, [input.id])) {
      const up = reach(doc, [output.id], false);
      const x = doc.edges.find((e) => e.target.node === output.id)!;
      if (numel(portShape(x.source.node, x.source.port)) !== size) continue;
      const path = doc.nodes.filter(
        (n) => n.id !== input.id && n.id !== output.id && down.has(n.id) && up.has(n.id),
      );
      const sized = path.map((n) => {
        const port = firstOutputPort(doc, n.id);
        return { n, port, shape: portShape(n.id, port) };
      });
      // Not the layers at the image's own size (a denoiser's corruption, the decoder's last ones):
      // the narrowest of the rest, wider than the image in an overcomplete convolutional code.
      const inner = sized.filter((s) => numel(s.shape) !== size);
      const least = Math.min(...inner.map((s) => numel(s.shape)));
      const tied = inner.filter((s) => numel(s.shape) === least);
      const last = tied.find((s) => !tied.some((t) => t !== s && reach(doc, [s.n.id], true).has(t.n.id)));
      if (!last) continue;
      return {
        kind: 'autoencoder',
        decoder: decoderFrom(doc, last.n, last.port, last.shape, output.id),
        encoder: encoderTo(doc, last.n.id, last.port),
        latentLayer: last.n.id,
      };
    }
  }
  // A generator fed by a plain Input z (the DCGAN paper's netG, trained with z drawn outside):
  // z ~ N(0, 1) of the Input's shape takes its place, as a RandomNormal would.
  for (const input of doc.nodes.filter((n) => n.kind === 'Input' && n.params['dtype'] !== 'int64')) {
    const zShape = portShape(input.id, 'y');
    for (const output of outputsAfter(doc, [input.id])) {
      const x = doc.edges.find((e) => e.target.node === output.id)!;
      const shape = portShape(x.source.node, x.source.port);
      const up = reach(doc, [output.id], false);
      const alone = !doc.nodes.some((n) => n.kind === 'Input' && n.id !== input.id && up.has(n.id));
      if (alone && numel(shape) > numel(zShape) && imageOf(shape))
        return { kind: 'gan', decoder: decoderFrom(doc, input, 'y', zShape, output.id) };
    }
  }
  throw new NetloomError('bad-argument', `${doc.name} is ${describeOther(doc)}: no images to decode`);
}

function sessionOptions(o: OpenOptions) {
  return { ...(o.backend ? { backend: o.backend } : {}), ...(o.threads ? { threads: o.threads } : {}) };
}

/** The image shape [C, H, W] of an output's per-example shape: [C, H, W] as is, [H·W] a square grey image. */
function imageOf(shape: readonly number[]): [number, number, number] | undefined {
  if (shape.length === 3 && (shape[0] === 1 || shape[0] === 3)) return [shape[0]!, shape[1]!, shape[2]!];
  const n = numel(shape);
  for (const c of [1, 3]) {
    const side = Math.round(Math.sqrt(n / c));
    if (side * side * c === n) return [c, side, side];
  }
  return undefined;
}

function asImage(name: string, shape: readonly number[]): [number, number, number] {
  const image = imageOf(shape);
  if (image) return image;
  throw new NetloomError('bad-argument', `${name}: its output [${shape.join(', ')}] is not an image`);
}

/** Opens a document's decoder (see imageModelParts) in onnxruntime. */
export async function openImageGenerator(doc: NetloomDocument, o: OpenOptions = {}): Promise<ImageGenerator> {
  const parts = imageModelParts(doc);
  const { bytes, lowered } = exportDocument(
    parts.decoder,
    o.weights ? { weights: o.weights } : { seed: o.seed ?? 0 },
  );
  const g = lowered.graph;
  const out = g.outputs.find((x) => x.role === 'output')!;
  const kinds = new Map(parts.decoder.nodes.map((n) => [n.id, n.kind]));
  const session: OrtSession = await createSession(bytes, sessionOptions(o));
  const used = g.inputs.filter((i) => session.inputNames.includes(i.name));
  const noise = used.filter((i) => kinds.get(i.node) === 'RandomNormal');
  const classInput = used.find((i) => g.values.get(i.value)!.dtype === 'int64');
  const noiseShapes = noise.map((i) => g.values.get(i.value)!.shape.slice(1));
  const latentSize = noiseShapes.reduce((s, sh) => s + numel(sh), 0);
  const imageShape = asImage(doc.name, g.values.get(out.value)!.shape.slice(1));
  const embedding = classInput
    ? parts.decoder.nodes.find(
        (n) =>
          n.kind === 'Embedding' &&
          parts.decoder.edges.some((e) => e.source.node === classInput.node && e.target.node === n.id),
      )
    : undefined;
  const classes = embedding ? Number(embedding.params['numEmbeddings'] ?? 10) : undefined;
  return {
    kind: parts.kind,
    latentSize,
    imageShape,
    ...(classes !== undefined ? { classes } : {}),
    async decode(z, count, labels) {
      if (z.length !== count * latentSize)
        throw new NetloomError(
          'bad-argument',
          `z for ${count} images holds ${count * latentSize} values; got ${z.length}`,
        );
      const feeds: Record<string, HostTensor> = {};
      let at = 0;
      noise.forEach((i, k) => {
        const per = numel(noiseShapes[k]!);
        const part = new Float32Array(count * per);
        for (let r = 0; r < count; r++)
          part.set(z.subarray(r * latentSize + at, r * latentSize + at + per), r * per);
        at += per;
        feeds[i.name] = floatTensor(part, [count, ...noiseShapes[k]!]);
      });
      if (classInput) {
        if (!labels || labels.length !== count)
          throw new NetloomError('bad-argument', `${doc.name} draws a chosen class: give one per image`);
        feeds[classInput.name] = int64Tensor([...labels], [count]);
      }
      // Any other input (none in the templates) gets zeros, as the text sampler does.
      for (const i of used) {
        if (feeds[i.name]) continue;
        const v = g.values.get(i.value)!;
        const shape = [count, ...v.shape.slice(1)];
        feeds[i.name] =
          v.dtype === 'int64'
            ? int64Tensor(new Array<number>(numel(shape)).fill(0), shape)
            : floatTensor(new Float32Array(numel(shape)), shape);
      }
      const r = await runSession(session, feeds);
      return Float32Array.from(r[out.name]!.data as Float32Array);
    },
    release: () => session.release(),
  };
}

/** z ~ N(0, 1) for `count` images from `seed`, in the order decode takes it. */
export function normalLatents(count: number, size: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: count * size }, () => rng.normal());
}

export interface SampledImages {
  readonly images: Float32Array;
  readonly shape: readonly [number, number, number, number];
  readonly labels?: readonly number[];
}

/**
 * `count` images from fresh noise (seeded); a conditional generator draws `label` (or, without
 * one, classes 0, 1, 2, … in turn).
 */
export async function sampleImages(
  gen: ImageGenerator,
  o: { count?: number; seed?: number; label?: number } = {},
): Promise<SampledImages> {
  const count = o.count ?? 64;
  if (!(Number.isInteger(count) && count >= 1 && count <= 1024))
    throw new NetloomError('bad-argument', `the count of images must be 1 to 1024; got ${count}`);
  let labels: number[] | undefined;
  if (gen.classes !== undefined) {
    if (o.label !== undefined && !(Number.isInteger(o.label) && o.label >= 0 && o.label < gen.classes))
      throw new NetloomError('bad-argument', `the class must be 0 to ${gen.classes - 1}; got ${o.label}`);
    labels = Array.from({ length: count }, (_, i) => o.label ?? i % gen.classes!);
  } else if (o.label !== undefined) {
    throw new NetloomError(
      'bad-argument',
      `a ${gen.kind} draws no chosen class; only a conditional GAN does`,
    );
  }
  const z = normalLatents(count, gen.latentSize, o.seed ?? 1);
  const images = await gen.decode(z, count, labels);
  return { images, shape: [count, ...gen.imageShape], ...(labels ? { labels } : {}) };
}

/** The range to show values in: [0, 1] when they fit, else their own min..max. */
export function displayRange(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]!);
    hi = Math.max(hi, values[i]!);
  }
  if (lo >= 0 && hi <= 1) return [0, 1];
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

export interface ImageEncoder {
  /** Values of the latent per image (a VAE's μ, an autoencoder's bottleneck, flattened). */
  readonly latentSize: number;
  /** The layer the latent is read from. */
  readonly layer: string;
  /** Latents [count, latentSize] of images [count, …the Input's shape]. */
  encode(x: Float32Array, count: number): Promise<Float32Array>;
  release(): Promise<void>;
}

/** A VAE's or an autoencoder's encoder in onnxruntime; undefined for a GAN (nothing encodes). */
export async function openImageEncoder(
  doc: NetloomDocument,
  o: OpenOptions = {},
): Promise<ImageEncoder | undefined> {
  const parts = imageModelParts(doc);
  if (!parts.encoder || !parts.latentLayer) return undefined;
  const { bytes, lowered } = exportDocument(
    parts.encoder,
    o.weights ? { weights: o.weights } : { seed: o.seed ?? 0 },
  );
  const g = lowered.graph;
  const out = g.outputs.find((x) => x.role === 'output')!;
  const session = await createSession(bytes, sessionOptions(o));
  const input = g.inputs.find(
    (i) => session.inputNames.includes(i.name) && g.values.get(i.value)!.dtype === 'float32',
  );
  if (!input) {
    await session.release();
    throw new NetloomError('bad-argument', `${doc.name}: its encoder has no image input`);
  }
  const inShape = g.values.get(input.value)!.shape.slice(1);
  const latentSize = numel(g.values.get(out.value)!.shape.slice(1));
  return {
    latentSize,
    layer: parts.latentLayer,
    async encode(x, count) {
      const r = await runSession(session, { [input.name]: floatTensor(x, [count, ...inShape]) });
      return Float32Array.from(r[out.name]!.data as Float32Array);
    },
    release: () => session.release(),
  };
}

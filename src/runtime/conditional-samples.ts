// A conditional generator asked for one class: the exported inference graph run once on fresh
// noise for every RandomNormal input and the class index on every int64 input. "Try it" for a
// conditional GAN draws with this; the same ONNX bytes the export writes.
import type { NetloomDocument } from '../document/schema.ts';
import { numel } from '../ir/types.ts';
import { exportDocument } from '../onnx/from-document.ts';
import { NetloomError } from '../util/errors.ts';
import { Rng } from '../util/random.ts';
import type { Backend } from './ort-session.ts';
import { runOnnx } from './ort-session.ts';
import type { HostTensor } from './tensors.ts';
import { floatTensor, int64Tensor } from './tensors.ts';

export interface ConditionalSamples {
  /** count images of side×side values each (the generator's own scale, e.g. [0, 1] after a sigmoid). */
  readonly images: Float32Array;
  readonly count: number;
  readonly side: number;
}

export async function conditionalSamples(
  doc: NetloomDocument,
  weights: ReadonlyMap<string, Float32Array>,
  label: number,
  opts: { count?: number; seed?: number; backends?: Backend[]; threads?: number } = {},
): Promise<ConditionalSamples> {
  const count = opts.count ?? 8;
  const { bytes, lowered } = exportDocument(doc, { weights });
  const g = lowered.graph;
  const kinds = new Map(doc.nodes.map((n) => [n.id, n.kind]));
  const out = g.outputs.find((o) => o.role === 'output');
  const classInputs = g.inputs.filter((i) => g.values.get(i.value)!.dtype === 'int64');
  if (!out || classInputs.length === 0) {
    throw new NetloomError('bad-argument', 'This model has no class input to ask for a digit with');
  }
  const rng = new Rng(opts.seed ?? 1);
  const feeds: Record<string, HostTensor> = {};
  for (const i of g.inputs) {
    const shape = [count, ...g.values.get(i.value)!.shape.slice(1)];
    if (classInputs.includes(i))
      feeds[i.name] = int64Tensor(new Array<number>(numel(shape)).fill(label), shape);
    else if (kinds.get(i.node) === 'RandomNormal')
      feeds[i.name] = floatTensor(
        Array.from({ length: numel(shape) }, () => rng.normal()),
        shape,
      );
  }
  const r = await runOnnx(bytes, feeds, {
    ...(opts.backends ? { backends: opts.backends } : {}),
    ...(opts.threads ? { threads: opts.threads } : {}),
  });
  const images = Float32Array.from(r[out.name]!.data as Float32Array);
  const side = Math.round(Math.sqrt(images.length / count));
  return { images, count, side };
}

// Builds a one-op graph, appends loss = Σ(y ⊙ R) and its backward pass, and runs it in
// onnxruntime-web; also evaluates the loss alone at perturbed inputs for finite differences.
import type * as ort from 'onnxruntime-web';
import type { Attrs, DType, Graph } from '../../src/ir/types.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { GraphEditor } from '../../src/autodiff/graph-editor.ts';
import { backward } from '../../src/autodiff/backward.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { createSession, runSession } from '../../src/runtime/ort-session.ts';
import type { HostTensor } from '../../src/runtime/tensors.ts';
import { Rng } from '../../src/util/random.ts';

export interface InputSpec {
  readonly shape: readonly number[];
  readonly dtype?: DType;
  /** Fixed values (ints for int64 / bool inputs); random otherwise. */
  readonly data?: readonly number[];
  /** A compile-time constant (shapes, axes, pads) rather than a fed input. */
  readonly constant?: boolean;
  /** Differentiated (default: float inputs that are not constants). */
  readonly diff?: boolean;
  /** Range of random values: [lo, hi]; the sign is random when `signed` (|v| ∈ [lo, hi]). */
  readonly range?: readonly [number, number];
  readonly signed?: boolean;
  /** Omitted optional input (''). */
  readonly omitted?: boolean;
}

export interface OpCase {
  readonly name: string;
  readonly op: string;
  readonly attrs?: Attrs;
  readonly inputs: readonly InputSpec[];
  readonly outputs?: number;
  /** Which output the loss reads (default 0). */
  readonly lossOutput?: number;
}

export interface BuiltCase {
  readonly bytes: Uint8Array;
  readonly lossBytes: Uint8Array;
  readonly feeds: Record<string, HostTensor>;
  readonly diffInputs: readonly string[];
  readonly graph: Graph;
}

function tensorOf(spec: InputSpec, rng: Rng): HostTensor {
  const n = spec.shape.reduce((p, d) => p * d, 1);
  const dtype = spec.dtype ?? 'float32';
  if (dtype === 'int64') {
    return { dtype, shape: spec.shape, data: BigInt64Array.from(spec.data ?? [], (v) => BigInt(v)) };
  }
  if (dtype === 'bool') return { dtype, shape: spec.shape, data: Uint8Array.from(spec.data ?? []) };
  if (spec.data) return { dtype, shape: spec.shape, data: Float32Array.from(spec.data) };
  const [lo, hi] = spec.range ?? [0.2, 1];
  const signed = spec.signed ?? spec.range === undefined;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const m = rng.uniform(lo, hi);
    data[i] = signed && rng.next() < 0.5 ? -m : m;
  }
  return { dtype, shape: spec.shape, data };
}

/** The case's graph with loss = Σ(y ⊙ R); with `grads`, also the gradient of every diff input. */
export function buildCase(
  c: OpCase,
  seed = 1,
  given?: Record<string, HostTensor>,
  rValues?: readonly number[],
): BuiltCase {
  const rng = new Rng(seed);
  const b = new GraphBuilder();
  b.node = 'case';
  const feeds: Record<string, HostTensor> = {};
  const ids: string[] = [];
  const diffInputs: string[] = [];
  c.inputs.forEach((spec, i) => {
    if (spec.omitted) {
      ids.push('');
      return;
    }
    const name = `in${i}`;
    const t = given?.[name] ?? tensorOf(spec, rng);
    if (spec.constant) {
      ids.push(b.constant(t.data, t.shape, name));
      return;
    }
    ids.push(b.graphInput(name, { shape: t.shape, dtype: t.dtype }, false));
    feeds[name] = t;
    if (spec.diff ?? t.dtype === 'float32') diffInputs.push(name);
  });
  const outs = b.op(c.op, ids, c.attrs ?? {}, c.outputs);
  const y = outs[c.lossOutput ?? 0]!;
  const ys = b.type(y).shape;
  const r = rValues
    ? { dtype: 'float32' as const, shape: ys, data: Float32Array.from(rValues) }
    : (given?.['R'] ?? tensorOf({ shape: ys, range: [0.5, 1.5], signed: true }, rng));
  const rid = b.graphInput('R', { shape: ys, dtype: 'float32' }, false);
  feeds['R'] = r;
  const loss = b.op1('ReduceSum', [b.op1('Mul', [y, rid])], { keepdims: 0 });
  b.graphOutput('loss', loss, 'loss');
  const forward = b.build();
  const lossBytes = exportOnnx(forward, new Map(), { includeLoss: true });
  const g = new GraphEditor(forward);
  const grads = backward(g, loss, diffInputs);
  for (const name of diffInputs) {
    const d = grads.get(name);
    if (d === undefined) throw new Error(`${c.name}: no gradient reached ${name}`);
    g.expose(d, `grad_${name}`);
  }
  const graph = g.build();
  return { bytes: exportOnnx(graph, new Map(), { includeLoss: true }), lossBytes, feeds, diffInputs, graph };
}

export async function runGrads(built: BuiltCase): Promise<Record<string, HostTensor>> {
  const s = await createSession(built.bytes);
  try {
    return await runSession(s, built.feeds);
  } finally {
    await s.release();
  }
}

/** Central differences of the loss for up to `maxPerInput` elements of each diff input. */
export async function finiteDifferences(
  built: BuiltCase,
  eps: number,
  maxPerInput = 24,
): Promise<Map<string, { index: number; value: number }[]>> {
  const session: ort.InferenceSession = await createSession(built.lossBytes);
  const out = new Map<string, { index: number; value: number }[]>();
  try {
    const lossAt = async (feeds: Record<string, HostTensor>): Promise<number> => {
      const r = await runSession(session, feeds);
      return Number(r['loss']!.data[0]);
    };
    for (const name of built.diffInputs) {
      const base = built.feeds[name]!;
      const n = base.data.length;
      const step = Math.max(1, Math.floor(n / maxPerInput));
      const list: { index: number; value: number }[] = [];
      for (let j = 0; j < n; j += step) {
        const plus = Float32Array.from(base.data as Float32Array);
        const minus = Float32Array.from(base.data as Float32Array);
        plus[j] = plus[j]! + eps;
        minus[j] = minus[j]! - eps;
        const lp = await lossAt({ ...built.feeds, [name]: { ...base, data: plus } });
        const lm = await lossAt({ ...built.feeds, [name]: { ...base, data: minus } });
        // The step actually taken in float32, not the nominal eps.
        const h = plus[j]! - minus[j]!;
        list.push({ index: j, value: (lp - lm) / h });
      }
      out.set(name, list);
    }
  } finally {
    await session.release();
  }
  return out;
}

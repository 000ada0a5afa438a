// Generating from a trained model: the exported inference graph (the same ONNX bytes `export`
// writes) run repeatedly in onnxruntime. A language model's autoregressive loop lives here, with
// temperature and top-k, so the worker in the app and `netloom sample` in Node share one sampler.
import type { NetloomDocument } from '../document/schema.ts';
import { exportDocument } from '../onnx/from-document.ts';
import { NetloomError } from '../util/errors.ts';
import { Rng } from '../util/random.ts';
import { numel } from '../ir/types.ts';
import type { Backend, OrtSession } from './ort-runtime.ts';
import { createSession, runSession } from './ort-session.ts';
import type { HostTensor } from './tensors.ts';
import { charToken, charVocabSize, decodeChars, encodeChars } from './datasets/text.ts';

export interface SamplingOptions {
  /** Divides the logits: below 1 sharper (more likely characters), above 1 more varied. */
  readonly temperature?: number;
  /** Draw only among the k most likely tokens (0 or absent: all). */
  readonly topK?: number;
  readonly seed?: number;
}

/**
 * One token drawn from `logits` (a row of scores): softmax(logits / temperature) restricted to
 * the top k. Temperature 0 takes the most likely token.
 */
export function sampleToken(logits: ArrayLike<number>, o: SamplingOptions, rng: Rng): number {
  const n = logits.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]!);
  const t = o.temperature ?? 1;
  if (t <= 0) return order[0]!;
  const k = o.topK && o.topK > 0 ? Math.min(o.topK, n) : n;
  const kept = order.slice(0, k);
  const top = logits[kept[0]!]!;
  const weights = kept.map((i) => Math.exp((logits[i]! - top) / t));
  const total = weights.reduce((s, w) => s + w, 0);
  let u = rng.next() * total;
  for (let j = 0; j < kept.length; j++) {
    u -= weights[j]!;
    if (u <= 0) return kept[j]!;
  }
  return kept[kept.length - 1]!;
}

/** How a document's exported model is opened for generating. */
export interface ExportedModelOptions {
  /** Trained weights; without them, the document's initial weights from `seed`. */
  readonly weights?: ReadonlyMap<string, Float32Array>;
  readonly seed?: number;
  readonly backend?: Backend;
  readonly threads?: number;
}

export interface TextModel {
  /** Context length: the token Input's sequence axis. */
  readonly context: number;
  readonly vocab: number;
  /** Scores for the token after each of `tokens` (at most `context` of them). */
  next(tokens: readonly number[]): Promise<Float32Array>;
  release(): Promise<void>;
}

function checkSampling(o: SamplingOptions): void {
  if (o.temperature !== undefined && !(o.temperature >= 0 && o.temperature <= 10))
    throw new NetloomError('bad-argument', `temperature must be between 0 and 10; got ${o.temperature}`);
  if (o.topK !== undefined && !(Number.isInteger(o.topK) && o.topK >= 0))
    throw new NetloomError('bad-argument', `top-k must be a whole number ≥ 0; got ${o.topK}`);
}

/**
 * A character language model from a document: its first int64 Input [N, L] takes tokens, its
 * first output [N, L, V] gives each position's next-token scores. Other inputs (a loss's target)
 * are fed zeros: the causal graph's scores at position i depend only on tokens 0…i.
 */
export async function openTextModel(
  doc: NetloomDocument,
  opts: ExportedModelOptions = {},
): Promise<TextModel> {
  const { bytes, lowered } = exportDocument(
    doc,
    opts.weights ? { weights: opts.weights } : { seed: opts.seed ?? 0 },
  );
  const g = lowered.graph;
  const tokenInput = g.inputs.find((i) => {
    const v = g.values.get(i.value)!;
    return v.dtype === 'int64' && v.shape.length === 2;
  });
  const out = g.outputs.find((o) => o.role === 'output' && g.values.get(o.value)!.shape.length === 3);
  if (!tokenInput || !out) {
    throw new NetloomError(
      'bad-argument',
      `${doc.name}: text generation needs an int64 token Input [L] and an Output of scores [L, vocabulary]`,
    );
  }
  const context = g.values.get(tokenInput.value)!.shape[1]!;
  const outShape = g.values.get(out.value)!.shape;
  const vocab = outShape[2]!;
  if (outShape[1] !== context) {
    throw new NetloomError(
      'bad-argument',
      `${doc.name}: the Output "${out.name}" has ${outShape[1]} positions but the tokens Input has ${context}`,
    );
  }
  const session: OrtSession = await createSession(bytes, {
    ...(opts.backend ? { backend: opts.backend } : {}),
    ...(opts.threads ? { threads: opts.threads } : {}),
  });
  // Only what the session takes: the exported file may leave out an input no output needs, and
  // onnxruntime-web refuses a feed it does not know.
  const others: Record<string, HostTensor> = {};
  for (const i of g.inputs) {
    if (i === tokenInput || !session.inputNames.includes(i.name)) continue;
    const v = g.values.get(i.value)!;
    const shape = [1, ...v.shape.slice(1)];
    others[i.name] =
      v.dtype === 'int64'
        ? { dtype: 'int64', shape, data: new BigInt64Array(numel(shape)) }
        : { dtype: 'float32', shape, data: new Float32Array(numel(shape)) };
  }
  return {
    context,
    vocab,
    async next(tokens) {
      if (tokens.length === 0 || tokens.length > context)
        throw new NetloomError('bad-argument', `give 1 to ${context} tokens; got ${tokens.length}`);
      const ids = new BigInt64Array(context);
      tokens.forEach((t, i) => (ids[i] = BigInt(t)));
      const r = await runSession(session, {
        ...others,
        [tokenInput.name]: { dtype: 'int64', shape: [1, context], data: ids },
      });
      const scores = r[out.name]!.data as Float32Array;
      const at = tokens.length - 1;
      return scores.slice(at * vocab, (at + 1) * vocab);
    },
    release: () => session.release(),
  };
}

/**
 * Continues `prompt` by `length` characters, one model run per character (the last `context`
 * characters as input), calling `onText` with each new character as it is drawn.
 */
export async function generateText(
  model: TextModel,
  prompt: string,
  length: number,
  o: SamplingOptions & { onText?: (chunk: string) => void | Promise<void>; shouldStop?: () => boolean } = {},
): Promise<string> {
  checkSampling(o);
  if (model.vocab !== charVocabSize) {
    throw new NetloomError(
      'bad-argument',
      `the model scores ${model.vocab} tokens; the character vocabulary has ${charVocabSize} (newline and printable ASCII)`,
    );
  }
  // An empty prompt starts at a line's beginning, as the corpus's lines do.
  const tokens = encodeChars(prompt === '' ? '\n' : prompt, 'the prompt');
  const rng = new Rng(o.seed ?? 1);
  const made: number[] = [];
  for (let i = 0; i < length && !o.shouldStop?.(); i++) {
    const scores = await model.next(tokens.slice(-model.context));
    const t = sampleToken(scores, o, rng);
    tokens.push(t);
    made.push(t);
    await o.onText?.(decodeChars([t]));
  }
  return decodeChars(made);
}

/** Whether every character of `text` is one the character models know. */
export function inCharVocabulary(text: string): boolean {
  return [...text.replace(/\r\n?/g, '\n')].every((c) => charToken(c) !== undefined);
}

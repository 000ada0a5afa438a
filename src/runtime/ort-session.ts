// onnxruntime-web sessions. The same module serves Node (tests, CLI) and the browser; WASM always
// works, WebGPU is asked for first where the caller says the platform has it.
import * as ort from 'onnxruntime-web';
import type { DType } from '../ir/types.ts';
import { NetloomError } from '../util/errors.ts';
import type { HostTensor } from './tensors.ts';

export type Backend = 'wasm' | 'webgpu';

export interface SessionOptions {
  readonly backends?: readonly Backend[];
  /** WASM threads; 1 in tests and workers without cross-origin isolation. */
  readonly threads?: number;
}

export function configureWasm(threads: number): void {
  ort.env.wasm.numThreads = threads;
}

export async function createSession(
  bytes: Uint8Array,
  opts: SessionOptions = {},
): Promise<ort.InferenceSession> {
  if (opts.threads !== undefined) configureWasm(opts.threads);
  try {
    return await ort.InferenceSession.create(bytes, {
      executionProviders: [...(opts.backends ?? ['wasm'])],
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    throw new NetloomError(
      'runtime',
      `onnxruntime could not load the model: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

export function toOrt(t: HostTensor): ort.Tensor {
  const type = t.dtype === 'bool' ? 'bool' : t.dtype;
  return new ort.Tensor(type, t.data as never, [...t.shape]);
}

export function fromOrt(t: ort.Tensor): HostTensor {
  const dtype: DType = t.type === 'int64' ? 'int64' : t.type === 'bool' ? 'bool' : 'float32';
  if (t.type !== 'float32' && t.type !== 'int64' && t.type !== 'bool') {
    throw new NetloomError('runtime', `output of type ${t.type} is not supported`);
  }
  return { dtype, shape: [...t.dims], data: t.data as HostTensor['data'] };
}

export async function runSession(
  session: ort.InferenceSession,
  feeds: Readonly<Record<string, HostTensor>>,
): Promise<Record<string, HostTensor>> {
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = toOrt(v);
  const result = await session.run(ortFeeds);
  const out: Record<string, HostTensor> = {};
  for (const [k, v] of Object.entries(result)) out[k] = fromOrt(v);
  return out;
}

/** Loads, runs once and frees: for tests and the CLI. */
export async function runOnnx(
  bytes: Uint8Array,
  feeds: Readonly<Record<string, HostTensor>>,
  opts: SessionOptions = {},
): Promise<Record<string, HostTensor>> {
  const session = await createSession(bytes, opts);
  try {
    return await runSession(session, feeds);
  } finally {
    await session.release();
  }
}

// onnxruntime sessions on this process's runtime (ort-runtime.ts): onnxruntime-node's native CPU
// (or CUDA) in Node where it is installed, onnxruntime-web's WASM or WebGPU in a browser worker.
import type { DType } from '../ir/types.ts';
import { NetloomError } from '../util/errors.ts';
import type { OrtSession, OrtTensor, SessionOptions } from './ort-runtime.ts';
import { loadOrtRuntime, ortRuntime, sessionOptions } from './ort-runtime.ts';
import type { HostTensor } from './tensors.ts';

export async function createSession(bytes: Uint8Array, opts: SessionOptions = {}): Promise<OrtSession> {
  const r = await loadOrtRuntime();
  const options = sessionOptions(r, opts);
  try {
    return await r.ort.InferenceSession.create(bytes, options);
  } catch (e) {
    throw new NetloomError(
      'runtime',
      `onnxruntime could not load the model: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

export function toOrt(t: HostTensor): OrtTensor {
  const { ort } = ortRuntime();
  const type = t.dtype === 'bool' ? 'bool' : t.dtype;
  return new ort.Tensor(type, t.data as never, [...t.shape]);
}

export function fromOrt(t: OrtTensor): HostTensor {
  const dtype: DType = t.type === 'int64' ? 'int64' : t.type === 'bool' ? 'bool' : 'float32';
  if (t.type !== 'float32' && t.type !== 'int64' && t.type !== 'bool') {
    throw new NetloomError('runtime', `output of type ${t.type} is not supported`);
  }
  return { dtype, shape: [...t.dims], data: t.data as HostTensor['data'] };
}

export async function runSession(
  session: OrtSession,
  feeds: Readonly<Record<string, HostTensor>>,
): Promise<Record<string, HostTensor>> {
  const ortFeeds: Record<string, OrtTensor> = {};
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

// Which onnxruntime this process runs on. One package per process: onnxruntime-node and
// onnxruntime-web share onnxruntime-common's backend registry, so loading both makes 'cpu' resolve
// to whichever registered last (WASM, silently). Each entry point therefore sets its runtime once:
// the training worker the plain WASM build (or the WebGPU build in its own worker), a Node process
// onnxruntime-node where it is installed, else onnxruntime-web. The step graph is the same ONNX on
// every runtime; only the session options differ.
import type * as OrtWeb from 'onnxruntime-web';
import { NetloomError } from '../util/errors.ts';

/** What Netloom uses of an onnxruntime package (both packages export these from onnxruntime-common). */
export type OrtModule = Pick<typeof OrtWeb, 'InferenceSession' | 'Tensor' | 'env'>;
export type OrtTensor = OrtWeb.Tensor;
export type OrtSession = OrtWeb.InferenceSession;

/**
 * Where a session runs: onnxruntime-node's native CPU kernels or its CUDA provider, or
 * onnxruntime-web's WASM or WebGPU.
 */
export type Backend = 'cpu' | 'cuda' | 'wasm' | 'webgpu';
export const backendNames = ['cpu', 'cuda', 'wasm', 'webgpu'] as const satisfies readonly Backend[];

export type RuntimeName = 'onnxruntime-node' | 'onnxruntime-web';

export interface OrtRuntime {
  readonly name: RuntimeName;
  readonly ort: OrtModule;
  /** Backends this runtime can run here, best default first. */
  readonly backends: readonly Backend[];
  /**
   * CPU threads a session gets when the caller names none: onnxruntime-web's own default,
   * min(4, ⌈cores / 2⌉), on both runtimes (onnxruntime-node's, one per core, spins every core).
   */
  readonly defaultThreads: number;
}

const threadsFor = (cores: number): number => Math.max(1, Math.min(4, Math.ceil(cores / 2)));

/** Options of one session; threads are per session on onnxruntime-node, per WASM instance on the web. */
export interface SessionOptions {
  readonly backend?: Backend;
  /** CPU threads for this session (onnxruntime-node), or for the WASM instance before it starts. */
  readonly threads?: number;
}

let current: OrtRuntime | undefined;
let loading: Promise<OrtRuntime> | undefined;

/** Sets this process's runtime; a second, different one is refused (see the header). */
export function setOrtRuntime(r: OrtRuntime): OrtRuntime {
  if (current && current.ort !== r.ort) {
    throw new NetloomError('runtime', `onnxruntime is already ${current.name} in this process`);
  }
  current = r;
  return r;
}

/** The runtime set for this process; async callers use loadOrtRuntime, which also picks one in Node. */
export function ortRuntime(): OrtRuntime {
  if (!current) {
    throw new NetloomError('runtime', 'No onnxruntime has been loaded yet (await loadOrtRuntime() first)');
  }
  return current;
}

/** onnxruntime-web as a runtime (any of its builds: plain WASM, WebGPU, or the all-in-one bundle). */
export function webRuntime(ort: OrtModule, opts: { webgpu?: boolean } = {}): OrtRuntime {
  // ORT's warnings (nodes kept on the CPU by design, unused initializers) are not the user's business.
  ort.env.logLevel = 'error';
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return {
    name: 'onnxruntime-web',
    ort,
    backends: opts.webgpu ? ['webgpu', 'wasm'] : ['wasm'],
    defaultThreads: threadsFor(cores ?? 1),
  };
}

interface NodeBackendInfo {
  readonly name: string;
  readonly bundled: boolean;
}

/** onnxruntime-node as a runtime: CPU always, CUDA where its provider library loads. */
export async function nodeRuntime(
  ort: OrtModule & { listSupportedBackends?: () => NodeBackendInfo[] },
): Promise<OrtRuntime> {
  ort.env.logLevel = 'error';
  const listed = ort.listSupportedBackends?.() ?? [];
  const backends: Backend[] = ['cpu'];
  if (listed.some((b) => b.name === 'cuda') && (await cudaLibraryPresent()) && (await cudaLoads(ort))) {
    backends.unshift('cuda');
  }
  const { availableParallelism } = (await import(/* @vite-ignore */ nodeBuiltin('os'))) as {
    availableParallelism(): number;
  };
  return { name: 'onnxruntime-node', ort, backends, defaultThreads: threadsFor(availableParallelism()) };
}

// The smallest valid model (Identity on a float [1]), to see whether the CUDA provider loads.
const identityModel = Uint8Array.from([
  8, 8, 58, 55, 10, 16, 10, 1, 120, 18, 1, 121, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 18, 1, 103, 90,
  15, 10, 1, 120, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4, 10,
  2, 8, 1, 66, 4, 10, 0, 16, 17,
]);

/**
 * onnxruntime-node ships its CPU binary; the CUDA provider's libraries come from its install script
 * (ONNXRUNTIME_NODE_INSTALL=cuda12). Looked for first, so a machine without them is not asked to
 * load them (which logs an error).
 */
async function cudaLibraryPresent(): Promise<boolean> {
  try {
    const { createRequire } = (await import(/* @vite-ignore */ nodeBuiltin('module'))) as {
      createRequire(url: string): { resolve(id: string): string };
    };
    const { existsSync } = (await import(/* @vite-ignore */ nodeBuiltin('fs'))) as {
      existsSync(p: string): boolean;
    };
    const { dirname, join } = (await import(/* @vite-ignore */ nodeBuiltin('path'))) as {
      dirname(p: string): string;
      join(...p: string[]): string;
    };
    const proc = (globalThis as { process?: { platform?: string; arch?: string } }).process;
    const platform = proc?.platform ?? '';
    // The package's main is dist/index.js; its binaries are in bin/napi-v6/<platform>/<arch>/.
    const dist = dirname(createRequire(import.meta.url).resolve(nodePackage));
    const lib = platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    return existsSync(join(dist, '..', 'bin', 'napi-v6', platform, proc?.arch ?? '', lib));
  } catch {
    return false;
  }
}

async function cudaLoads(ort: OrtModule): Promise<boolean> {
  try {
    const s = await ort.InferenceSession.create(identityModel, { executionProviders: ['cuda'] });
    await s.release();
    return true;
  } catch {
    return false;
  }
}

const isNode = (): boolean =>
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

function envChoice(): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[
    'NETLOOM_ORT'
  ];
}

// Specifiers in variables: the renderer's bundler must not follow them (the worker sets its runtime
// itself and never reaches the Node branch).
const nodePackage = 'onnxruntime-node';
const webPackage = 'onnxruntime-web';
const nodeBuiltin = (name: string): string => `node:${name}`;

/**
 * The process's runtime, loading it on first use in Node: onnxruntime-node where it is installed
 * (NETLOOM_ORT=web asks for onnxruntime-web, NETLOOM_ORT=node insists on the native one).
 */
export function loadOrtRuntime(): Promise<OrtRuntime> {
  if (current) return Promise.resolve(current);
  loading ??= (async () => {
    if (!isNode()) {
      throw new NetloomError('runtime', 'This page has not loaded onnxruntime (the worker sets it)');
    }
    const choice = envChoice();
    if (choice !== undefined && choice !== 'node' && choice !== 'web') {
      throw new NetloomError('bad-argument', `NETLOOM_ORT is "${choice}"; use "node" or "web"`);
    }
    if (choice !== 'web') {
      try {
        const m = (await import(/* @vite-ignore */ nodePackage)) as OrtModule;
        return setOrtRuntime(await nodeRuntime(m));
      } catch (e) {
        if (choice === 'node') {
          throw new NetloomError(
            'runtime',
            `NETLOOM_ORT=node, but onnxruntime-node did not load: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
      }
    }
    const m = (await import(/* @vite-ignore */ webPackage)) as OrtModule;
    return setOrtRuntime(webRuntime(m));
  })();
  return loading;
}

/** The backend a session gets when the caller names none: the runtime's first. */
export function defaultBackend(r: OrtRuntime): Backend {
  return r.backends[0]!;
}

/** Checks that this runtime can run `backend`, with a message that says which can. */
export function checkBackend(r: OrtRuntime, backend: Backend): Backend {
  if (!r.backends.includes(backend)) {
    throw new NetloomError(
      'bad-argument',
      `The ${backend} backend is not available on ${r.name} here (available: ${r.backends.join(', ')})`,
    );
  }
  return backend;
}

/** InferenceSession options for a backend and thread count on this runtime. */
export function sessionOptions(
  r: OrtRuntime,
  opts: SessionOptions,
  extra: OrtWeb.InferenceSession.SessionOptions = {},
): OrtWeb.InferenceSession.SessionOptions {
  const backend = checkBackend(r, opts.backend ?? defaultBackend(r));
  const threads = opts.threads ?? r.defaultThreads;
  if (r.name === 'onnxruntime-web') {
    // Read once, when the WASM instance starts (the first session); later values do nothing.
    if (opts.threads !== undefined || r.ort.env.wasm.numThreads === undefined)
      r.ort.env.wasm.numThreads = threads;
  }
  return {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
    ...(r.name === 'onnxruntime-node' ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
    ...extra,
  };
}

// The training worker on onnxruntime-web's plain WASM build (ort.wasm.bundle: half the code of the
// WebGPU-capable build, so Chromium moves it to optimised code far sooner). Threads need
// cross-origin isolation, which the static server and the Electron protocol provide.
import * as ort from 'onnxruntime-web/wasm';
import { webRuntime } from '../../src/runtime/ort-runtime.ts';
import { serveTraining } from './serve-training.ts';
import { cacheCompiledWasm } from './wasm-cache.ts';

cacheCompiledWasm();
serveTraining(webRuntime(ort));

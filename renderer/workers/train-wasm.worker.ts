// The training worker on onnxruntime-web's plain WASM build (ort.wasm.bundle: half the code of the
// WebGPU-capable build, so Chromium moves it to optimised code far sooner). Threads need
// cross-origin isolation, which the static server and the Electron protocol provide.
// A second launch starts warm through Chromium's own WASM code cache: onnxruntime's loader streams
// the .wasm (instantiateStreaming(fetch(url))), Chromium keeps the optimised code beside the
// response's HTTP cache entry and reuses it while the server answers a revalidation with 304
// (scripts/serve-static.mjs sends an ETag). Measured by `npm run bench -- training-browser`.
import * as ort from 'onnxruntime-web/wasm';
import { webRuntime } from '../../src/runtime/ort-runtime.ts';
import { serveTraining } from './serve-training.ts';

serveTraining(webRuntime(ort));

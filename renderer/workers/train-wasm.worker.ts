// The training worker on onnxruntime-web's plain WASM build (ort.wasm.bundle: half the code of the
// WebGPU-capable build, so Chromium moves it to optimised code far sooner). Threads need
// cross-origin isolation, which the static server and the Electron protocol provide.
// A second launch starts warm through Chromium's own WASM code cache: onnxruntime's loader streams
// the .wasm (instantiateStreaming(fetch(url))) and Chromium keeps the optimised code beside the
// response's HTTP cache entry; the static server lets that content-hashed file be kept without
// revalidation, which the cache needs (scripts/serve-static.mjs). Electron's app:// gets no WASM
// code cache: Blink caches streamed WASM for http(s) responses only.
import * as ort from 'onnxruntime-web/wasm';
import { webRuntime } from '../../src/runtime/ort-runtime.ts';
import { serveTraining } from './serve-training.ts';

serveTraining(webRuntime(ort));

// The training worker on WebGPU: onnxruntime-web's WebGPU-capable build (its own bundle, with WASM
// for the few nodes WebGPU leaves to the CPU). The panel starts it only for a real adapter, never
// a software fallback (SwiftShader) unless the user picks it.
import * as ort from 'onnxruntime-web';
import { webRuntime } from '../../src/runtime/ort-runtime.ts';
import { serveTraining } from './serve-training.ts';

serveTraining(webRuntime(ort, { webgpu: true }));

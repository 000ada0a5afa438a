// onnxruntime on the page itself (Try it): the plain WASM build, fetched the first time it is used.
import type { OrtModule } from '../../src/runtime/ort-runtime.ts';
import { setOrtRuntime, webRuntime } from '../../src/runtime/ort-runtime.ts';

let loaded: Promise<void> | undefined;

export function loadPageRuntime(): Promise<void> {
  loaded ??= import('onnxruntime-web/wasm').then((ort) => {
    setOrtRuntime(webRuntime(ort as OrtModule));
  });
  return loaded;
}

// A second launch starts warm: onnxruntime's WASM binary is compiled with
// WebAssembly.compileStreaming from a Response kept in the Cache API, so Chromium keeps the
// optimised machine code it produced beside that entry (its WASM code cache for Cache Storage)
// and the next launch reuses it instead of starting again on the baseline tier. Electron serves
// app:// with the codeCache privilege, whose fetches Chromium caches the same way.
//
// Emscripten (onnxruntime-web's loader) calls WebAssembly.instantiateStreaming(fetch(url),
// imports); this wraps that one call. Anything that goes wrong falls back to the plain call.

const cacheName = 'netloom-wasm-v1';

/** Cache API keys must be http(s): app://netloom/x.wasm is kept as https://netloom.app.invalid/x.wasm. */
function cacheKey(url: string): string {
  const u = new URL(url);
  return u.protocol === 'http:' || u.protocol === 'https:'
    ? u.href
    : `https://${u.host}.app.invalid${u.pathname}`;
}

async function cachedResponse(response: Response): Promise<Response> {
  if (typeof caches === 'undefined' || !response.ok || !response.url) return response;
  try {
    const cache = await caches.open(cacheName);
    const key = cacheKey(response.url);
    const hit = await cache.match(key);
    if (hit) return hit;
    const body = await response.arrayBuffer();
    const stored = new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
    await cache.put(key, stored);
    // Compile from the cache's own Response, so the code cache attaches to that entry.
    return (
      (await cache.match(key)) ?? new Response(body, { headers: { 'Content-Type': 'application/wasm' } })
    );
  } catch {
    return response;
  }
}

export function cacheCompiledWasm(): void {
  const original = WebAssembly.instantiateStreaming?.bind(WebAssembly);
  if (!original) return;
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const response = await source;
    if (!response.url.endsWith('.wasm')) return original(response, imports);
    const module = await WebAssembly.compileStreaming(cachedResponse(response));
    const instance = await WebAssembly.instantiate(module, imports);
    return { module, instance };
  };
}

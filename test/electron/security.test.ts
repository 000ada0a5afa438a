import { describe, expect, it } from 'vitest';
import type { GuardedContents } from '../../electron/security.ts';
import {
  contentSecurityPolicy,
  guardWebContents,
  isAllowedRequestUrl,
  isPermissionAllowed,
  windowOptions,
} from '../../electron/security.ts';
import { appOrigin } from '../../electron/app-protocol.ts';

describe('window options follow Electron’s security checklist', () => {
  const opts = windowOptions({ preload: '/app/dist/electron/preload.cjs' });
  const web = opts.webPreferences ?? {};

  it('isolates and sandboxes the renderer, without Node', () => {
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
    expect(web.preload).toBe('/app/dist/electron/preload.cjs');
    expect(opts.show).toBe(false);
  });

  it('has a strict CSP that still lets onnxruntime compile WASM', () => {
    const directives = new Map(
      contentSecurityPolicy.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    // No JS eval, no inline scripts, no remote hosts anywhere.
    expect(contentSecurityPolicy).not.toContain("'unsafe-eval'");
    expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
    expect(contentSecurityPolicy).not.toMatch(/https?:|\*/);
  });
});

describe('navigation, new windows, webviews, permissions, requests', () => {
  function fakeContents() {
    const listeners = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
    let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
    const contents: GuardedContents = {
      on: ((event: string, listener: (event: { preventDefault(): void }, url?: string) => void) => {
        listeners.set(event, listener);
        return contents;
      }) as GuardedContents['on'],
      setWindowOpenHandler: (h) => {
        openHandler = h;
      },
    };
    const fire = (name: string, url?: string): boolean => {
      let prevented = false;
      listeners.get(name)?.({ preventDefault: () => void (prevented = true) }, url);
      return prevented;
    };
    return { contents, fire, open: (url: string) => openHandler?.({ url }) };
  }

  it('blocks every navigation and webview, denies new windows', () => {
    const f = fakeContents();
    const external: string[] = [];
    guardWebContents(f.contents, (u) => void external.push(u));
    expect(f.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(f.fire('will-navigate', 'file:///home/me/model.json')).toBe(true);
    expect(f.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(f.fire('will-attach-webview')).toBe(true);
    expect(f.open('https://onnx.ai/onnx/operators/')).toEqual({ action: 'deny' });
    expect(f.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(f.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    // Only the https link went to the system browser.
    expect(external).toEqual(['https://onnx.ai/onnx/operators/']);
  });

  it('grants no permission except the clipboard, and that only to the app', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', `${appOrigin}/index.html`, appOrigin)).toBe(true);
    expect(isPermissionAllowed('clipboard-read', appOrigin, appOrigin)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/', appOrigin)).toBe(false);
    expect(isPermissionAllowed('clipboard-read', 'file:///tmp/x.html', appOrigin)).toBe(false);
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'hid',
      'serial',
      'usb',
      'fileSystem',
    ]) {
      expect(isPermissionAllowed(p, `${appOrigin}/index.html`, appOrigin)).toBe(false);
    }
  });

  it('loads nothing remote', () => {
    expect(isAllowedRequestUrl(`${appOrigin}/assets/ort-wasm-simd-threaded.wasm`)).toBe(true);
    expect(isAllowedRequestUrl('blob:app://netloom/0d1e')).toBe(true);
    expect(isAllowedRequestUrl('data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedRequestUrl('https://cdn.jsdelivr.net/npm/onnxruntime-web/dist/ort.wasm')).toBe(false);
    expect(isAllowedRequestUrl('http://localhost:5173/')).toBe(false);
    expect(isAllowedRequestUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedRequestUrl('ws://example.com')).toBe(false);
    expect(isAllowedRequestUrl('not a url')).toBe(false);
  });
});

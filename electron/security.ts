// Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security), one
// place: isolated and sandboxed renderer without Node, a strict CSP, no remote content, no
// navigation, no new windows, no webviews, no permissions beyond what the app uses.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import cspDirectives from './content-security-policy.json' with { type: 'json' };

/**
 * Only our own origin (the directives and why each is there: content-security-policy.json, which
 * the browser fallback server, scripts/serve-static.mjs, sends as well).
 */
export const contentSecurityPolicy = cspDirectives.directives.join('; ');

export const secureWebPreferences = (preload: string): WebPreferences => ({
  preload,
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  enableBlinkFeatures: '',
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
});

export function windowOptions(opts: {
  preload: string;
  title?: string;
  backgroundColor?: string;
}): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 800,
    minHeight: 560,
    title: opts.title ?? 'Netloom',
    backgroundColor: opts.backgroundColor ?? '#1e1f22',
    // Shown on 'ready-to-show' so the user never sees a white flash.
    show: false,
    webPreferences: secureWebPreferences(opts.preload),
  };
}

/**
 * The only permissions the page may have, and only for our own origin: the clipboard, so Edit >
 * Copy and Paste can carry layers between windows (navigator.clipboard). No camera, microphone,
 * location, notifications, MIDI, HID, serial or USB.
 */
const allowedPermissions: ReadonlySet<string> = new Set(['clipboard-sanitized-write', 'clipboard-read']);

export function isPermissionAllowed(permission: string, requestingUrl: string, appOrigin: string): boolean {
  return allowedPermissions.has(permission) && isSameOrigin(requestingUrl, appOrigin);
}

export function isSameOrigin(url: string, origin: string): boolean {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}` === origin;
  } catch {
    return false;
  }
}

/** Links the page may hand to the system browser (documentation, the project page); nothing else. */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Requests any part of the app may make: its own origin and in-memory data. No http(s), ws or
 * file: the app shows no remote content and reads files only through main's dialogs.
 */
export function isAllowedRequestUrl(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'app:' || protocol === 'data:' || protocol === 'blob:' || protocol === 'devtools:';
  } catch {
    return false;
  }
}

/** The slice of WebContents the guards need; tests pass a fake. */
export interface GuardedContents {
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: { preventDefault(): void }, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * The app is one page: every navigation is refused (a dropped file would otherwise replace the
 * app with file://...), new windows are refused (https links go to the system browser instead),
 * and webviews cannot be attached.
 */
export function guardWebContents(contents: GuardedContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) openExternal(url);
    return { action: 'deny' };
  });
}

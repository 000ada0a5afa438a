// `npm start`: builds the renderer (vite) and Electron's main/preload, then opens the desktop
// window. Where Electron's binary is missing (it is downloaded at install time, which can fail
// offline) or there is no display, it says so in one line and serves the same app in the browser.
import { spawn } from 'node:child_process';
import * as nodeFs from 'node:fs';
import { createRequire } from 'node:module';
import * as nodePath from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Where Electron's executable is, or undefined. Mirrors node_modules/electron/index.js but never
 * runs it: requiring 'electron' from Node starts a download when the binary is missing.
 * @param {{ electronDir: string | undefined, env: Record<string, string | undefined>,
 *   exists: (p: string) => boolean, readText: (p: string) => string | undefined }} io
 * @returns {string | undefined}
 */
export function electronBinaryPath({ electronDir, env, exists, readText }) {
  if (electronDir === undefined) return undefined;
  const recorded = readText(nodePath.join(electronDir, 'path.txt'))?.trim() || undefined;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate =
    override !== undefined && override !== ''
      ? nodePath.join(override, recorded ?? 'electron')
      : recorded !== undefined
        ? nodePath.join(electronDir, 'dist', recorded)
        : undefined;
  return candidate !== undefined && exists(candidate) ? candidate : undefined;
}

/**
 * Desktop window or browser tab.
 * @param {{ binaryPath: string | undefined, env: Record<string, string | undefined>, platform: string }} input
 * @returns {{ mode: 'electron', binary: string } | { mode: 'browser', reason: string }}
 */
export function decideLaunch({ binaryPath, env, platform }) {
  if (env.NETLOOM_BROWSER === '1') return { mode: 'browser', reason: 'NETLOOM_BROWSER=1 is set' };
  if (binaryPath === undefined) {
    return {
      mode: 'browser',
      reason:
        "Electron's binary is not installed (node_modules/electron has no dist/; run `npx install-electron`)",
    };
  }
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { mode: 'browser', reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  return { mode: 'electron', binary: binaryPath };
}

/** The one line `npm start` prints when it falls back. */
export function fallbackMessage(reason) {
  return `Netloom: ${reason} — serving the app in the browser instead.`;
}

function findElectronDir() {
  try {
    return nodePath.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

function run(command, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', cwd: repoRoot, ...opts });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(1));
  });
}

async function main() {
  const fileArgs = process.argv.slice(2);
  const viteBin = nodePath.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  if ((await run(process.execPath, [viteBin, 'build', '--logLevel', 'warn'])) !== 0) {
    console.error('Netloom: building the renderer failed (see above).');
    process.exit(1);
  }
  const rendererDir = nodePath.join(repoRoot, 'dist', 'renderer');

  const decision = decideLaunch({
    binaryPath: electronBinaryPath({
      electronDir: findElectronDir(),
      env: process.env,
      exists: (p) => nodeFs.existsSync(p),
      readText: (p) => {
        try {
          return nodeFs.readFileSync(p, 'utf8');
        } catch {
          return undefined;
        }
      },
    }),
    env: process.env,
    platform: process.platform,
  });

  if (decision.mode === 'electron') {
    const { buildElectron } = await import('./build-electron.mjs');
    await buildElectron();
    const env = { ...process.env };
    // Set by some shells and CI images; it would make Electron run as plain Node.
    delete env.ELECTRON_RUN_AS_NODE;
    const main = nodePath.join(repoRoot, 'dist', 'electron', 'main.cjs');
    process.exit(await run(decision.binary, [main, ...fileArgs], { env }));
  }

  console.log(fallbackMessage(decision.reason));
  let serveStatic;
  try {
    ({ serveStatic } = await import('./serve-static.mjs'));
  } catch (err) {
    console.error(
      `Netloom: cannot load scripts/serve-static.mjs (${err instanceof Error ? err.message : err}).`,
    );
    process.exit(1);
  }
  const port = Number(process.env.NETLOOM_PORT ?? process.env.PORT ?? 4173);
  const server = await serveStatic(rendererDir, port);
  console.log(`Netloom is running at ${server.url} (Ctrl+C to stop)`);
  if (fileArgs.length > 0) console.log('Files named on the command line open only in the desktop app.');
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}

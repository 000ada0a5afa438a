// `npm install` then `npm test` on a machine with only Node: a temporary HOME, a PATH holding node
// (and sh, for npm's scripts) and nothing else, no NETLOOM_* settings, and no installing
// (NETLOOM_INSTALL_REFERENCES=0; with internet, Playwright would fetch a Chromium into that HOME).
// npm test's set-up step (the pretest) and its vitest run, on a small slice, must name every missing
// reference and pass; under NETLOOM_REQUIRE_REFERENCES=1, npm test must fail and name them. npm
// test's typecheck, lint and format check touch no reference; they are left out to keep this fast.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { referenceList } from '../../scripts/references.mjs';

const root = join(import.meta.dirname, '../..');
// One check per reference kind: NumPy (npy), onnx.checker (dropout's graphs), Chromium (isolation).
const slice = [
  'test/runtime/npy.test.ts',
  'test/layers/dropout-training.test.ts',
  'test/electron/isolation.test.ts',
];

function npmCli(): string {
  const nodeDir = dirname(process.execPath);
  const tried = [
    process.env['npm_execpath'],
    join(nodeDir, '../lib/node_modules/npm/bin/npm-cli.js'),
    join(nodeDir, 'node_modules/npm/bin/npm-cli.js'),
  ].filter((p): p is string => !!p && p.endsWith('npm-cli.js'));
  const found = tried.find((p) => existsSync(p));
  if (!found) throw new Error(`npm's npm-cli.js is not where node keeps it: tried ${tried.join(', ')}`);
  return found;
}

function onlyNode(): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'netloom-clean-home-'));
  const bin = mkdtempSync(join(tmpdir(), 'netloom-clean-bin-'));
  if (process.platform === 'win32') {
    try {
      linkSync(process.execPath, join(bin, 'node.exe'));
    } catch {
      copyFileSync(process.execPath, join(bin, 'node.exe'));
    }
  } else {
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync('/bin/sh', join(bin, 'sh')); // npm runs scripts with the `sh` on PATH; a bare machine has one
  }
  const keep = ['SystemRoot', 'ComSpec', 'TMPDIR', 'TEMP', 'TMP'].filter((k) => process.env[k]);
  return {
    ...Object.fromEntries(keep.map((k) => [k, process.env[k]])),
    HOME: home,
    USERPROFILE: home,
    LOCALAPPDATA: join(home, 'AppData', 'Local'),
    APPDATA: join(home, 'AppData', 'Roaming'),
    PATH: bin,
    NETLOOM_INSTALL_REFERENCES: '0',
    // Plain output to read; no registry look-up for a newer npm.
    NO_COLOR: '1',
    npm_config_update_notifier: 'false',
  };
}

function npm(args: readonly string[], extra: NodeJS.ProcessEnv = {}): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [npmCli(), ...args], {
    cwd: root,
    env: { ...onlyNode(), ...extra },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}` };
}

// macOS's /Applications cannot be hidden by HOME or PATH: a Chrome there is found, and used.
const chromeInApplications =
  process.platform === 'darwin' &&
  (referenceList.chromium['darwin'] as string[]).some((p) => !p.startsWith('~') && existsSync(p));
const missingNames = `python3 with onnx, numpy, torch, torchvision${chromeInApplications ? '' : ', Chromium'}`;

describe('npm test on a machine with only Node', () => {
  test('the set-up step and a slice of the suite name each missing reference, and pass', () => {
    const setup = npm(['run', 'pretest']);
    expect(setup.out).toContain('references: missing: no python3 with onnx, numpy, torch, torchvision');
    if (!chromeInApplications) expect(setup.out).toContain('references: missing: no Chromium');
    expect(setup.code, setup.out).toBe(0);

    const run = npm(['run', 'test:unit', '--', ...slice]);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(
      /onnx\.checker: not run in \d+ tests?, no python3 with onnx .*— set NETLOOM_PYTHON/,
    );
    expect(run.out).toMatch(/NumPy: not run in \d+ tests?, no python3 with numpy .*— set NETLOOM_PYTHON/);
    if (!chromeInApplications) {
      expect(run.out).toMatch(/Chromium: not run in \d+ tests?, no Chromium .*— set NETLOOM_CHROMIUM/);
    }
    // The rest of the slice ran and passed, and every test vitest skipped is one named as not run.
    const counts = /Tests\s+(\d+) passed \| (\d+) skipped/.exec(run.out);
    const notRun = /Not run, for want of a reference \((\d+) tests/.exec(run.out);
    expect(counts, run.out).not.toBeNull();
    expect(Number(counts![1])).toBeGreaterThan(0);
    expect(Number(notRun?.[1])).toBe(Number(counts![2]));
  }, 300_000);

  test('with NETLOOM_REQUIRE_REFERENCES=1, npm test fails and names what is missing', () => {
    const required = { NETLOOM_REQUIRE_REFERENCES: '1' };
    const whole = npm(['test'], required);
    expect(whole.code, whole.out).not.toBe(0);
    expect(whole.out).toContain(`references: NETLOOM_REQUIRE_REFERENCES=1 and missing: ${missingNames}`);
    // vitest alone (npx vitest) refuses too, before any test runs.
    const vitest = npm(['run', 'test:unit', '--', ...slice], required);
    expect(vitest.code, vitest.out).not.toBe(0);
    expect(vitest.out).toContain(
      `NETLOOM_REQUIRE_REFERENCES=1, and this machine lacks ${missingNames.replace(/, Chromium$/, ' and Chromium')}`,
    );
    expect(vitest.out).not.toMatch(/Tests\s+\d+ passed/);
  }, 300_000);
});

// Where scripts/references.mjs looks for a Python and a Chromium, and what it says when it finds none.
// The look-ups run in a child Node with the environment under test (Playwright reads HOME itself);
// the choices between candidates are pure functions, checked here on made-up findings.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  chromiumMissingReason,
  missingReferences,
  pythonMissingReason,
  pythonWith,
  referenceList,
} from '../../scripts/references.mjs';
import type { FoundReferences, PythonCandidate } from '../../scripts/references.mjs';

const script = pathToFileURL(join(import.meta.dirname, '../../scripts/references.mjs')).href;
const exe = process.platform === 'win32' ? '.exe' : '';

function lookUp<T>(call: string, env: NodeJS.ProcessEnv): T {
  const code = `import(${JSON.stringify(script)}).then((m) => console.log(JSON.stringify(m.${call})))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { env, encoding: 'utf8' })) as T;
}

/** A temporary HOME and a PATH of one folder holding executables with these names (empty scripts). */
function bareMachine(names: readonly string[]): { env: NodeJS.ProcessEnv; bin: string } {
  const home = mkdtempSync(join(tmpdir(), 'netloom-home-'));
  const bin = mkdtempSync(join(tmpdir(), 'netloom-bin-'));
  for (const n of names) {
    writeFileSync(join(bin, n + exe), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, n + exe), 0o755);
  }
  const windows = process.env['SystemRoot'] ? { SystemRoot: process.env['SystemRoot'] } : {};
  return { env: { HOME: home, USERPROFILE: home, LOCALAPPDATA: home, PATH: bin, ...windows }, bin };
}

// macOS's /Applications cannot be hidden by HOME or PATH; a Chrome there is found last of all.
const chromeInApplications =
  process.platform === 'darwin' &&
  (referenceList.chromium['darwin'] as string[]).some((p) => !p.startsWith('~') && existsSync(p));

describe('looking for a Python', () => {
  test('NETLOOM_PYTHON is the only Python tried: one that does not run is named, not replaced', () => {
    const named = join(tmpdir(), `netloom-no-such-python${exe}`);
    const python = lookUp<FoundReferences['python']>('findPythons()', {
      ...process.env,
      NETLOOM_PYTHON: named,
    });
    expect(python.from).toBe('NETLOOM_PYTHON');
    expect(python.candidates.map((c) => [c.path, c.runs])).toEqual([[named, false]]);
    expect(pythonWith({ python }, ['onnx'])).toBeUndefined();
    expect(pythonMissingReason({ python }, ['onnx'])).toMatch(
      new RegExp(`^no python3 with onnx \\(NETLOOM_PYTHON=${named.replace(/\\/g, '\\\\')} does not run`),
    );
  });

  test('with no Python on PATH there is no candidate, and the reason says what to set or install', () => {
    const { env } = bareMachine([]);
    const python = lookUp<FoundReferences['python']>('findPythons()', env);
    expect(python).toEqual({ from: 'PATH', candidates: [] });
    expect(pythonMissingReason({ python }, ['torch', 'numpy'])).toBe(
      'no python3 with torch, numpy (no python3 or python on PATH) — set NETLOOM_PYTHON to a Python that ' +
        'has it, or pip install torch numpy, or on Debian/Ubuntu apt-get install python3-torch python3-numpy ' +
        '(npm test does this when run as root)',
    );
  });

  const candidate = (path: string, modules: string[]): PythonCandidate => ({
    path,
    runs: true,
    version: '3.11.2',
    modules: Object.fromEntries(
      Object.keys(referenceList.pythonModules).map((m) => [m, modules.includes(m) ? '1.0' : null]),
    ),
    errors: {},
  });

  test('one Python judges the run where one has every module; else each check takes the first that fits', () => {
    const numpyOnly = candidate('/first/python3', ['numpy']);
    const everything = candidate('/second/python3', ['onnx', 'numpy', 'torch', 'torchvision']);
    const onnxOnly = candidate('/second/python3', ['onnx']);
    expect(pythonWith({ python: { from: 'PATH', candidates: [numpyOnly, everything] } }, ['numpy'])).toBe(
      '/second/python3',
    );
    const partial = { python: { from: 'PATH' as const, candidates: [numpyOnly, onnxOnly] } };
    expect(pythonWith(partial, ['numpy'])).toBe('/first/python3');
    expect(pythonWith(partial, ['onnx'])).toBe('/second/python3');
    expect(pythonWith(partial, ['onnx', 'numpy'])).toBeUndefined();
    expect(pythonMissingReason(partial, ['torch'])).toContain(
      'on PATH: /first/python3 has no torch (not found); /second/python3 has no torch (not found)',
    );
  });

  test('every missing reference is named once, Python modules together, each with its remedy', () => {
    const found: FoundReferences = {
      python: { from: 'PATH', candidates: [candidate('/usr/bin/python3', ['numpy', 'onnx'])] },
      chromium: { path: null, problem: 'no Chromium (looked for chromium on PATH)' },
    };
    expect(missingReferences(found).map((m) => m.name)).toEqual([
      'python3 with torch, torchvision',
      'Chromium',
    ]);
    expect(missingReferences(found)[1]!.reason).toBe(chromiumMissingReason(found));
    expect(chromiumMissingReason(found)).toMatch(
      /^no Chromium \(looked for chromium on PATH\) — set NETLOOM_CHROMIUM .*npx playwright-core install chromium/,
    );
  });
});

describe('looking for a Chromium', () => {
  test('NETLOOM_CHROMIUM is the only Chromium tried: a wrong one is named, not replaced', () => {
    const { env, bin } = bareMachine(['chromium']);
    const named = join(bin, 'not-here');
    expect(lookUp('findChromium()', { ...env, NETLOOM_CHROMIUM: named })).toEqual({
      path: null,
      problem: `NETLOOM_CHROMIUM=${named} is not an executable file`,
    });
    const good = join(bin, `chromium${exe}`);
    expect(lookUp('findChromium()', { ...env, NETLOOM_CHROMIUM: good })).toEqual({
      path: good,
      from: 'NETLOOM_CHROMIUM',
    });
  });

  test('found on PATH under its usual names', () => {
    const { env, bin } = bareMachine(['chromium-browser']);
    expect(lookUp('findChromium()', env)).toEqual({
      path: join(bin, `chromium-browser${exe}`),
      from: 'PATH',
    });
  });

  test('none: the problem lists where it looked', () => {
    const { env } = bareMachine(['python2', 'firefox']);
    const chromium = lookUp<FoundReferences['chromium']>('findChromium()', env);
    if (chromeInApplications) {
      expect(chromium.from).toBe('application folder');
    } else {
      expect(chromium.path).toBeNull();
      // Windows adds its application folders (under the temporary LOCALAPPDATA) to the list.
      expect(chromium.problem).toMatch(
        new RegExp(
          `^no Chromium \\(looked for ${referenceList.chromium.names.join(', ')} on PATH; Playwright's download`,
        ),
      );
    }
  });
});

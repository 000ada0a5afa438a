// The one way tests reach the outside references: a Python with onnx/numpy/torch/torchvision and a
// Chromium for playwright-core. vitest's global set-up (references-setup.ts) finds them once per run
// with scripts/references.mjs and hands the result to every test file.
//
// Ask inside a test: where the reference is missing, that test ends as skipped with the note
// "<check>: not run, <why and what to do>", which the run's summary lists by check
// (references-reporter.ts); under NETLOOM_REQUIRE_REFERENCES=1 (CI) it fails instead.
import type { Browser } from 'playwright-core';
import { inject, TestRunner } from 'vitest';
import {
  chromiumMissingReason,
  pythonMissingReason,
  pythonWith,
  referencesRequired,
} from '../../scripts/references.mjs';
import type { FoundReferences, PythonModule } from '../../scripts/references.mjs';

export type { PythonModule };

declare module 'vitest' {
  export interface ProvidedContext {
    references: FoundReferences;
  }
}

/** ENVIRONMENT.md's flags for Chromium under playwright-core (no sandbox, no network chatter). */
export const chromiumFlags: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

function found(): FoundReferences {
  const f = inject('references');
  if (!f) throw new Error('no references: run the tests with vitest.config.ts, whose globalSetup finds them');
  return f;
}

/** Ends the current test as not run, named by its check; a failure where references are required. */
function notRun(check: string, reason: string): never {
  const note = `${check}: not run, ${reason}`;
  if (referencesRequired()) throw new Error(`${note} [NETLOOM_REQUIRE_REFERENCES=1]`);
  const test = TestRunner.getCurrentTest();
  // Outside a test (a hook, a file's top level) a skip would take more than this check with it.
  if (!test) throw new Error(`${note} [ask for a reference inside a test, so only that test is not run]`);
  return test.context.skip(note);
}

function defaultCheck(modules: readonly PythonModule[]): string {
  if (modules.includes('torchvision')) return 'torchvision';
  if (modules.includes('torch')) return 'PyTorch';
  if (modules.includes('onnx')) return 'onnx';
  return 'NumPy';
}

/** The Python that imports every one of `modules`, or undefined where this machine has none. */
export function pythonPath(modules: readonly PythonModule[]): string | undefined {
  return pythonWith(found(), modules);
}

/**
 * The Python that imports every one of `modules`; inside a test, where there is none, the test is
 * not run (named `check` in the summary, "PyTorch" for torch and so on by default).
 */
export function requirePython(modules: readonly PythonModule[], check = defaultCheck(modules)): string {
  return pythonPath(modules) ?? notRun(check, pythonMissingReason(found(), modules));
}

/** The Chromium for playwright-core's executablePath, or undefined where this machine has none. */
export function chromiumPath(): string | undefined {
  return found().chromium.path ?? undefined;
}

/** The Chromium for playwright-core; inside a test, where there is none, the test is not run. */
export function requireChromium(check = 'Chromium'): string {
  return chromiumPath() ?? notRun(check, chromiumMissingReason(found()));
}

/** Launches the reference Chromium headless with chromiumFlags and `extraArgs`. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const executablePath = requireChromium();
  // Loaded here, not above: playwright-core takes about a second to load, and most files never launch.
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...chromiumFlags, ...extraArgs],
  });
}

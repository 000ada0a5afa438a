import { defineConfig } from 'vitest/config';
import { ReferencesReporter } from './test/helpers/references-reporter.ts';

const testTimeoutMs = 120_000;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: testTimeoutMs,
    hookTimeout: testTimeoutMs,
    // Two cores: onnxruntime's WASM and Chromium each want one.
    maxWorkers: 2,
    // Python and Chromium, found once (scripts/references.mjs); what is missing is listed at the end.
    // One temporary folder per run, removed at its end (test/helpers/tmp-setup.ts).
    globalSetup: ['test/helpers/tmp-setup.ts', 'test/helpers/references-setup.ts'],
    reporters: ['default', new ReferencesReporter()],
  },
});

import { defineConfig } from 'vitest/config';

const testTimeoutMs = 120_000;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: testTimeoutMs,
    hookTimeout: testTimeoutMs,
    // Two cores: onnxruntime's WASM and Chromium each want one.
    maxWorkers: 2,
  },
});

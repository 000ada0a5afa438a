// Bundles the WebGPU training check page (test/runtime/train-webgpu.test.ts builds it on demand).
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  logLevel: 'warn',
  build: { outDir: '../../../dist/test-webgpu', emptyOutDir: true, target: 'es2022' },
});

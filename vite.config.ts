// Builds the renderer (a plain web app) into dist/renderer. Relative base so the same files load
// from app://netloom/ in Electron and from http://localhost in the browser fallback.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { mnistAsset } from './scripts/mnist-asset.ts';

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), mnistAsset()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000 },
  worker: { format: 'es' },
  server: { headers: isolation },
  preview: { headers: isolation },
});

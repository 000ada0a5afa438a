import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const uiModules = ['react', 'react-dom', 'zustand', 'electron'];
const uiPatterns = ['@xyflow/*', 'zustand/*', 'react/*', 'react-dom/*', '**/renderer/**', '**/electron/**'];

export default tseslint.config(
  {
    ignores: ['node_modules', 'dist', 'coverage', 'test-results', 'src/onnx/onnx-proto.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports only.' },
        { selector: 'ExportAllDeclaration', message: 'No `export *`: name what you export.' },
      ],
    },
  },
  {
    // Tool configs are loaded by their tools through a default export.
    files: ['*.config.{js,ts,mjs}'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The core runs in Node, a browser and a worker: no UI, no Electron, no DOM.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: uiModules, patterns: uiPatterns }],
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'src/ runs outside a page; no window.' },
        { name: 'document', message: 'src/ runs outside a page; no document.' },
        { name: 'localStorage', message: 'src/ runs outside a page; no localStorage.' },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron'], patterns: ['**/electron/**'] }],
    },
  },
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/renderer/**'] }],
    },
  },
);

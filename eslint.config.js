import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const uiModules = ['react', 'react-dom', 'zustand', 'electron'];
const uiPatterns = ['@xyflow/*', 'zustand/*', 'react/*', 'react-dom/*', '**/renderer/**', '**/electron/**'];

// The layers of the core: each folder of src/ and the folders it may import (ARCHITECTURE.md
// carries the same table). An import that runs back up a layer fails lint. `types:` names
// folders whose types only may be imported.
const coreLayers = {
  util: [],
  host: ['util'],
  document: ['util'],
  ir: ['util'],
  layers: ['ir', 'util', { types: 'document' }],
  compile: ['autodiff', 'layers', 'ir', 'document', 'util'],
  autodiff: ['ir', 'util'],
  onnx: ['compile', 'layers', 'ir', 'document', 'util'],
  templates: ['document', 'util'],
  pytorch: ['autodiff', 'compile', 'layers', 'ir', 'document', 'util'],
  runtime: ['templates', 'onnx', 'autodiff', 'compile', 'layers', 'ir', 'document', 'host', 'util'],
  experiments: [
    'runtime',
    'templates',
    'onnx',
    'autodiff',
    'compile',
    'layers',
    'ir',
    'document',
    'host',
    'util',
  ],
  cli: [
    'experiments',
    'runtime',
    'pytorch',
    'templates',
    'onnx',
    'autodiff',
    'compile',
    'layers',
    'ir',
    'document',
    'host',
    'util',
  ],
};

/** An import path that reaches another folder of src/ by going up: `../ir/x.ts`, `../../ir/x.ts`. */
const upInto = (folders) => `^(\\.\\./)+(${folders.join('|')})/`;

function coreLayerRules(folder, allowed) {
  const plain = allowed.filter((a) => typeof a === 'string');
  const typesOnly = allowed.filter((a) => typeof a !== 'string').map((a) => a.types);
  const others = Object.keys(coreLayers).filter((f) => f !== folder);
  const forbidden = others.filter((f) => !plain.includes(f) && !typesOnly.includes(f));
  const may =
    [...plain, ...typesOnly.map((t) => `${t} (types)`)].map((f) => `src/${f}`).join(', ') || 'nothing';
  const message = `src/${folder} may import ${may} (the layers in ARCHITECTURE.md).`;
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: uiModules,
          patterns: [
            { group: uiPatterns },
            ...(forbidden.length ? [{ regex: upInto(forbidden), message }] : []),
            ...(typesOnly.length ? [{ regex: upInto(typesOnly), message, allowTypeImports: true }] : []),
          ],
        },
      ],
    },
  };
}

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
  ...Object.entries(coreLayers).map(([folder, allowed]) => coreLayerRules(folder, allowed)),
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron'], patterns: ['**/electron/**'] }],
    },
  },
  {
    // Electron's main and preload see the core only through the Host seam and the document.
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/renderer/**'] },
            {
              regex: '^(\\.\\./)+src/(?!host/|document/)',
              message: 'electron/ may import src/host and src/document only (ARCHITECTURE.md).',
            },
          ],
        },
      ],
    },
  },
);

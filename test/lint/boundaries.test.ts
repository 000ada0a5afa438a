// The layer boundaries of ARCHITECTURE.md are lint rules; this proves the rules still bite.
import { readdirSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('boundaries', () => {
  test('the core may not import UI or Electron modules', async () => {
    for (const mod of ['react', 'zustand', '@xyflow/react', 'electron', '../../renderer/store.ts']) {
      const ids = await ruleIds(`import { x } from '${mod}';\nexport const y = x;\n`, 'src/ir/probe.ts');
      expect(ids, mod).toContain('no-restricted-imports');
    }
  });

  test('the core may not touch page globals', async () => {
    const ids = await ruleIds(
      'export const w = window.innerWidth + localStorage.length;\n',
      'src/ir/probe.ts',
    );
    expect(ids.filter((i) => i === 'no-restricted-globals')).toHaveLength(2);
  });

  test('the renderer may not import electron', async () => {
    const ids = await ruleIds(
      `import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n`,
      'renderer/probe.ts',
    );
    expect(ids).toContain('no-restricted-imports');
  });

  test('default exports are refused', async () => {
    expect(await ruleIds('export default 1;\n', 'src/ir/probe.ts')).toContain('no-restricted-syntax');
  });
});

// What each folder of src/ may import, as ARCHITECTURE.md's table says; the lint must agree on
// every pair of folders. ('document (types)': type-only imports.)
const mayImport: Readonly<Record<string, readonly string[]>> = {
  util: [],
  host: ['util'],
  document: ['util'],
  ir: ['util'],
  layers: ['ir', 'util', 'document (types)'],
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
const folders = Object.keys(mayImport);

const probe = (from: string, what = 'import { x }') => `${what} from '${from}';\nexport const y = x;\n`;

describe('the layers of src/', () => {
  test('every folder of src/ has a row', () => {
    const onDisk = readdirSync('src', { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(onDisk.sort()).toEqual([...folders].sort());
  });

  test.each(folders)('src/%s imports only the folders its row names', async (folder) => {
    for (const other of folders) {
      if (other === folder) continue;
      const allowed = mayImport[folder]!.includes(other);
      const fromTop = await ruleIds(probe(`../${other}/probe.ts`), `src/${folder}/probe.ts`);
      const fromSub = await ruleIds(probe(`../../${other}/probe.ts`), `src/${folder}/sub/probe.ts`);
      for (const ids of [fromTop, fromSub]) {
        if (allowed) expect(ids, `src/${folder} → src/${other}`).not.toContain('no-restricted-imports');
        else expect(ids, `src/${folder} → src/${other}`).toContain('no-restricted-imports');
      }
    }
  });

  test('layers may import the types of the document, not its code', async () => {
    const types = await ruleIds(
      `import type { DocNode } from '../document/schema.ts';\nexport type N = DocNode;\n`,
      'src/layers/probe.ts',
    );
    expect(types).not.toContain('no-restricted-imports');
    expect(await ruleIds(probe('../document/parse.ts'), 'src/layers/probe.ts')).toContain(
      'no-restricted-imports',
    );
  });

  test('electron/ sees the core only through src/host and src/document', async () => {
    for (const folder of folders) {
      const ids = await ruleIds(probe(`../src/${folder}/probe.ts`), 'electron/probe.ts');
      if (folder === 'host' || folder === 'document')
        expect(ids, folder).not.toContain('no-restricted-imports');
      else expect(ids, folder).toContain('no-restricted-imports');
    }
  });
});

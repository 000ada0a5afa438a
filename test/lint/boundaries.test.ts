// The layer boundaries of DESIGN.md are lint rules; this proves the rules still bite.
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

// Files with hostile content opened in the editor (issue 10), served as npm start's browser fallback
// serves it — with the desktop app's Content-Security-Policy: names with control characters show as
// visible escapes, a loop of groups is a problem and not a frozen tab, a 30-million-unit layer is an
// error on its field before anything is allocated, and the app runs under the CSP without a violation.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { chainDoc } from '../helpers/doc.ts';
import { appPerFile, shots } from './app.ts';

const app = appPerFile();

test('a project with an escape-sequence name, a loop of groups and a 30M-unit layer opens and says what is wrong', async () => {
  const violations: string[] = [];
  app.page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) violations.push(m.text());
  });
  const d = chainDoc(
    [100],
    [
      { kind: 'Dense', params: { units: 30_000_000 }, id: 'wide' },
      { kind: 'ReLU', id: 'act' },
    ],
  );
  const project = {
    ...d,
    nodes: d.nodes.map((n) =>
      n.id === 'act' ? { ...n, name: 'act\u001b[31mred\u202eevil', group: 'a' } : { ...n, group: 'a' },
    ),
    groups: [
      { id: 'a', name: 'Outer', parent: 'b', collapsed: false },
      { id: 'b', name: 'Inner', parent: 'a', collapsed: false },
    ],
  };
  const file = join(mkdtempSync(join(tmpdir(), 'netloom-hostile-')), 'hostile.json');
  writeFileSync(file, JSON.stringify(project));
  const [chooser] = await Promise.all([
    app.page.waitForEvent('filechooser'),
    app.page.getByTestId('open-file').click(),
  ]);
  await chooser.setFiles(file);
  await expect.poll(() => app.page.locator('.layer-node').count(), { timeout: 30_000 }).toBe(4);

  const problems = app.page.getByTestId('problems');
  await expect
    .poll(() => problems.textContent())
    .toContain('Groups contain each other in a loop ("Outer" → "Inner" → "Outer")');
  expect(await problems.textContent()).toContain('would take 11.2 GiB; a weight may take at most 2 GiB');
  // The name is shown, its control characters as visible escapes.
  const label = await app.page.locator('[data-testid^="node-act"] .layer-name').textContent();
  expect(label).toBe('act\\u001b[31mred\\u202eevil');
  // The field that sized the weight is the one marked.
  await app.page.getByTestId('node-wide').click();
  expect(await app.page.getByTestId('error-units').textContent()).toBe(
    'the weight "weight" [30000000, 100] would take 11.2 GiB; a weight may take at most 2 GiB',
  );
  await app.page.screenshot({ path: join(shots, 'editor-hostile-project.png') });
  // Still responsive: a template replaces it.
  await app.page.getByTestId('open-gallery').click();
  await app.page.locator('.card[data-template="playground"]').click();
  await expect.poll(() => app.page.getByTestId('problems').textContent()).toContain('No problems');
  expect(violations).toEqual([]);
}, 120_000);

// A 2,000-layer project in Chromium, as a person meets it: Open… shows every layer at once as boxes
// on one canvas (no DOM element per layer), a click on a box selects that layer, an edit in the
// inspector changes the totals, and zooming in brings back the full nodes, only those on screen.
// An ONNX file is laid out by elkjs in the layout worker, off the page's thread.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { residualMlp } from '../../bench/graphs.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { appPerFile, shots } from './app.ts';

const app = appPerFile();

/** The canvas's pan and zoom in page coordinates, from React Flow's viewport element. */
async function view(): Promise<{ x: number; y: number; zoom: number }> {
  return app.page.evaluate(() => {
    const t = document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform;
    const m = /translate\(([-\d.e]+)px,\s*([-\d.e]+)px\)\s*scale\(([-\d.e]+)\)/.exec(t)!;
    const r = document.querySelector('.react-flow')!.getBoundingClientRect();
    return { x: Number(m[1]) + r.left, y: Number(m[2]) + r.top, zoom: Number(m[3]) };
  });
}

/** How many pixels of a canvas (by its test id, or the one inside it) are the problem red. */
async function redPixels(testId: string): Promise<number> {
  return app.page.getByTestId(testId).evaluate((el) => {
    const c = (el instanceof HTMLCanvasElement ? el : el.querySelector('canvas'))!;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let red = 0;
    for (let i = 0; i < data.length; i += 4)
      if (data[i]! > 200 && data[i + 1]! < 130 && data[i + 2]! < 130 && data[i + 3]! > 100) red++;
    return red;
  });
}

test('2,000 layers on screen: boxes on one canvas, select and edit one, zoom in to read it', async () => {
  const layers = 2000;
  const doc = residualMlp(layers, 'grid');
  const file = join(mkdtempSync(join(tmpdir(), 'netloom-big-')), 'big.json');
  writeFileSync(file, JSON.stringify(doc));
  // Every block of four layers holds two Dense(64 → 64): 64·64 weights and 64 biases each.
  const blockParams = 2 * (64 * 64 + 64);
  const params = (layers / 4) * blockParams;
  const [chooser] = await Promise.all([
    app.page.waitForEvent('filechooser'),
    app.page.getByTestId('open-file').click(),
  ]);
  await chooser.setFiles(file);
  const totals = app.page.getByTestId('totals');
  await expect
    .poll(() => totals.textContent(), { timeout: 60_000 })
    .toContain(params.toLocaleString('en-US'));

  // Fitted, the whole grid is far below the level-of-detail zoom: one canvas, no React Flow nodes.
  await expect.poll(() => app.page.getByTestId('lod-canvas').count()).toBe(1);
  expect(await app.page.locator('.react-flow__node').count()).toBe(0);
  expect(await app.page.evaluate(() => document.getElementsByTagName('*').length)).toBeLessThan(1000);
  await app.page.screenshot({ path: join(shots, 'big-graph-2000-fit.png') });

  // A click on the middle Dense's box selects it.
  const dense = doc.nodes.find((n) => n.id === 'n1000')!;
  expect(dense.kind).toBe('Dense');
  const v = await view();
  const at = { x: v.x + (dense.position.x + 100) * v.zoom, y: v.y + (dense.position.y + 30) * v.zoom };
  await app.page.mouse.click(at.x, at.y);
  const inspector = app.page.getByTestId('inspector');
  await expect.poll(() => inspector.locator('h3').textContent()).toBe('Dense (Linear)');
  expect(await inspector.locator('input[placeholder]').first().getAttribute('placeholder')).toBe('n1000');

  // 65 units: this Dense gains 64 + 1 parameters, the next Dense (65 → 64) 64.
  await inspector.locator('[data-field="units"]').fill('65');
  await expect
    .poll(() => totals.textContent(), { timeout: 30_000 })
    .toContain((params + 65 + 64).toLocaleString('en-US'));

  // The Dense two further on feeds an Add: with 65 units the Add's inputs do not fit, and its box
  // turns red on the overview and on the minimap (each paints again after an edit: the minimap
  // draws its boxes from a bitmap made once per graph); back to 64, no red.
  expect(await redPixels('lod-canvas')).toBe(0);
  expect(await redPixels('minimap')).toBe(0);
  const feeder = doc.nodes.find((n) => n.id === 'n1002')!;
  expect(doc.edges.some((e) => e.source.node === 'n1002' && e.target.node === 'n1003')).toBe(true);
  await app.page.mouse.click(
    v.x + (feeder.position.x + 100) * v.zoom,
    v.y + (feeder.position.y + 30) * v.zoom,
  );
  await expect
    .poll(() => inspector.locator('input[placeholder]').first().getAttribute('placeholder'))
    .toBe('n1002');
  await inspector.locator('[data-field="units"]').fill('65');
  await expect.poll(() => redPixels('lod-canvas'), { timeout: 30_000 }).toBeGreaterThan(20);
  await app.page.screenshot({ path: join(shots, 'big-graph-2000-problem.png') });
  await expect.poll(() => redPixels('minimap')).toBeGreaterThan(0);
  await inspector.locator('[data-field="units"]').fill('64');
  await expect.poll(() => redPixels('lod-canvas'), { timeout: 30_000 }).toBe(0);
  await expect.poll(() => redPixels('minimap')).toBe(0);

  // Zoomed in at the first Dense: full nodes again, only the few on screen.
  await app.page.mouse.move(at.x, at.y);
  for (let i = 0; i < 12; i++) {
    await app.page.mouse.wheel(0, -250);
    await app.page.waitForTimeout(50);
  }
  await expect.poll(() => app.page.getByTestId('lod-canvas').count()).toBe(0);
  await expect.poll(() => app.page.locator('.layer-node').count()).toBeGreaterThan(0);
  expect(await app.page.locator('.layer-node').count()).toBeLessThan(60);
  await expect
    .poll(() => app.page.getByTestId('node-n1000').getByTestId('shape').textContent())
    .toBe('[N, 65]');
  await app.page.screenshot({ path: join(shots, 'big-graph-2000-zoomed.png') });

  // React Flow holds only the layers near the view (renderer/lib/view-window.ts). Those in view are
  // real: a click on another selects it. A click far away on the minimap moves the view there, and
  // the layers there come in as real nodes with their shapes, and select when clicked.
  const clickLayerNearCentre = async (not: string): Promise<string> => {
    const id = await app.page.evaluate((skip) => {
      const r = document.querySelector('.react-flow')!.getBoundingClientRect();
      const cx = r.left + r.width / 2;
      const cy = r.top + r.height / 2;
      const nodes = [...document.querySelectorAll<HTMLElement>('.layer-node')]
        .filter((el) => el.dataset.testid !== `node-${skip}`)
        .map((el) => ({ el, b: el.getBoundingClientRect() }))
        .filter(
          ({ b }) => b.left > r.left && b.right < r.right - 240 && b.top > r.top && b.bottom < r.bottom,
        );
      nodes.sort((a, b) => Math.hypot(a.b.x - cx, a.b.y - cy) - Math.hypot(b.b.x - cx, b.b.y - cy));
      return nodes[0]?.el.dataset.testid?.slice('node-'.length);
    }, not);
    expect(id).toBeTruthy();
    const node = app.page.getByTestId(`node-${id!}`);
    expect(await node.getByTestId('shape').textContent()).toMatch(/^\[N, 6[45]\]$/);
    await node.locator('.layer-head').click();
    await expect
      .poll(() => inspector.locator('input[placeholder]').first().getAttribute('placeholder'))
      .toBe(id);
    return id!;
  };
  await clickLayerNearCentre('n1000');
  const minimap = await app.page.getByTestId('minimap').locator('canvas').boundingBox();
  await app.page.mouse.click(minimap!.x + minimap!.width * 0.75, minimap!.y + minimap!.height * 0.8);
  const far = await clickLayerNearCentre('n1000');
  // The view moved far from n1000 (more than a screen's worth of layers away).
  expect(Math.abs(Number(far.slice(1)) - 1000)).toBeGreaterThan(200);
  expect(await app.page.locator('.layer-node').count()).toBeLessThan(60);
  await app.page.screenshot({ path: join(shots, 'big-graph-2000-far.png') });
  // The controls' fit button shows the whole graph again, as boxes (not just what React Flow holds).
  await app.page.locator('.react-flow__controls-fitview').click();
  await expect.poll(() => app.page.getByTestId('lod-canvas').count()).toBe(1);
  expect((await view()).zoom).toBeLessThan(0.35);
  // The overview's canvas, kept (cleared) while the layers were readable, paints the boxes again.
  const painted = await app.page.getByTestId('lod-canvas').evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    let inked = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) inked++;
    return inked / (c.width * c.height);
  });
  expect(painted).toBeGreaterThan(0.02);
}, 180_000);

test('an ONNX model is read and laid out in the import worker and opens as a tall column', async () => {
  const doc = residualMlp(240, 'chain');
  const file = join(mkdtempSync(join(tmpdir(), 'netloom-big-')), 'column.onnx');
  writeFileSync(file, exportDocument(doc, { seed: 0 }).bytes);
  const [chooser] = await Promise.all([
    app.page.waitForEvent('filechooser'),
    app.page.getByTestId('open-file').click(),
  ]);
  await chooser.setFiles(file);
  await expect
    .poll(() => app.page.getByTestId('totals').textContent(), { timeout: 60_000 })
    .toContain(lowerDocument(doc).totals.params.toLocaleString('en-US'));
  // The import worker's script was fetched: decoding, import and layout ran there, off the page.
  const scripts = await app.page.evaluate(() =>
    performance.getEntriesByType('resource').map((r) => r.name.split('/').pop() ?? ''),
  );
  expect(scripts.some((name) => name.startsWith('import.worker'))).toBe(true);
  // Laid out top to bottom, 240 layers are too tall to read whole: the fit stops at the readable
  // zoom and shows the top of the column, a few dozen layers (all at one place they would fit at
  // full size, zoom 2).
  await expect.poll(async () => (await view()).zoom).toBeLessThanOrEqual(0.5);
  await expect.poll(() => app.page.locator('.react-flow__node').count()).toBeGreaterThan(0);
  expect(await app.page.locator('.react-flow__node').count()).toBeLessThan(60);
  await app.page.screenshot({ path: join(shots, 'big-graph-onnx-column.png') });
}, 120_000);

// The editor's feel as a person meets it in the first minutes (issue 15), in Debian's Chromium:
// the first launch, dialogs that close, wires that can be picked and deleted, one undo per gesture,
// paste at the pointer, quick-add that wires what it adds, and Group's name asked in the window.
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { appPerFile, shots } from './app.ts';

const app = appPerFile();

const node = (label: string) => app.page.getByTestId(`node-${label}`);
const wires = () => app.page.locator('.react-flow__edge').count();
const layers = () => app.page.locator('.layer-node').count();

async function dropLayer(kind: string, x: number, y: number): Promise<void> {
  const before = await layers();
  const canvas = await app.page.getByTestId('canvas').boundingBox();
  await app.page.dragAndDrop(
    `.palette-item[data-kind="${kind}"]`,
    '[data-testid="canvas"] .react-flow__pane',
    { targetPosition: { x: x - canvas!.x, y: y - canvas!.y } },
  );
  await expect.poll(layers).toBe(before + 1);
}

async function centre(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const b = (await page.locator(selector).first().boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Drags from a node's output port to `to` (another port, or empty canvas). */
async function dragWire(from: string, to: { x: number; y: number }): Promise<void> {
  const a = await centre(app.page, `[data-testid="node-${from}"] .react-flow__handle.source`);
  await app.page.mouse.move(a.x, a.y);
  await app.page.mouse.down();
  await app.page.mouse.move((a.x + to.x) / 2, (a.y + to.y) / 2, { steps: 5 });
  await app.page.mouse.move(to.x, to.y, { steps: 5 });
  await app.page.mouse.up();
}

async function wire(from: string, to: string): Promise<void> {
  await dragWire(from, await centre(app.page, `[data-testid="node-${to}"] .react-flow__handle.target`));
}

/** The point halfway along a wire, where a person clicks it. */
async function wireMiddle(id: string): Promise<{ x: number; y: number }> {
  return app.page.evaluate((id) => {
    const path = document.querySelector<SVGPathElement>(
      `.react-flow__edge[data-id="${CSS.escape(id)}"] path.react-flow__edge-path`,
    )!;
    const p = path.getPointAtLength(path.getTotalLength() / 2);
    const m = path.getScreenCTM()!;
    return { x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f };
  }, id);
}

test('first launch: Templates open; Esc and ✕ close dialogs; the empty canvas says how to begin', async () => {
  // A fresh profile, as a new user's: no "started" mark.
  const context = await app.page
    .context()
    .browser()!
    .newContext({ viewport: { width: 1440, height: 900 } });
  const first = await context.newPage();
  await first.goto(app.page.url());
  await expect.poll(() => first.getByTestId('gallery').isVisible()).toBe(true);
  await first.screenshot({ path: join(shots, 'feel-first-launch.png') });
  await first.keyboard.press('Escape');
  await expect.poll(() => first.getByTestId('gallery').count()).toBe(0);
  const hint = await first.getByTestId('empty-hint').textContent();
  expect(hint).toContain('template');
  expect(hint).toContain('drag a layer');
  expect(hint).toContain('press A');
  await first.screenshot({ path: join(shots, 'feel-empty-canvas.png') });
  // The second launch does not open them again.
  await first.reload();
  await expect.poll(() => first.getByTestId('empty-hint').isVisible()).toBe(true);
  expect(await first.getByTestId('gallery').count()).toBe(0);
  await context.close();

  // The shortcuts dialog closes with its ✕ button, the Templates with Esc.
  await app.page.getByRole('button', { name: '?', exact: true }).click();
  await expect.poll(() => app.page.getByTestId('help').isVisible()).toBe(true);
  await app.page.getByTestId('help').getByTestId('close-dialog').click();
  await expect.poll(() => app.page.getByTestId('help').count()).toBe(0);
  await app.page.getByTestId('open-gallery').click();
  await expect.poll(() => app.page.getByTestId('gallery').isVisible()).toBe(true);
  await app.page.keyboard.press('Escape');
  await expect.poll(() => app.page.getByTestId('gallery').count()).toBe(0);
}, 120_000);

test('wires are picked and deleted; a deleted node comes back with its wires in one undo', async () => {
  const x = 560;
  await dropLayer('Input', x, 120);
  await dropLayer('Dense', x, 300);
  await dropLayer('ReLU', x, 480);
  await dropLayer('Dense', x, 660);
  await wire('input1', 'dense1');
  await wire('dense1', 'relu1');
  await wire('relu1', 'dense2');
  await expect.poll(wires).toBe(3);

  // A click on a wire selects it, drawn in the accent colour; Delete removes it; undo restores.
  const id = 'dense1:y->relu1:x';
  const edge = app.page.locator(`.react-flow__edge[data-id="${id}"]`);
  const mid = await wireMiddle(id);
  await app.page.mouse.click(mid.x, mid.y);
  await expect.poll(() => edge.getAttribute('class')).toContain('selected');
  const stroke = await edge
    .locator('path.react-flow__edge-path')
    .evaluate((p) => getComputedStyle(p).strokeWidth);
  expect(parseFloat(stroke)).toBeGreaterThan(3);
  await app.page.screenshot({ path: join(shots, 'feel-wire-selected.png') });
  await app.page.keyboard.press('Delete');
  await expect.poll(wires).toBe(2);
  expect(await layers()).toBe(4);
  await app.page.getByTestId('undo').click();
  await expect.poll(wires).toBe(3);

  // The context menu deletes a wire too.
  const other = 'relu1:y->dense2:x';
  const m2 = await wireMiddle(other);
  await app.page.mouse.click(m2.x, m2.y, { button: 'right' });
  await expect.poll(() => app.page.getByTestId('wire-menu').isVisible()).toBe(true);
  await app.page.screenshot({ path: join(shots, 'feel-wire-menu.png') });
  await app.page.getByTestId('wire-menu').getByRole('menuitem', { name: 'Delete wire' }).click();
  await expect.poll(wires).toBe(2);
  expect(await app.page.locator(`.react-flow__edge[data-id="${other}"]`).count()).toBe(0);
  await app.page.getByTestId('undo').click();
  await expect.poll(wires).toBe(3);

  // Delete a node in the middle: it goes with both its wires; one undo brings all three back.
  await node('relu1').click();
  await app.page.keyboard.press('Delete');
  await expect.poll(layers).toBe(3);
  expect(await wires()).toBe(1);
  await app.page.getByTestId('undo').click();
  await expect.poll(layers).toBe(4);
  await expect.poll(wires).toBe(3);
}, 180_000);

test('typing "2560" is one undo step, and a half-typed value is not applied', async () => {
  await node('dense1').click();
  const units = app.page.locator('[data-testid="inspector"] [data-field="units"]');
  const before = await units.inputValue();
  await units.click();
  await units.press('Control+a');
  await units.press('Backspace');
  // The box is empty for a moment: the node keeps its last good value, and no error shows.
  await app.page.waitForTimeout(150);
  expect(await node('dense1').getByTestId('node-error').count()).toBe(0);
  expect(await app.page.getByTestId('error-units').count()).toBe(0);
  expect(await node('dense1').getByTestId('shape').textContent()).toBe(`[N, ${before}]`);
  await app.page.keyboard.type('2560', { delay: 40 });
  await expect.poll(() => node('dense1').getByTestId('shape').textContent()).toBe('[N, 2560]');
  await units.press('Enter');
  await app.page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await app.page.getByTestId('undo').click();
  await expect.poll(() => node('dense1').getByTestId('shape').textContent()).toBe(`[N, ${before}]`);
  await app.page.getByTestId('redo').click();
  await expect.poll(() => node('dense1').getByTestId('shape').textContent()).toBe('[N, 2560]');
}, 60_000);

test('paste lands at the pointer and is selected; quick-add wires after the selection and after a dropped wire', async () => {
  // Copy ReLU, point at an empty spot, paste: the copy's corner is at the pointer, selected.
  await node('relu1').click();
  await app.page.keyboard.press('Control+c');
  const at = { x: 1000, y: 260 };
  await app.page.mouse.move(at.x, at.y);
  await app.page.keyboard.press('Control+v');
  await expect.poll(layers).toBe(5);
  const copy = node('relu2');
  await expect.poll(() => copy.getAttribute('class')).toContain('selected');
  const box = (await copy.boundingBox())!;
  expect(Math.abs(box.x - at.x)).toBeLessThan(30);
  expect(Math.abs(box.y - at.y)).toBeLessThan(30);
  await app.page.screenshot({ path: join(shots, 'feel-paste-at-pointer.png') });

  // With dense2 selected, "A" + "relu" + Enter adds a ReLU wired after dense2, and selects it.
  await node('dense2').click();
  await app.page.mouse.move(560, 820);
  await app.page.keyboard.press('a');
  await app.page.keyboard.type('relu');
  await app.page.keyboard.press('Enter');
  await expect.poll(layers).toBe(6);
  const added = node('relu3');
  await expect.poll(() => added.getAttribute('class')).toContain('selected');
  expect(await app.page.locator('.react-flow__edge[data-id="dense2:y->relu3:x"]').count()).toBe(1);
  // One undo takes the layer and its wire away.
  await app.page.getByTestId('undo').click();
  await expect.poll(layers).toBe(5);
  expect(await wires()).toBe(3);

  // A wire dropped on empty canvas offers only layers that fit its [N, units] output.
  await dragWire('dense2', { x: 900, y: 560 });
  await expect.poll(() => app.page.getByTestId('quick-add').isVisible()).toBe(true);
  await app.page.keyboard.type('conv2d');
  await expect.poll(() => app.page.getByTestId('quick-add').textContent()).toContain('No layer matches');
  await app.page.keyboard.press('Control+a');
  await app.page.keyboard.type('softmax');
  await expect.poll(() => app.page.locator('[data-testid="quick-add"] li').count()).toBeGreaterThan(0);
  await app.page.screenshot({ path: join(shots, 'feel-wire-quick-add.png') });
  await app.page.keyboard.press('Enter');
  await expect.poll(layers).toBe(6);
  expect(await app.page.locator('.react-flow__edge[data-id="dense2:y->softmax1:x"]').count()).toBe(1);
  await expect.poll(() => node('softmax1').getAttribute('class')).toContain('selected');
}, 120_000);

test('Group asks for the block name in the window, and Esc cancels it', async () => {
  await node('dense1').click();
  await node('relu1').click({ modifiers: ['Shift'] });
  await app.page.getByRole('button', { name: 'Group', exact: true }).click();
  await expect.poll(() => app.page.getByTestId('name-dialog').isVisible()).toBe(true);
  await app.page.keyboard.press('Escape');
  await expect.poll(() => app.page.getByTestId('name-dialog').count()).toBe(0);
  expect(await app.page.locator('.group-frame').count()).toBe(0);
  await app.page.getByRole('button', { name: 'Group', exact: true }).click();
  await app.page.getByTestId('name-input').fill('Hidden layer');
  await app.page.screenshot({ path: join(shots, 'feel-group-name.png') });
  await app.page.keyboard.press('Enter');
  await expect.poll(() => app.page.getByTestId('frame-Hidden layer').isVisible()).toBe(true);
}, 60_000);

test("a layer's and a block's right-click menu do what their keys do, one undo step each", async () => {
  const page = app.page;
  const menu = page.getByTestId('node-menu');
  const pick = async (label: string, item: string) => {
    await node(label).click({ button: 'right' });
    await expect.poll(() => menu.isVisible()).toBe(true);
    await menu.getByRole('menuitem', { name: item }).click();
    await expect.poll(() => menu.count()).toBe(0);
  };
  const undo = () => page.getByTestId('undo').click();

  // The menu names what it acts on, lists the edits with their keys, and shares the wire menu's look.
  await node('dense2').click({ button: 'right' });
  await expect.poll(() => menu.isVisible()).toBe(true);
  expect(await menu.locator('.menu-title').textContent()).toBe('dense2');
  const labels = await menu.getByRole('menuitem').allTextContents();
  for (const l of [
    'CutCtrl+X',
    'CopyCtrl+C',
    'PasteCtrl+V',
    'DuplicateCtrl+D',
    'DeleteDel',
    'Rename…F2',
    'Group…Ctrl+G',
    'Freeze',
    'Train only thisShift+F',
  ])
    expect(labels).toContain(l);
  expect(await menu.getAttribute('class')).toBe('context-menu');
  await page.screenshot({ path: join(shots, 'feel-node-menu.png') });
  // Esc closes it; so does a click outside it.
  await page.keyboard.press('Escape');
  await expect.poll(() => menu.count()).toBe(0);
  await node('dense2').click({ button: 'right' });
  await expect.poll(() => menu.isVisible()).toBe(true);
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await expect.poll(() => menu.count()).toBe(0);

  // Duplicate: a copy beside it, selected; one undo takes it away.
  const before = await layers();
  await pick('dense2', 'Duplicate');
  await expect.poll(layers).toBe(before + 1);
  await expect.poll(() => node('dense3').getAttribute('class')).toContain('selected');
  await undo();
  await expect.poll(layers).toBe(before);

  // Rename asks in the window; one undo gives the old name back.
  await pick('dense2', 'Rename');
  await page.getByTestId('name-input').fill('hidden2');
  await page.keyboard.press('Enter');
  await expect.poll(() => node('hidden2').isVisible()).toBe(true);
  await undo();
  await expect.poll(() => node('dense2').isVisible()).toBe(true);

  // Freeze, then Unfreeze from the same menu; undo each.
  await pick('dense2', 'Freeze');
  await expect.poll(() => node('dense2').getAttribute('data-frozen')).toBe('true');
  await pick('dense2', 'Unfreeze');
  await expect.poll(() => node('dense2').getAttribute('data-frozen')).toBe(null);
  await undo();
  await expect.poll(() => node('dense2').getAttribute('data-frozen')).toBe('true');
  await undo();
  await expect.poll(() => node('dense2').getAttribute('data-frozen')).toBe(null);

  // Cut relu2, then Paste from dense2's menu: the layer comes back where the menu opened, selected.
  await pick('relu2', 'Cut');
  await expect.poll(layers).toBe(before - 1);
  const d2 = (await node('dense2').boundingBox())!;
  const at = { x: d2.x + d2.width + 120, y: d2.y };
  await page.mouse.move(at.x, at.y);
  await node('dense2').click({ button: 'right', position: { x: d2.width - 10, y: 10 } });
  await menu.getByRole('menuitem', { name: 'Paste' }).click();
  await expect.poll(layers).toBe(before);
  const pasted = page.locator('.layer-node.selected');
  await expect.poll(() => pasted.count()).toBe(1);
  const pb = (await pasted.boundingBox())!;
  expect(Math.abs(pb.x - (d2.x + d2.width - 10))).toBeLessThan(30);
  await undo();
  await expect.poll(layers).toBe(before - 1);

  // Delete takes the layer and its wires; one undo brings all back.
  const w = await wires();
  await pick('dense2', 'Delete');
  await expect.poll(layers).toBe(before - 2);
  expect(await wires()).toBeLessThan(w);
  await undo();
  await expect.poll(layers).toBe(before - 1);
  await expect.poll(wires).toBe(w);

  // A block's menu (right-click its title bar): Collapse, Expand, Ungroup — one undo each.
  const title = page.getByTestId('frame-title-Hidden layer');
  await title.click({ button: 'right' });
  await expect.poll(() => menu.isVisible()).toBe(true);
  expect(await menu.locator('.menu-title').textContent()).toBe('Block "Hidden layer"');
  await page.screenshot({ path: join(shots, 'feel-block-menu.png') });
  await menu.getByRole('menuitem', { name: 'Collapse block' }).click();
  const block = page.getByTestId('block-Hidden layer');
  await expect.poll(() => block.isVisible()).toBe(true);
  await block.click({ button: 'right' });
  await menu.getByRole('menuitem', { name: 'Expand block' }).click();
  await expect.poll(() => title.isVisible()).toBe(true);
  await title.click({ button: 'right' });
  await menu.getByRole('menuitem', { name: 'Ungroup' }).click();
  await expect.poll(() => page.locator('.group-frame').count()).toBe(0);
  expect(await layers()).toBe(before - 1);
  await undo();
  await expect.poll(() => title.isVisible()).toBe(true);
  // Group from a layer's menu asks for the name, as the toolbar's Group does.
  await pick('dense2', 'Group');
  await page.getByTestId('name-input').fill('Head');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('frame-Head').isVisible()).toBe(true);
  await undo();
  await expect.poll(() => page.getByTestId('frame-Head').count()).toBe(0);
}, 120_000);

// The editor as a person uses it, in Debian's Chromium: drag layers from the palette, wire them,
// read the shapes, make a shape error and fix it, undo/redo, open ResNet-18 from the gallery, and
// export ONNX that onnxruntime loads, and a PyTorch package that Python runs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import { floatTensor } from '../../src/runtime/tensors.ts';
import { onnxFixtureDir, torchModelCase } from '../helpers/fixtures.ts';
import { requirePython } from '../helpers/references.ts';
import { appPerFile, shots } from './app.ts';

const app = appPerFile();

const node = (label: string) => app.page.getByTestId(`node-${label}`);

async function dropLayer(kind: string, x: number, y: number): Promise<void> {
  const before = await app.page.locator('.layer-node').count();
  const canvas = await app.page.getByTestId('canvas').boundingBox();
  await app.page.dragAndDrop(
    `.palette-item[data-kind="${kind}"]`,
    '[data-testid="canvas"] .react-flow__pane',
    {
      targetPosition: { x: x - canvas!.x, y: y - canvas!.y },
    },
  );
  await expect.poll(() => app.page.locator('.layer-node').count()).toBe(before + 1);
}

/** Drags from one node's output port to another's input port, as a user wires them. */
async function wire(from: string, to: string, toPort = 'x'): Promise<void> {
  const src = node(from).locator('.react-flow__handle.source').first();
  const dst = node(to).locator(`.react-flow__handle.target[data-port="${toPort}"]`);
  const a = (await src.boundingBox())!;
  const b = (await dst.boundingBox())!;
  await app.page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await app.page.mouse.down();
  await app.page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await app.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await app.page.mouse.up();
}

async function setField(label: string, field: string, value: string): Promise<void> {
  const input = app.page.locator(`[data-testid="inspector"] [data-field="${field}"]`);
  await node(label).click();
  // A click on a problem glides the view to its node (300 ms); a click in that glide can land
  // beside the moving node, as a person's would: they click again once it has stopped.
  for (let i = 0; i < 3 && (await input.count()) === 0; i++) {
    await app.page.waitForTimeout(400);
    await node(label).click();
  }
  await input.fill(value);
  await input.blur();
}

test('build a classifier from the palette, see its shapes, break and fix it, undo and redo', async () => {
  await expect.poll(() => app.page.getByTestId('palette').isVisible()).toBe(true);
  expect(await app.page.getByTestId('browser-note').textContent()).toContain('Running in the browser');
  // Search narrows the palette.
  await app.page.fill('.palette .search', 'conv');
  expect(
    await app.page.locator('.palette-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))),
  ).toEqual(expect.arrayContaining(['Conv1d', 'Conv2d', 'Conv3d']));
  await app.page.fill('.palette .search', '');

  const x = 620;
  await dropLayer('Input', x, 140);
  await dropLayer('Dense', x, 260);
  await dropLayer('ReLU', x, 380);
  await dropLayer('Dense', x + 260, 380);
  await dropLayer('Softmax', x + 260, 500);
  await dropLayer('Output', x + 260, 620);
  await expect.poll(() => app.page.locator('.layer-node').count()).toBe(6);
  // Quick-add from the keyboard: "A" over empty canvas, type, Enter; then undo it.
  await app.page.mouse.move(x + 520, 200);
  await app.page.keyboard.press('a');
  await expect.poll(() => app.page.getByTestId('quick-add').count()).toBe(1);
  await app.page.keyboard.type('gelu');
  await app.page.keyboard.press('Enter');
  await expect.poll(() => app.page.locator('.layer-node[data-kind="GELU"]').count()).toBe(1);
  await app.page.keyboard.press('Control+z');
  await expect.poll(() => app.page.locator('.layer-node').count()).toBe(6);

  await setField('input1', 'shape', '784');
  await setField('dense2', 'units', '10');
  await wire('input1', 'dense1');
  await wire('dense1', 'relu1');
  await wire('relu1', 'dense2');
  await wire('dense2', 'softmax1');
  await wire('softmax1', 'output1');
  await expect.poll(() => app.page.locator('.react-flow__edge').count()).toBe(5);
  expect(await node('dense1').getByTestId('shape').textContent()).toBe('[N, 64]');
  expect(await node('softmax1').getByTestId('shape').textContent()).toBe('[N, 10]');
  expect(await app.page.getByTestId('totals').textContent()).toContain(
    `${(784 * 64 + 64 + 64 * 10 + 10).toLocaleString('en-US')} params`,
  );
  await app.page.screenshot({ path: join(shots, 'editor-mlp.png') });
  // Each wire's label reads the shape it carries (and follows an edit of its source).
  const labels = () => app.page.locator('.react-flow__edge .wire-label').allTextContents();
  expect((await labels()).sort()).toEqual(['[N, 10]', '[N, 10]', '[N, 64]', '[N, 64]', '[N, 784]']);

  // Typed into the inspector (the box keeps the focus), a layer's units show at once on its face,
  // on the wires and the next layer after it, in the inspector's facts and in the totals; one
  // undo takes all of it back.
  await node('dense1').click();
  const units = app.page.locator('[data-testid="inspector"] [data-field="units"]');
  await units.fill('32');
  await expect.poll(() => node('dense1').getByTestId('shape').textContent()).toBe('[N, 32]');
  expect(await node('dense1').locator('.layer-summary').textContent()).toContain('32');
  expect(await node('dense1').locator('.layer-params').textContent()).toBe('25.1 k params');
  expect(await node('relu1').getByTestId('shape').textContent()).toBe('[N, 32]');
  expect((await labels()).sort()).toEqual(['[N, 10]', '[N, 10]', '[N, 32]', '[N, 32]', '[N, 784]']);
  expect(await app.page.getByTestId('inspector').locator('.facts').textContent()).toContain('25,120');
  expect(await app.page.getByTestId('totals').textContent()).toContain(
    `${(784 * 32 + 32 + 32 * 10 + 10).toLocaleString('en-US')} params`,
  );
  await units.blur();
  await app.page.getByTestId('undo').click();
  await expect.poll(() => node('dense1').getByTestId('shape').textContent()).toBe('[N, 64]');
  expect(await node('relu1').getByTestId('shape').textContent()).toBe('[N, 64]');
  expect(await app.page.getByTestId('totals').textContent()).toContain(
    `${(784 * 64 + 64 + 64 * 10 + 10).toLocaleString('en-US')} params`,
  );

  // An image-shaped input does not fit Dense: the node, the wire and the problems list say why.
  await setField('input1', 'shape', '1, 28, 28');
  const message =
    'Dense expects rank 2 [N, F] (or [N, L, F] for sequences); got [N, 1, 28, 28] — add Flatten';
  await expect.poll(() => node('dense1').getByTestId('node-error').textContent()).toBe(message);
  expect(await app.page.getByTestId('problems').textContent()).toContain(message);
  expect(await app.page.locator('.react-flow__edge.bad').count()).toBe(1);
  await app.page.screenshot({ path: join(shots, 'editor-shape-error.png') });
  expect(await labels()).toContain('✕ [N, 1, 28, 28]');

  // Clicking the problem selects the node.
  await app.page.getByTestId('problems').locator('li', { hasText: 'Dense expects' }).click();
  expect(await app.page.locator('[data-testid="inspector"] h3').textContent()).toBe('Dense (Linear)');

  // Fix it, then undo brings the error back and redo removes it again.
  await setField('input1', 'shape', '784');
  await expect.poll(() => node('dense1').getByTestId('node-error').count()).toBe(0);
  await app.page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await app.page.keyboard.press('Control+z');
  await expect.poll(() => node('dense1').getByTestId('node-error').count()).toBe(1);
  await app.page.keyboard.press('Control+Shift+z');
  await expect.poll(() => node('dense1').getByTestId('node-error').count()).toBe(0);

  // A parameter out of range is flagged beside the field.
  await setField('dense1', 'units', '0');
  expect(await app.page.getByTestId('error-units').textContent()).toMatch(/units|>=|1/);
  await app.page.getByTestId('undo').click();
  await expect.poll(() => app.page.getByTestId('error-units').count()).toBe(0);
}, 240_000);

test('open ResNet-18 from the gallery and export ONNX that onnxruntime runs', async () => {
  await app.page.getByTestId('open-gallery').click();
  await app.page.locator('.card[data-template="resnet18"]').click();
  await expect.poll(() => app.page.getByTestId('totals').textContent()).toContain('11,689,512 params');
  await app.page.getByTestId('summary-tab').click();
  expect(await app.page.getByTestId('total-params').textContent()).toBe('11,689,512');
  await app.page.keyboard.press('f');
  await app.page.screenshot({ path: join(shots, 'editor-resnet18.png') });

  const [download] = await Promise.all([
    app.page.waitForEvent('download'),
    app.page.getByTestId('export-onnx').click(),
  ]);
  const file = join(shots, 'resnet18-export.onnx');
  await download.saveAs(file);
  expect(download.suggestedFilename()).toBe('ResNet-18.onnx');
  const bytes = new Uint8Array(readFileSync(file));
  const out = await runOnnx(bytes, {
    image: floatTensor(new Float32Array(3 * 224 * 224).fill(0.1), [1, 3, 224, 224]),
  });
  expect(out.logits!.shape).toEqual([1, 1000]);
}, 240_000);

test('open a torch-exported ONNX file: layers on the canvas, and its export computes what torch did', async () => {
  const fixtures = onnxFixtureDir;
  const [chooser] = await Promise.all([
    app.page.waitForEvent('filechooser'),
    app.page.getByTestId('open-file').click(),
  ]);
  await chooser.setFiles(join(fixtures, 'cnn.onnx'));
  await expect
    .poll(() => app.page.locator('.layer-node[data-kind="Conv2d"]').count(), { timeout: 30_000 })
    .toBe(2);
  expect(await app.page.locator('.layer-node[data-kind="BatchNorm2d"]').count()).toBe(1);
  expect(await app.page.getByTestId('node-fc').getByTestId('shape').textContent()).toBe('[N, 3]');
  expect(await app.page.getByTestId('problems').textContent()).toContain('No problems');
  // Opening fits the view to the new graph.
  await app.page.waitForTimeout(400);
  await app.page.screenshot({ path: join(shots, 'editor-onnx-import.png') });

  const [download] = await Promise.all([
    app.page.waitForEvent('download'),
    app.page.getByTestId('export-onnx').click(),
  ]);
  const file = join(shots, 'cnn-reexport.onnx');
  await download.saveAs(file);
  const c = torchModelCase('cnn');
  const x = c.inputs['x']!;
  const out = await runOnnx(new Uint8Array(readFileSync(file)), { x: floatTensor(x.data, x.shape) });
  const want = c.outputs['y']!.data;
  (out.y!.data as Float32Array).forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-4));
}, 120_000);

test('drop an ONNX file from the desktop onto the canvas', async () => {
  const bytes = readFileSync(join(import.meta.dirname, '../fixtures/onnx/mlp.onnx')).toString('base64');
  await app.page.evaluate((b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([data], 'mlp.onnx'));
    const pane = document.querySelector('.react-flow')!;
    pane.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await expect
    .poll(() => app.page.getByTestId('banner-info').textContent(), { timeout: 30_000 })
    .toContain('mlp.onnx');
  expect(await app.page.locator('.layer-node[data-kind="Dense"]').count()).toBeGreaterThanOrEqual(2);
  expect(await app.page.getByTestId('problems').textContent()).toContain('No problems');
}, 60_000);

test('export LeNet-5 as a PyTorch package: one zip with the model, the loop and the MNIST copy', async () => {
  await app.page.getByTestId('open-gallery').click();
  await app.page.locator('.card[data-template="lenet5"]').click();
  await expect.poll(() => app.page.locator('.layer-node[data-kind="Conv2d"]').count()).toBe(2);
  const [download] = await Promise.all([
    app.page.waitForEvent('download', { timeout: 60_000 }),
    app.page.getByTestId('export-pytorch').click(),
  ]);
  expect(download.suggestedFilename()).toBe('LeNet-5-pytorch.zip');
  const file = join(shots, 'lenet5-pytorch.zip');
  await download.saveAs(file);
  await expect
    .poll(() => app.page.getByTestId('banner-info').textContent(), { timeout: 30_000 })
    .toContain('PyTorch package');
  await app.page.screenshot({ path: join(shots, 'editor-export-pytorch.png') });
  // Python's zipfile checks every CRC; the package compiles, and its model runs on a digit.
  const script = [
    'import sys, zipfile, tempfile, py_compile, json',
    'z = zipfile.ZipFile(sys.argv[1]); bad = z.testzip()',
    'd = tempfile.mkdtemp(); z.extractall(d)',
    'for f in ("model.py", "train.py", "data.py", "safetensors_file.py"): py_compile.compile(f"{d}/{f}", doraise=True)',
    'sys.path.insert(0, d); import torch, numpy as np, model',
    'y = model.LeNet5().eval()(torch.zeros(2, 1, 28, 28))',
    'x = np.load(f"{d}/data/features.npy")',
    'print(json.dumps([bad, sorted(z.namelist()), list(y.shape), list(x.shape), str(x.dtype)]))',
  ].join('\n');
  const out = JSON.parse(
    execFileSync(requirePython(['torch', 'numpy']), ['-c', script, file], { encoding: 'utf8' }),
  ) as unknown[];
  expect(out).toEqual([
    null,
    [
      'README.md',
      'data.py',
      'data/dataset.json',
      'data/features.npy',
      'data/labels.npy',
      'model.py',
      'safetensors_file.py',
      'train.py',
    ],
    [2, 10],
    [10_000, 1, 28, 28],
    'uint8',
  ]);
}, 180_000);

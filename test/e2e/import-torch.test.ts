// What a user brings, opened as a person does it: ResNet-18 and MobileNetV2 exported by
// torch.onnx.export with its default arguments (test/fixtures/torch_zoo.py) open through Open…
// as layers with their shapes, torch's parameter count and no problems, in torch's module blocks
// (stem and stages, collapsed, so the fitted view is readable); in MobileNetV2
// the classifier is selected and "Train only the selection" (Shift+F) freezes every other layer.
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { requirePython } from '../helpers/references.ts';
import { torchZoo } from '../helpers/torch-zoo.ts';
import { appPerFile, shots } from './app.ts';

const app = appPerFile();

async function open(file: string): Promise<void> {
  const [chooser] = await Promise.all([
    app.page.waitForEvent('filechooser'),
    app.page.getByTestId('open-file').click(),
  ]);
  await chooser.setFiles(file);
}

/**
 * Brings a layer's node on screen as a person would: the fitted view of a tall import is below the
 * zoom where nodes are drawn in full (boxes on one canvas), so zoom in with the wheel, then drag the
 * canvas up until the layer is in view.
 */
async function reveal(id: string) {
  const node = app.page.getByTestId(`node-${id}`);
  const pane = (await app.page.getByTestId('canvas').boundingBox())!;
  // The fitted column stands in the middle: zoom there, drag beside it.
  await app.page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
  const x = pane.x + pane.width * 0.25;
  for (let i = 0; i < 16 && (await app.page.getByTestId('lod-canvas').count()) > 0; i++) {
    await app.page.mouse.wheel(0, -250);
    await app.page.waitForTimeout(80);
  }
  for (let k = 0; k < 24 && (await node.count()) === 0; k++) {
    await app.page.mouse.move(x, pane.y + pane.height - 40);
    await app.page.mouse.down();
    await app.page.mouse.move(x, pane.y + 40, { steps: 8 });
    await app.page.mouse.up();
  }
  await app.page.screenshot({ path: join(shots, `import-torch-reveal-${id}.png`) });
  return node;
}

test('torch-exported ResNet-18 and MobileNetV2 open through Open…; fine-tuning freezes all but the classifier', async () => {
  const python = requirePython(['torch', 'torchvision', 'onnx', 'numpy']);
  const zoo = torchZoo(python, ['resnet18', 'mobilenet_v2']);

  const resnet = zoo.get('resnet18')!;
  await open(resnet.onnx);
  await expect
    .poll(() => app.page.getByTestId('banner-info').textContent(), { timeout: 60_000 })
    .toContain('resnet18.onnx: 71 nodes');
  // Every weight of the file, as torch counts them.
  // The shapes are inferred after the document is shown: wait for the totals.
  await expect
    .poll(() => app.page.getByTestId('totals').textContent(), { timeout: 60_000 })
    .toContain(`${resnet.params.toLocaleString('en-US')} params`);
  // Laid out as torch's blocks: the stem and four stages, collapsed, then the head's layers.
  for (const b of ['stem', 'layer1', 'layer2', 'layer3', 'layer4'])
    expect(await app.page.getByTestId(`block-${b}`).isVisible()).toBe(true);
  expect(await (await reveal('fc')).getByTestId('shape').textContent()).toBe('[N, 1000]');
  expect(await app.page.getByTestId('problems').textContent()).toContain('No problems');
  await app.page.waitForTimeout(400);
  await app.page.screenshot({ path: join(shots, 'import-torch-resnet18.png') });

  const mobilenet = zoo.get('mobilenet_v2')!;
  await open(mobilenet.onnx);
  await expect
    .poll(() => app.page.getByTestId('banner-info').textContent(), { timeout: 60_000 })
    .toContain('mobilenet_v2.onnx: 154 nodes');
  await expect
    .poll(() => app.page.getByTestId('totals').textContent(), { timeout: 60_000 })
    .toContain(`${mobilenet.params.toLocaleString('en-US')} params`);
  expect(await app.page.getByTestId('problems').textContent()).toContain('No problems');
  await app.page.waitForTimeout(400);
  await app.page.screenshot({ path: join(shots, 'import-torch-mobilenet-v2.png') });
  // torch's features, one block per resolution.
  for (const b of ['features.0–1', 'features.2–3', 'features.4–6', 'features.7–13', 'features.14–18'])
    expect(await app.page.getByTestId(`block-${b}`).isVisible()).toBe(true);
  const head = await reveal('classifier.1');
  expect(await head.getByTestId('shape').textContent()).toBe('[N, 1000]');

  // Fine-tuning: select the classifier, one action freezes the rest.
  await head.click();
  await app.page.keyboard.press('Shift+F');
  // All 154 nodes but the classifier (the canvas draws only the nodes in view, so count in words).
  await expect
    .poll(() => app.page.getByTestId('banner-info').textContent())
    .toContain('153 layers frozen; the selection trains');
  expect(await head.getAttribute('data-frozen')).toBeNull();
  expect(await app.page.locator('.layer-node[data-frozen="true"]').count()).toBeGreaterThan(0);
  await head.scrollIntoViewIfNeeded();
  await app.page.screenshot({ path: join(shots, 'import-torch-mobilenet-v2-frozen.png') });
}, 240_000);

// Image nets trained in the app as a person does it, in Debian's Chromium: the small VGG on the
// generated shapes (held-out images in colour with their predicted names, a confusion matrix, the
// first convolution's filters) and the U-Net on the shapes' masks (image · true · predicted mask),
// each on the first few hundred examples so a run takes seconds.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { expect, test } from 'vitest';
import { appPerFile, shots } from './app.ts';

const app = appPerFile();
const field = (f: string) => app.page.locator(`[data-testid="train-panel"] [data-field="${f}"]`);
const picture = () =>
  app.page.getByTestId('train-picture').evaluate((c) => (c as HTMLCanvasElement).toDataURL());

async function trainTemplate(name: string, dataset: string): Promise<void> {
  await app.page.getByTestId('open-gallery').click();
  await app.page.locator(`.card[data-template="${name}"]`).click();
  await app.page.getByTestId('train-tab').click();
  expect(await field('dataset').inputValue()).toBe(dataset);
  await field('epochs').fill('1');
  await field('limit').fill('320');
  await app.page.getByTestId('train-start').click();
  await expect.poll(() => app.page.getByTestId('train-start').count(), { timeout: 240_000 }).toBe(1);
  expect(await app.page.getByTestId('train-error').count()).toBe(0);
}

test('small VGG on the shapes: colour images with predictions, a confusion matrix, the first filters', async () => {
  const blank = await picture();
  await trainTemplate('small-vgg', 'shapes');
  expect(await picture()).not.toBe(blank);
  await expect.poll(() => app.page.getByTestId('train-confusion').count()).toBe(1);
  await expect.poll(() => app.page.getByTestId('train-filters').count()).toBe(1);
  // The filters canvas holds 16 RGB filters: not blank, not one flat colour.
  const colours = await app.page.getByTestId('train-filters').evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<string>();
    for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 0) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
    return seen.size;
  });
  expect(colours).toBeGreaterThan(50);
  await app.page.getByTestId('train-picture').scrollIntoViewIfNeeded();
  await app.page.screenshot({ path: join(shots, 'train-shapes.png'), fullPage: true });
}, 400_000);

test('U-Net on the shapes masks: image, true mask and predicted mask side by side', async () => {
  await trainTemplate('unet', 'shapes-masks');
  const caption = await app.page.locator('.train-panel .caption').textContent();
  expect(caption).toMatch(/image · true mask · predicted mask — [\d.]+% of pixels right, mean IoU [\d.]+/);
  await app.page.getByTestId('train-picture').scrollIntoViewIfNeeded();
  await app.page.screenshot({ path: join(shots, 'train-unet.png'), fullPage: true });
}, 400_000);

test('an image folder: chosen with the directory picker, counted, previewed, bad files named, trained', async () => {
  // Two classes of 20×20 PNGs: red-ish squares and blue-ish discs, and a file that is no image.
  const root = join(mkdtempSync(join(tmpdir(), 'netloom-e2e-folder-')), 'toys');
  for (const cls of ['blue', 'red']) mkdirSync(join(root, cls), { recursive: true });
  for (let i = 0; i < 24; i++) {
    for (const cls of ['blue', 'red']) {
      const png = new PNG({ width: 20, height: 20 });
      for (let p = 0; p < 400; p++) {
        const on = cls === 'red' ? p % 20 > 4 && p % 20 < 15 : ((p % 20) * ((p / 20) | 0)) % 3 === 0;
        png.data.set(
          on ? (cls === 'red' ? [220, 40 + i, 30, 255] : [30, 60, 200 + i, 255]) : [i * 5, i * 5, i * 5, 255],
          p * 4,
        );
      }
      writeFileSync(join(root, cls, `${i}.png`), PNG.sync.write(png));
    }
  }
  writeFileSync(join(root, 'red', 'notes.txt'), 'not a picture');
  await app.page.getByTestId('open-gallery').click();
  await app.page.locator('.card[data-template="small-vgg"]').click();
  await app.page.getByTestId('train-tab').click();
  await field('dataset').selectOption('image folder');
  // The button opens the browser's directory picker (<input webkitdirectory>): answer it with the folder.
  const [chooser] = await Promise.all([
    app.page.waitForEvent('filechooser'),
    app.page.getByTestId('train-folder').click(),
  ]);
  await chooser.setFiles(root);
  await expect
    .poll(() => app.page.getByTestId('train-folder-summary').textContent(), { timeout: 60_000 })
    .toBe('48 images in 2 classes: blue 24, red 24');
  expect(await app.page.getByTestId('train-folder-bad').textContent()).toBe(
    '1 file could not be used: red/notes.txt (not a PNG or JPEG file)',
  );
  await field('epochs').fill('2');
  await field('batch').fill('8');
  await app.page.getByTestId('train-start').click();
  await expect.poll(() => app.page.getByTestId('train-start').count(), { timeout: 240_000 }).toBe(1);
  expect(await app.page.getByTestId('train-error').count()).toBe(0);
  await expect.poll(() => app.page.getByTestId('train-confusion').count()).toBe(1);
  await app.page.getByTestId('train-folder-preview').scrollIntoViewIfNeeded();
  await app.page.screenshot({ path: join(shots, 'train-folder.png'), fullPage: true });
}, 400_000);

// The Train panel starts from the document's training setup, read with the setup's schema: a
// template's values as written, the defaults where there is no valid setup.
import { describe, expect, test } from 'vitest';
import {
  dataMismatch,
  datasetFor,
  defaultSettings,
  resizeNote,
  cannotTrainWell,
  settingsFrom,
} from '../../renderer/train/settings.ts';
import { epochSeries } from '../../renderer/train/chart-series.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { chainDoc } from '../helpers/doc.ts';

describe('Train panel settings', () => {
  test("a template's training setup fills the panel", () => {
    expect(settingsFrom(loadTemplate('lenet5')!)).toEqual({
      dataset: 'mnist',
      optimizer: 'adam',
      lr: 0.002,
      batch: 64,
      epochs: 5,
      seed: 0,
      limit: 0,
    });
    expect(settingsFrom(loadTemplate('playground')!)).toMatchObject({
      dataset: 'spirals',
      lr: 0.03,
      epochs: 60,
    });
    // The image templates bring the generated shapes (classes, or masks for the U-Net).
    expect(settingsFrom(loadTemplate('resnet20')!).dataset).toBe('shapes');
    expect(settingsFrom(loadTemplate('unet')!).dataset).toBe('shapes-masks');
  });

  test('without a valid setup the panel has its defaults', () => {
    const plain = chainDoc([2], [{ kind: 'Dense', params: { units: 2 } }]);
    expect(settingsFrom(plain)).toEqual(defaultSettings);
    expect(defaultSettings.dataset).toBe('spirals');
    // No objectives: the setup does not validate, so none of it is half-read.
    expect(settingsFrom({ ...plain, training: { dataset: 'moons', epochs: 3 } })).toEqual(defaultSettings);
  });

  test('a dataset the panel cannot offer (a CSV path) falls back to a set that fits the Input', () => {
    const lenet = loadTemplate('lenet5')!;
    const csv = { ...lenet, training: { ...lenet.training, dataset: 'data/iris.csv' } };
    expect(settingsFrom(csv).dataset).toBe('mnist');
    expect(settingsFrom(csv).batch).toBe(64);
  });

  test('a hand-built graph gets a set whose examples fit its Input', () => {
    const dense = [{ kind: 'Dense', params: { units: 10 } }] as const;
    expect(settingsFrom(chainDoc([784], dense)).dataset).toBe('mnist');
    expect(settingsFrom(chainDoc([1, 28, 28], dense)).dataset).toBe('mnist');
    expect(settingsFrom(chainDoc([2], dense)).dataset).toBe('spirals');
    expect(settingsFrom(chainDoc([1], dense)).dataset).toBe('sine');
    expect(settingsFrom(chainDoc([3, 32, 32], dense)).dataset).toBe('shapes');
    // ImageNet-sized colour images: the shapes, resized (and the panel says so before Start).
    expect(datasetFor(loadTemplate('resnet18')!)).toBe('shapes');
    expect(resizeNote(loadTemplate('resnet18')!, 'shapes', '')).toMatch(
      /32×32 images; they are resized to 224×224/,
    );
    expect(datasetFor(chainDoc([5], dense))).toBeUndefined();
  });

  test('the 224×224 ImageNet templates bring a short run of their own and say what would train them', () => {
    for (const name of [
      'resnet18',
      'resnet34',
      'resnet50',
      'vgg16',
      'alexnet',
      'googlenet',
      'mobilenet-v2',
    ]) {
      const doc = loadTemplate(name)!;
      const s = settingsFrom(doc);
      // Not the generic 30 epochs of 32: one epoch of small batches on the shipped shapes.
      expect(s, name).toMatchObject({ dataset: 'shapes', epochs: 1, batch: 8 });
      expect(s.epochs).toBeLessThan(defaultSettings.epochs);
      const said = cannotTrainWell(doc, s.dataset, '');
      expect(said, name).toMatch(/cannot train well on "shapes" here/);
      expect(said).toMatch(/"image folder" with photos of 224×224/);
      expect(said).toMatch(/ResNet-20, Small VGG or Small MobileNet/);
    }
    // The small variants, built for the shapes' 32×32, are not told so.
    for (const name of ['resnet20', 'small-vgg', 'small-mobilenet', 'lenet5'])
      expect(
        cannotTrainWell(loadTemplate(name)!, settingsFrom(loadTemplate(name)!).dataset, ''),
        name,
      ).toBeUndefined();
  });

  test('a set that does not fit is named as a data mismatch, with what would fit', () => {
    const playground = loadTemplate('playground')!;
    expect(dataMismatch(playground, 'spirals', '')).toBeUndefined();
    expect(dataMismatch(playground, 'mnist', '')).toBe(
      'Data mismatch: "mnist" has [1, 28, 28] per example, but Input "point" [2] takes another shape — choose "spirals", which fits.',
    );
    const five = chainDoc([5], [{ kind: 'Dense', params: { units: 2 } }]);
    expect(dataMismatch(five, 'spirals', '')).toMatch(
      /^Data mismatch: .*no shipped set fits it: choose "csv"/,
    );
    // Two data Inputs and no setup (the 64×64 DCGAN): which one takes the data must be said.
    expect(dataMismatch(loadTemplate('dcgan')!, 'spirals', '')).toMatch(/2 data Inputs .* "Data goes to"/);
    // The user's own file is checked when it is read.
    expect(dataMismatch(five, 'csv', '')).toBeUndefined();
  });

  test("a GAN's epoch chart has D and G losses; series a run lacks are not drawn", () => {
    const gan = epochSeries([
      { epoch: 1, loss: 1.3, losses: { discriminator: 1.3, generator: 0.8 }, stepsPerSecond: 5 },
      { epoch: 2, loss: 1.2, losses: { discriminator: 1.2, generator: 0.9 }, stepsPerSecond: 5 },
    ]);
    expect(gan.series.map((x) => x.label)).toEqual(['D loss (train)', 'G loss (train)']);
    expect(gan.data).toEqual([
      [1, 2],
      [1.3, 1.2],
      [0.8, 0.9],
    ]);
    expect(gan.percent).toBe(false);
    const classifier = epochSeries([
      { epoch: 1, loss: 0.5, losses: { main: 0.5 }, valLoss: 0.4, valAccuracy: 0.9, stepsPerSecond: 5 },
    ]);
    expect(classifier.series.map((x) => x.label)).toEqual(['train loss', 'val loss', 'val acc %']);
    expect(classifier.data[3]).toEqual([90]);
  });
});

// The Train panel starts from the document's training setup, read with the setup's schema: a
// template's values as written, the defaults where there is no valid setup.
import { describe, expect, test } from 'vitest';
import { defaultSettings, settingsFrom } from '../../renderer/train/settings.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { chainDoc } from '../helpers/doc.ts';

describe('Train panel settings', () => {
  test("a template's training setup fills the panel", () => {
    expect(settingsFrom(loadTemplate('lenet5')!)).toEqual({
      dataset: 'mnist',
      optimizer: 'adam',
      lr: 0.001,
      batch: 64,
      epochs: 2,
      seed: 0,
      limit: 0,
    });
    expect(settingsFrom(loadTemplate('playground')!)).toMatchObject({
      dataset: 'spirals',
      lr: 0.01,
      epochs: 60,
    });
    // The image templates bring the generated shapes (classes, or masks for the U-Net).
    expect(settingsFrom(loadTemplate('resnet20')!).dataset).toBe('shapes');
    expect(settingsFrom(loadTemplate('unet')!).dataset).toBe('shapes-masks');
  });

  test('without a valid setup the panel has its defaults', () => {
    const plain = chainDoc([2], [{ kind: 'Dense', params: { units: 2 } }]);
    expect(settingsFrom(plain)).toEqual(defaultSettings);
    // No objectives: the setup does not validate, so none of it is half-read.
    expect(settingsFrom({ ...plain, training: { dataset: 'moons', epochs: 3 } })).toEqual(defaultSettings);
  });

  test('a dataset the panel cannot offer (a CSV path) falls back to the default set', () => {
    const lenet = loadTemplate('lenet5')!;
    const csv = { ...lenet, training: { ...lenet.training, dataset: 'data/iris.csv' } };
    expect(settingsFrom(csv).dataset).toBe('spirals');
    expect(settingsFrom(csv).batch).toBe(64);
  });
});

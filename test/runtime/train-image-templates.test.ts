// The small image templates learn on the shipped shapes through `netloom train` itself, to what
// their descriptions state for a quick check: eight steps on the same 32 images (the first 40 of
// the set, a fifth held out; one batch of 32 per epoch) bring the training loss from about ln 10
// (ln 11 for the U-Net's pixels) down to the stated bound. That proves every block passes its
// gradient in seconds; what longer runs reach on held-out images is measured with the commands in
// README.md ("The shapes, measured") and stated in each description, not re-run here.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { trainCommand } from '../../src/cli/train.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { captureIO } from '../helpers/cli-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-image-templates-'));

interface Epoch {
  readonly epoch: number;
  readonly loss: number;
}

/** What each description promises for the quick check: the training loss after 8 steps at most. */
const promises: Record<string, { loss: number; text: RegExp }> = {
  'small-vgg': { loss: 1.1, text: /8 steps on the same 32 images take the training loss .* below 1\.1 / },
  resnet20: { loss: 0.3, text: /8 steps on the same 32 images take the training loss .* below 0\.3 / },
  'small-mobilenet': {
    loss: 0.9,
    text: /8 steps on the same 32 images take the training loss .* below 0\.9 /,
  },
  unet: { loss: 2.05, text: /8 steps on the same 32 masks take the per-pixel training loss .* below 2\.05 / },
};

describe.each(Object.keys(promises))('%s', (name) => {
  test('learns on the shipped shapes as its description states', { timeout: 300_000 }, async () => {
    const p = promises[name]!;
    expect(loadTemplate(name)!.description).toMatch(p.text);
    const io = captureIO(dir);
    const code = await trainCommand.run(
      [name, '--limit', '40', '--epochs', '8', '--batch', '32', '--json'],
      io,
    );
    expect(code, io.stderr.join('\n')).toBe(0);
    const epochs = io.stdout.map((l) => JSON.parse(l) as Epoch);
    console.log(`${name}: training loss ${epochs.map((e) => e.loss.toFixed(3)).join(' → ')}`);
    expect(epochs).toHaveLength(8);
    // Starts untrained (about ln 10 = 2.30 for ten classes) ...
    expect(epochs[0]!.loss).toBeGreaterThan(2.2);
    // ... and is brought down by the training.
    expect(epochs.at(-1)!.loss).toBeLessThanOrEqual(p.loss);
  });
});

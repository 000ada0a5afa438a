// A denoising diffusion model (DDPM, Ho et al. 2020) on MNIST: a small U-Net that predicts the
// noise in a noisy digit, given the step t as a sinusoidal embedding. The training setup's
// `diffusion` field makes the trainer noise the digits itself. test/tools/reference_diffusion.py
// holds the PyTorch module it is checked against.
import type { NetloomDocument } from '../document/schema.ts';
import type { TemplateBuilder as Builder } from './template-builder.ts';
import { TemplateBuilder, conv } from './template-builder.ts';

/** Steps of the forward process: a fifth of the paper's 1,000, so drawing a digit runs the network 200 times. */
export const ddpmSteps = 200;
/** The paper's β range (1e-4 → 0.02 over 1,000 steps) scaled by 1000/T, as Nichol & Dhariwal 2021 do for fewer steps. */
export const ddpmBetas = { betaStart: 5e-4, betaEnd: 0.1 };

const timeDim = 128;
/** GroupNorm's groups, as the DDPM authors' U-Net (32 there, for 128+ channels; 8 for 16–64). */
const groups = 8;

/**
 * A DDPM residual block (Ho et al. 2020, after Wide ResNet): GroupNorm → SiLU → 3×3 convolution,
 * plus the step's embedding projected to the block's channels (a Dense, broadcast over the image),
 * GroupNorm → SiLU → 3×3 convolution, added to the block's input (through a 1×1 convolution when
 * the channels change).
 */
function block(b: Builder, from: string, id: string, cin: number, channels: number): string {
  let x = b.then(from, `${id}.norm1`, 'GroupNorm', { numGroups: groups });
  x = b.then(x, `${id}.act1`, 'SiLU');
  x = b.then(x, `${id}.conv1`, 'Conv2d', conv(channels, 3, 1, 1));
  const t = b.then('time.act2', `${id}.time`, 'Dense', { units: channels });
  b.then(t, `${id}.time.shape`, 'Reshape', { shape: [channels, 1, 1] });
  b.node(`${id}.plus`, 'Add', { inputs: 2 });
  b.wire(x, `${id}.plus:x0`);
  b.wire(`${id}.time.shape`, `${id}.plus:x1`);
  x = b.then(`${id}.plus`, `${id}.norm2`, 'GroupNorm', { numGroups: groups });
  x = b.then(x, `${id}.act2`, 'SiLU');
  x = b.then(x, `${id}.conv2`, 'Conv2d', conv(channels, 3, 1, 1));
  const skip = cin === channels ? from : b.then(from, `${id}.skip`, 'Conv2d', conv(channels, 1, 1, 0));
  b.node(`${id}.add`, 'Add', { inputs: 2 });
  b.wire(skip, `${id}.add:x0`);
  b.wire(x, `${id}.add:x1`);
  return `${id}.add`;
}

export function ddpmMnistTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  const [c1, c2] = [16, 32];
  b.addGroup(
    'time',
    'Time embedding',
    `The step t as a sinusoidal vector (32), then Dense ${timeDim} → SiLU → Dense ${timeDim} → SiLU; each block adds its own projection of it.`,
  );
  b.group = 'time';
  b.node('t', 'Input', { shape: [], dtype: 'float32' }, { name: 't' });
  let e = b.then('t', 'time.embed', 'TimestepEmbedding', { dim: 32 });
  e = b.then(e, 'time.fc1', 'Dense', { units: timeDim });
  e = b.then(e, 'time.act1', 'SiLU');
  e = b.then(e, 'time.fc2', 'Dense', { units: timeDim });
  b.then(e, 'time.act2', 'SiLU');

  const stage = (id: string, name: string, text: string, col: number): void => {
    b.addGroup(id, name, text);
    b.group = id;
    b.col = col;
    b.alignRow(col, 0);
  };
  stage(
    'down1',
    'Down 1',
    `28×28, ${c1} channels: a 3×3 convolution, then a residual block kept for the skip connection.`,
    1,
  );
  const x = b.node('x', 'Input', { shape: [1, 28, 28], dtype: 'float32' }, { name: 'x_t' });
  const stem = b.then(x, 'down1.stem', 'Conv2d', conv(c1, 3, 1, 1));
  const h1 = block(b, stem, 'down1', c1, c1);
  stage(
    'down2',
    'Down 2',
    `Stride-2 convolution to 14×14, ${c2} channels, a residual block kept for the skip connection.`,
    2,
  );
  const h2 = block(b, b.then(h1, 'down2.down', 'Conv2d', conv(c2, 3, 2, 1)), 'down2', c2, c2);
  stage('middle', 'Middle', `Stride-2 convolution to 7×7, ${c2} channels, a residual block.`, 3);
  const m = block(b, b.then(h2, 'middle.down', 'Conv2d', conv(c2, 3, 2, 1)), 'middle', c2, c2);
  stage(
    'up2',
    'Up 2',
    `Transposed convolution to 14×14, joined with Down 2, a residual block to ${c2} channels.`,
    4,
  );
  let u = b.then(m, 'up2.up', 'ConvTranspose2d', conv(c2, 4, 2, 1));
  b.node('up2.cat', 'Concat', { inputs: 2, axis: 1 });
  b.wire(h2, 'up2.cat:x0');
  b.wire(u, 'up2.cat:x1');
  u = block(b, 'up2.cat', 'up2', 2 * c2, c2);
  stage(
    'up1',
    'Up 1',
    `Transposed convolution to 28×28, joined with Down 1, a residual block to ${c1} channels.`,
    5,
  );
  u = b.then(u, 'up1.up', 'ConvTranspose2d', conv(c1, 4, 2, 1));
  b.node('up1.cat', 'Concat', { inputs: 2, axis: 1 });
  b.wire(h1, 'up1.cat:x0');
  b.wire(u, 'up1.cat:x1');
  u = block(b, 'up1.cat', 'up1', 2 * c1, c1);
  u = b.then(u, 'up1.norm', 'GroupNorm', { numGroups: groups });
  u = b.then(u, 'up1.act', 'SiLU');
  b.group = undefined;
  u = b.then(u, 'head', 'Conv2d', conv(1, 3, 1, 1), { name: 'head' });
  b.then(u, 'eps', 'Output', {}, { name: 'eps' });
  return b.document(
    'Diffusion model (DDPM) for MNIST digits',
    `Ho et al. 2020: a U-Net (16 and 32 channels at 28×28, 14×14 and 7×7; residual blocks of GroupNorm → SiLU → convolution as the paper's, skip connections by Concat, transposed convolutions up) is told the step t by a sinusoidal embedding and trained to predict the noise ε in x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε with mean squared error; the training setup's "diffusion" field makes the trainer draw t and ε itself, and its "ema" field keeps a moving average of the weights (decay 0.999 with warm-up), which is what is saved and sampled. T = ${ddpmSteps} steps, not the paper's 1,000, so a sample costs 200 runs of the network, not 1,000 (seconds in WASM); β rises linearly from ${ddpmBetas.betaStart} to ${ddpmBetas.betaEnd} (the paper's 1e-4 → 0.02 scaled by 1000/T, as Nichol & Dhariwal 2021 do, so x_T is pure noise as in the paper). Sampling runs the reverse process as the "diffusion" field's "sampler" says: "ddpm", the paper's σ_t² = β_t ("ddpm-posterior" takes the posterior's β̃_t, "ddim" the deterministic DDIM, η = 0, with no retraining): \`netloom sample ddpm-mnist --weights w.safetensors -o digits.png\`; the Train panel shows two chains denoising from noise after each epoch. Measured, the default run (8 epochs of the 9,000 training digits: 2,248 steps of 32, Adam 2e-3 decaying by a cosine to 0) with \`netloom train\` on onnxruntime-node: about 6 min on a quiet 2-core machine (47 s an epoch), 20–36 min at load 6–12; the held-out noise-prediction error (of the averaged weights) falls from about 1 to 0.043 after one epoch and 0.027 after eight. Its samples are white strokes on a clean black background, about half of them legible digits (every digit among them), the rest tangled: the outside digit judge (a torch CNN, test/tools/judge_confidence.py) is sure (p > 0.9) of 52 % of 256 samples ("ddpm-posterior" 52 %, "ddim" 38 %), of 92 % of the real digits it held out and of 1.6 % of pure noise. With 32 epochs (25 min): error 0.0235, judged 59–60 %. The same U-Net in torch with the same recipe (test/tools/train_reference_diffusion.py) gives the same errors and shares, so this is the recipe's limit on so little training, not Netloom's: the digits' shapes are settled at high noise, which takes longer to learn than their strokes (none of attention at 7×7, a cosine noise schedule, min-SNR loss weights, T = 1,000, twice the channels or other learning rates moved the share at 8 epochs).`,
    {
      dataset: 'mnist',
      // Batches of 32: twice the steps of 64 for the same time, and clearly better samples (48 % vs 31 % of 64).
      batchSize: 32,
      epochs: 8,
      seed: 0,
      validationSplit: 0.1,
      // Pixels in [0, 1]; the trainer maps them to the paper's [−1, 1].
      normalizeInputs: false,
      inputs: { features: 'x_t' },
      // Cosine decay to 0 over the run: the last steps' small updates settle the weights (what an
      // average of the weights does for longer runs), so the short default run's samples are smooth.
      schedule: { kind: 'cosine' },
      // Samples come from an exponential moving average of the weights, as the DDPM authors' do.
      ema: { decay: 0.999 },
      objectives: [
        {
          name: 'main',
          loss: { kind: 'mse', output: 'eps' },
          params: 'all',
          optimizer: { name: 'adam', lr: 2e-3 },
          // Judged on the default run's weights (256 samples): 'ddpm' 52 %, 'ddpm-posterior' 52 %, 'ddim' 38 %.
          diffusion: { timesteps: ddpmSteps, ...ddpmBetas, timestep: 't', sampler: 'ddpm' },
        },
      ],
    },
  );
}

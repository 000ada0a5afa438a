// Regularization layers: Dropout, and Identity (a pass-through, e.g. a placeholder branch).
import { z } from 'zod';
import { defineLayer, req } from './layer-def.ts';
import type { AnyLayerDef } from './layer-def.ts';

export const dropoutLayer = defineLayer({
  kind: 'Dropout',
  family: 'regularization',
  title: 'Dropout',
  description:
    'While training, zeroes each value with probability p and scales the rest by 1/(1−p); passes through otherwise.',
  params: z.object({
    p: z.number().min(0).lt(1).default(0.5).describe('Drop probability (0 ≤ p < 1)'),
  }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => `p=${p.p}`,
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    if (ctx.mode !== 'training' || p.p === 0) return { y: ctx.op('Identity', [x]) };
    const ratio = ctx.constFloat([p.p], []);
    // ONNX Dropout-13: training_mode must be a bool initializer, not a Cast from float —
    // onnxruntime 1.30's constant folding of Cast-to-bool then fails to load the model.
    const training = ctx.constBool([true], []);
    // Both outputs are asked for: the autodiff scales the gradient by the mask.
    const [y] = ctx.opN('Dropout', [x, ratio, training], {}, 2);
    return { y: y! };
  },
});

export const identityLayer = defineLayer({
  kind: 'Identity',
  family: 'regularization',
  title: 'Identity',
  description: 'Passes its input through unchanged (torch.nn.Identity).',
  params: z.object({}),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  lower: (ctx, inputs) => ({ y: ctx.op('Identity', [req(inputs, 'x')]) }),
});

export const gaussianNoiseLayer = defineLayer({
  kind: 'GaussianNoise',
  family: 'regularization',
  title: 'Gaussian noise',
  description:
    'While training, adds noise from N(0, σ²) to every value (a denoising autoencoder corrupts its input so); passes through otherwise.',
  params: z.object({
    std: z.number().min(0).default(0.5).describe('Noise level σ (standard deviation; training only)'),
  }),
  inputs: [{ name: 'x' }],
  outputs: [{ name: 'y' }],
  summary: (p) => `σ=${p.std}`,
  lower(ctx, inputs, p) {
    const x = req(inputs, 'x');
    if (ctx.mode !== 'training' || p.std === 0) return { y: ctx.op('Identity', [x]) };
    // σ·ε with ε ~ N(0, 1), as torch's x + σ·randn_like(x): one standard draw, scaled after.
    const eps = ctx.op('RandomNormalLike', [x], { dtype: 1, mean: 0, scale: 1 });
    return { y: ctx.op('Add', [x, ctx.op('Mul', [eps, ctx.constFloat([p.std], [])])]) };
  },
});

export const regularizationLayers: readonly AnyLayerDef[] = [dropoutLayer, identityLayer, gaussianNoiseLayer];

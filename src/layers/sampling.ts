// Sampling layers: RandomNormal (a generator's noise) and Reparameterize (a VAE's z = μ + σ·ε).
//
// RandomNormal has no inputs, so an exported model cannot infer its batch size from anything.
// In an inference export it is therefore a graph input named after the node: the user feeds their
// own noise, exactly what torch's DCGAN generator export expects. Training graphs have a fixed
// batch, so there it is an ONNX RandomNormal drawing a fresh sample every step.
import { z } from 'zod';
import { formatShape } from '../ir/types.ts';
import type { AnyLayerDef } from './layer-def.ts';
import { defineLayer, req } from './layer-def.ts';
import { bool, float, shape } from './params.ts';

export const randomNormalLayer = defineLayer({
  kind: 'RandomNormal',
  family: 'sampling',
  title: 'Random normal',
  description:
    'Noise from N(mean, std²) of a given shape per example: a fresh sample each training step, an input named after the node in an export.',
  params: z.object({
    shape: shape([100], 'Shape (without batch)'),
    mean: float(0, 'Mean'),
    std: float(1, 'Standard deviation', 0),
  }),
  inputs: [],
  outputs: [{ name: 'y' }],
  summary: (p) => `N(${p.mean}, ${p.std}²) [N, ${p.shape.join(', ')}]`,
  lower(ctx, _in, p) {
    if (ctx.mode !== 'training') {
      return { y: ctx.graphInput({ shape: [ctx.batch, ...p.shape], dtype: 'float32' }, true) };
    }
    return {
      y: ctx.op('RandomNormal', [], { shape: [ctx.batch, ...p.shape], mean: p.mean, scale: p.std, dtype: 1 }),
    };
  },
});

export const reparameterizeLayer = defineLayer({
  kind: 'Reparameterize',
  family: 'sampling',
  title: 'Reparameterize',
  description:
    "A VAE's sampling step z = μ + exp(½·logσ²)·ε with ε ~ N(0, 1), differentiable in μ and logσ² (Kingma & Welling).",
  params: z.object({
    sampleAtInference: bool(false, 'Sample at inference (otherwise z = μ)'),
  }),
  inputs: [
    { name: 'mu', label: 'μ' },
    { name: 'logvar', label: 'log σ²' },
  ],
  outputs: [{ name: 'z' }],
  summary: (p) => (p.sampleAtInference ? 'samples' : 'z = μ at inference'),
  lower(ctx, inputs, p) {
    const mu = req(inputs, 'mu');
    const logvar = req(inputs, 'logvar');
    const a = ctx.shape(mu);
    const b = ctx.shape(logvar);
    if (a.length !== b.length || a.some((d, i) => d !== b[i]))
      ctx.fail(
        `Reparameterize needs μ and log σ² of the same shape; got ${formatShape(a, true)} and ${formatShape(b, true)}`,
        { port: 'logvar' },
      );
    if (ctx.mode !== 'training' && !p.sampleAtInference) return { z: ctx.op('Identity', [mu]) };
    const std = ctx.op('Exp', [ctx.op('Mul', [logvar, ctx.constFloat([0.5], [])])]);
    const eps = ctx.op('RandomNormalLike', [mu], { dtype: 1, mean: 0, scale: 1 });
    return { z: ctx.op('Add', [mu, ctx.op('Mul', [std, eps])]) };
  },
});

export const samplingLayers: readonly AnyLayerDef[] = [randomNormalLayer, reparameterizeLayer];

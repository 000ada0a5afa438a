// Inputs, outputs and constants: where tensors enter and leave the graph.
import { z } from 'zod';
import { defineLayer, req } from './layer-def.ts';
import { choice, float, shape } from './params.ts';
import { numel } from '../ir/types.ts';

export const inputLayer = defineLayer({
  kind: 'Input',
  family: 'io',
  // Unless `batch` is set: LayerDef.keepsBatch names that exception.
  keepsBatch: true,
  title: 'Input',
  description: 'A tensor fed to the network: data, labels or noise. Shape without the batch axis.',
  params: z.object({
    shape: shape([784], 'Shape (without batch)'),
    dtype: choice(['float32', 'int64'], 'float32', 'Element type'),
    /**
     * Set on import when the model's own shapes spell out the batch size it was exported for
     * (torch.onnx.export's static shapes): the graph is built for that batch, whatever is asked.
     */
    batch: z.number().int().min(1).optional().describe('Fixed batch size (the model spells it out)'),
  }),
  inputs: [],
  outputs: [{ name: 'y' }],
  // "[N, 784]", "[N] int64" (a label per example), "[32 fixed, 3, 32, 32]".
  summary: (p) =>
    `[${[p.batch === undefined ? 'N' : `${p.batch} fixed`, ...p.shape].join(', ')}]${p.dtype === 'float32' ? '' : ` ${p.dtype}`}`,
  lower(ctx, _in, p) {
    return { y: ctx.graphInput({ shape: [ctx.batch, ...p.shape], dtype: p.dtype }, true) };
  },
});

export const outputLayer = defineLayer({
  kind: 'Output',
  family: 'io',
  keepsBatch: true,
  title: 'Output',
  description: 'Marks a tensor as a model output; its name is the output name in the exported ONNX.',
  params: z.object({}),
  inputs: [{ name: 'x' }],
  outputs: [],
  lower(ctx, inputs) {
    const x = req(inputs, 'x');
    // A graph output must be a value of its own, named after the node.
    ctx.graphOutput(ctx.op('Identity', [x]), 'output');
    return {};
  },
});

export const constantLayer = defineLayer({
  kind: 'Constant',
  family: 'io',
  title: 'Constant',
  description: 'A fixed tensor filled with one value (not trained), without a batch axis.',
  params: z.object({
    shape: shape([1], 'Shape'),
    value: float(0, 'Value'),
  }),
  inputs: [],
  outputs: [{ name: 'y' }],
  summary: (p) => `${p.value} × [${p.shape.join(', ')}]`,
  lower(ctx, _in, p) {
    const n = numel(p.shape);
    return { y: ctx.constFloat(new Float32Array(n).fill(p.value), p.shape) };
  },
});

export const ioLayers = [inputLayer, outputLayer, constantLayer] as const;

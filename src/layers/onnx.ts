// The ONNX op node: one ONNX operator with its attributes, for the parts of an imported model
// that no layer describes. Its inputs are wired ports, weights it owns (trained like any layer's
// weights wherever the op has a gradient rule), constants it carries (a Reshape's target, a
// Slice's bounds) or left out. It lowers to exactly that op, so a model exports as it came in.
import { z } from 'zod';
import type { AttrValue, ConstTensor } from '../ir/types.ts';
import { numel } from '../ir/types.ts';
import { opRow } from '../ir/ops/registry.ts';
import { attrFitsType } from '../ir/ops/op-row.ts';
import { defineLayer } from './layer-def.ts';
import type { AnyLayerDef, LayerContext, PortSpec } from './layer-def.ts';

const dims = z.array(z.number().int().min(0)).max(8);

/** A tensor written out in the project file: small constants and tensor-valued attributes. */
export const tensorJsonSchema = z.object({
  dtype: z.enum(['float32', 'int64', 'bool']),
  shape: dims,
  data: z.array(z.number()),
});
export type TensorJson = z.infer<typeof tensorJsonSchema>;

export const onnxAttrSchema = z.union([
  z.number(),
  z.string(),
  z.array(z.number()),
  z.array(z.string()),
  tensorJsonSchema,
]);
export type OnnxAttrJson = z.infer<typeof onnxAttrSchema>;

export const onnxSlotSchema = z.discriminatedUnion('kind', [
  /** Wired from another node's output; the port's name. */
  z.object({ kind: z.literal('port'), name: z.string().min(1) }),
  /** A weight this node owns, under `name`. */
  z.object({
    kind: z.literal('weight'),
    name: z.string().min(1),
    shape: dims.min(1),
    role: z.enum(['param', 'state']).default('param'),
    init: z.enum(['zeros', 'ones', 'normal']).default('zeros'),
  }),
  /**
   * A constant. `batch` lists the elements that are the batch size (a reshape or expand target
   * computed from the input's shape): they take the batch the graph is built for.
   */
  z.object({
    kind: z.literal('const'),
    dtype: z.enum(['float32', 'int64', 'bool']),
    shape: dims,
    data: z.array(z.number()),
    batch: z.array(z.number().int().min(0)).optional(),
  }),
  /** An optional input left out. */
  z.object({ kind: z.literal('none') }),
]);
export type OnnxSlot = z.infer<typeof onnxSlotSchema>;

const maxOutputs = 16;

export const onnxOpParams = z.object({
  op: z.string().min(1).default('Identity').describe('ONNX operator'),
  attrs: z.record(z.string(), onnxAttrSchema).default({}).describe('Attributes'),
  inputs: z
    .array(onnxSlotSchema)
    .max(64)
    .default([{ kind: 'port', name: 'x' }])
    .describe('Inputs'),
  outputs: z.number().int().min(1).max(maxOutputs).default(1).describe('Outputs'),
});
export type OnnxOpParams = z.infer<typeof onnxOpParams>;

/** Output port names: y, y1, y2, … */
export function onnxOutputPort(i: number): string {
  return i === 0 ? 'y' : `y${i}`;
}

export function tensorFromJson(t: TensorJson): ConstTensor {
  const data =
    t.dtype === 'float32'
      ? Float32Array.from(t.data)
      : t.dtype === 'int64'
        ? BigInt64Array.from(t.data, (v) => BigInt(Math.trunc(v)))
        : Uint8Array.from(t.data, (v) => (v ? 1 : 0));
  return { dtype: t.dtype, shape: t.shape, data };
}

export function tensorToJson(t: ConstTensor): TensorJson {
  const data = t.data instanceof BigInt64Array ? Array.from(t.data, Number) : Array.from(t.data);
  return { dtype: t.dtype, shape: [...t.shape], data };
}

function constSlot(ctx: LayerContext, s: Extract<OnnxSlot, { kind: 'const' }>, i: number): string {
  if (s.data.length !== numel(s.shape)) {
    ctx.fail(`input ${i}: ${s.data.length} values for shape [${s.shape.join(', ')}]`, { field: 'inputs' });
  }
  const values = [...s.data];
  for (const k of s.batch ?? []) if (k < values.length) values[k] = ctx.batch;
  if (s.dtype === 'int64') return ctx.constInt(values, s.shape);
  if (s.dtype === 'bool') return ctx.constBool(values.map(Boolean), s.shape);
  return ctx.constFloat(values, s.shape);
}

export const onnxOpLayer = defineLayer({
  kind: 'OnnxOp',
  family: 'onnx',
  title: 'ONNX op',
  description:
    'One ONNX operator with its attributes, as an imported model has it: exports unchanged, trains where the op has a gradient rule.',
  params: onnxOpParams,
  inputs: (p: OnnxOpParams): PortSpec[] =>
    p.inputs.flatMap((s) => (s.kind === 'port' ? [{ name: s.name }] : [])),
  outputs: (p: OnnxOpParams): PortSpec[] =>
    Array.from({ length: p.outputs }, (_, i) => ({ name: onnxOutputPort(i) })),
  summary: (p) => p.op,
  lower(ctx, inputs, p) {
    const row = opRow(p.op);
    if (!row) return ctx.fail(`Netloom cannot run the ONNX op ${p.op}`, { field: 'op' });
    const attrs: Record<string, AttrValue> = {};
    for (const [name, v] of Object.entries(p.attrs)) {
      const t = row.attrs[name];
      if (!t) return ctx.fail(`${p.op} has no attribute '${name}'`, { field: 'attrs' });
      if (!attrFitsType(t, v))
        ctx.fail(`${p.op}: attribute '${name}' should be of type ${t}`, { field: 'attrs' });
      attrs[name] = typeof v === 'object' && !Array.isArray(v) ? tensorFromJson(v as TensorJson) : v;
    }
    const values = p.inputs.map((s, i): string => {
      switch (s.kind) {
        case 'port': {
          const v = inputs[s.name];
          return v ?? ctx.fail(`input '${s.name}' is not connected`, { port: s.name });
        }
        case 'weight': {
          const init =
            s.init === 'normal' ? { kind: 'normal' as const, mean: 0, std: 0.02 } : { kind: s.init };
          return ctx.weight(s.name, s.shape, init, s.role);
        }
        case 'const':
          return constSlot(ctx, s, i);
        case 'none':
          return '';
      }
    });
    while (values.length && values[values.length - 1] === '') values.pop();
    let outs: string[];
    try {
      outs = ctx.opN(p.op, values, attrs, p.outputs);
    } catch (e) {
      // The builder's own checks (an output count the op does not give) speak of the params here.
      if (e instanceof Error && e.name === 'Error') ctx.fail(e.message, { field: 'outputs' });
      throw e;
    }
    return Object.fromEntries(outs.map((v, i) => [onnxOutputPort(i), v]));
  },
});

export const onnxLayers: readonly AnyLayerDef[] = [onnxOpLayer];

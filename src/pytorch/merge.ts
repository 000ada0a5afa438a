// Shape and merge layers as tensor methods and operators; the batch axis is never written into a
// shape (x.shape[0] carries it), so the module runs at any batch size.
import {
  addLayer,
  concatLayer,
  flattenLayer,
  multiplyLayer,
  padLayer,
  permuteLayer,
  reshapeLayer,
  sliceLayer,
  splitLayer,
  subtractLayer,
  upsampleLayer,
  zeroPad2dLayer,
} from '../layers/merge.ts';
import { call, kwargs, pyList, pyNumber, pySize, pyString, pyTuple } from './python.ts';
import { inShape, positiveAxis } from './shapes.ts';
import type { AnyTorchForm, FormArgs } from './torch-form.ts';
import { torchForm } from './torch-form.ts';

function numbered(a: FormArgs<{ inputs: number }>): string[] {
  return Array.from({ length: a.p.inputs }, (_, i) => a.x[`x${i}`]!);
}

export const flattenTorch = torchForm(flattenLayer, {
  call: (a) => call('torch.flatten', [a.x['x']!, String(a.p.startDim)]),
});

export const reshapeTorch = torchForm(reshapeLayer, {
  call: (a) => call(`${a.x['x']}.reshape`, [`${a.x['x']}.shape[0]`, ...a.p.shape.map(String)]),
});

export const permuteTorch = torchForm(permuteLayer, {
  call: (a) => call(`${a.x['x']}.permute`, ['0', ...a.p.dims.map((d) => String(d + 1))]),
});

export const concatTorch = torchForm(concatLayer, {
  call: (a) =>
    call(
      'torch.cat',
      [`[${numbered(a).join(', ')}]`],
      [`dim=${positiveAxis(a.p.axis, inShape(a.t, 'x0').length)}`],
    ),
});

export const addTorch = torchForm(addLayer, { call: (a) => numbered(a).join(' + ') });
export const multiplyTorch = torchForm(multiplyLayer, { call: (a) => numbered(a).join(' * ') });
export const subtractTorch = torchForm(subtractLayer, { call: (a) => `${a.x['x0']} - ${a.x['x1']}` });

export const splitTorch = torchForm(splitLayer, {
  call: (a) => {
    if (a.p.sizes.length === 1) return a.x['x']!;
    const axis = positiveAxis(a.p.axis, inShape(a.t).length);
    return {
      lines: (out) => [
        `${a.p.sizes.map((_, i) => out[`y${i}`] ?? '_').join(', ')} = ${call('torch.split', [a.x['x']!, pyList(a.p.sizes)], [`dim=${axis}`])}`,
      ],
    };
  },
});

export const sliceTorch = torchForm(sliceLayer, {
  call: (a) => {
    const axis = positiveAxis(a.p.axis, inShape(a.t).length);
    const range = `${a.p.start === 0 ? '' : pyNumber(a.p.start)}:${pyNumber(a.p.end)}${a.p.step === 1 ? '' : `:${a.p.step}`}`;
    return `${a.x['x']}[${[...Array<string>(axis).fill(':'), range].join(', ')}]`;
  },
});

export const zeroPad2dTorch = torchForm(zeroPad2dLayer, {
  // torch's order is Netloom's: (left, right, top, bottom).
  call: (a) => call('F.pad', [a.x['x']!, pyTuple(a.p.padding)]),
});

export const padTorch = torchForm(padLayer, {
  // Netloom's pairs run from the last axis backwards, as torch.nn.functional.pad's do.
  call: (a) => call('F.pad', [a.x['x']!, pyTuple(a.p.padding)], kwargs(['value', a.p.value, 0])),
});

export const upsampleTorch = torchForm(upsampleLayer, {
  call: (a) =>
    call(
      'F.interpolate',
      [a.x['x']!],
      [
        `scale_factor=${pySize(a.p.scaleFactor)}`,
        `mode=${pyString(a.p.mode)}`,
        ...(a.p.mode === 'bilinear' ? kwargs(['align_corners', a.p.alignCorners]) : []),
      ],
    ),
});

export const mergeTorchForms: readonly AnyTorchForm[] = [
  flattenTorch,
  reshapeTorch,
  permuteTorch,
  concatTorch,
  addTorch,
  subtractTorch,
  multiplyTorch,
  splitTorch,
  sliceTorch,
  upsampleTorch,
  zeroPad2dTorch,
  padTorch,
];

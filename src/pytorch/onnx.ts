// The ONNX op node as PyTorch: the op's tensor function, written per op type, with the node's
// weights in an OnnxWeights module under their own names. The common ops of imported models have
// a form (elementwise arithmetic and activations, MatMul and Gemm, the shape ops, reductions,
// softmax); any other is refused, named.
import type { OnnxAttrJson, OnnxOpParams, OnnxSlot } from '../layers/onnx.ts';
import { onnxOpLayer, onnxOutputPort } from '../layers/onnx.ts';
import type { Shape } from '../ir/types.ts';
import { call, pyBool, pyFloat, pyList, pyNumber, pyString, pyTuple } from './python.ts';
import type { AnyTorchForm, FormArgs } from './torch-form.ts';
import { torchForm } from './torch-form.ts';

type Args = FormArgs<OnnxOpParams>;

const unary: Readonly<Record<string, string>> = {
  Identity: '',
  Relu: 'torch.relu',
  Sigmoid: 'torch.sigmoid',
  Tanh: 'torch.tanh',
  Exp: 'torch.exp',
  Log: 'torch.log',
  Neg: 'torch.neg',
  Abs: 'torch.abs',
  Sqrt: 'torch.sqrt',
  Reciprocal: 'torch.reciprocal',
  Erf: 'torch.erf',
  Sin: 'torch.sin',
  Cos: 'torch.cos',
  Floor: 'torch.floor',
  Sign: 'torch.sign',
  HardSwish: 'F.hardswish',
  Softsign: 'F.softsign',
};

const binary: Readonly<Record<string, string>> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Pow: '**',
  Equal: '==',
  Less: '<',
  Greater: '>',
};

const dtypes = { float32: 'torch.float32', int64: 'torch.int64', bool: 'torch.bool' } as const;

function num(p: OnnxOpParams, name: string, fallback: number): number {
  const v = p.attrs[name];
  return typeof v === 'number' ? v : fallback;
}

function ints(v: OnnxAttrJson | undefined): number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
}

function constOf(s: OnnxSlot | undefined): number[] | undefined {
  return s?.kind === 'const' ? s.data : undefined;
}

/** The Python for each input slot. */
function operands(a: Args): (string | undefined)[] {
  return a.p.inputs.map((s) => {
    switch (s.kind) {
      case 'port':
        return a.x[s.name];
      case 'weight':
        return /^[A-Za-z_]\w*$/.test(s.name) ? `${a.m}.${s.name}` : `getattr(${a.m}, ${pyString(s.name)})`;
      case 'const': {
        const values = s.data.map((v, k) => ((s.batch ?? []).includes(k) ? a.batch : pyNumber(v)));
        const t = `torch.tensor(${pyList(values)}, dtype=${dtypes[s.dtype]}, device=${a.device})`;
        return s.shape.length === 1 ? t : `${t}.reshape(${pyTuple(s.shape)})`;
      }
      case 'none':
        return undefined;
    }
  });
}

/** Why an op has no PyTorch form here (its inputs must be constants where torch needs numbers). */
function whyNot(p: OnnxOpParams): string | undefined {
  const known =
    Object.hasOwn(unary, p.op) ||
    Object.hasOwn(binary, p.op) ||
    [
      'LeakyRelu',
      'Elu',
      'HardSigmoid',
      'Softplus',
      'Max',
      'Min',
      'Where',
      'MatMul',
      'Gemm',
      'Transpose',
      'Reshape',
      'Flatten',
      'Concat',
      'Split',
      'Slice',
      'Squeeze',
      'Unsqueeze',
      'Expand',
      'Tile',
      'Gather',
      'Softmax',
      'LogSoftmax',
      'ReduceMean',
      'ReduceSum',
      'ReduceMax',
      'ReduceMin',
      'Cast',
    ].includes(p.op);
  if (!known) return `Netloom has no PyTorch form for the ONNX op ${p.op} yet`;
  const needConst: Readonly<Record<string, number[]>> = {
    Reshape: [1],
    Split: [1],
    Slice: [1, 2, 3, 4],
    Squeeze: [1],
    Unsqueeze: [1],
    Expand: [1],
    Tile: [1],
    ReduceSum: [1],
  };
  for (const i of (Object.hasOwn(needConst, p.op) ? needConst[p.op] : undefined) ?? []) {
    const s = p.inputs[i];
    if (s && s.kind !== 'const' && s.kind !== 'none') {
      return `the ONNX op ${p.op} reads input ${i} at run time; its PyTorch form needs it as a constant`;
    }
  }
  if (p.op === 'Slice' && (constOf(p.inputs[4]) ?? []).some((s) => s < 0)) {
    return 'torch slicing takes positive steps only';
  }
  return undefined;
}

function axisOf(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

function expression(a: Args, x: (string | undefined)[], shapes: (Shape | undefined)[]): string {
  const p = a.p;
  const x0 = x[0]!;
  const rank0 = shapes[0]?.length ?? 0;
  if (Object.hasOwn(unary, p.op)) return unary[p.op] ? `${unary[p.op]}(${x0})` : x0;
  if (Object.hasOwn(binary, p.op)) return `(${x0} ${binary[p.op]} ${x[1]})`;
  switch (p.op) {
    case 'LeakyRelu':
      return call('F.leaky_relu', [x0, pyFloat(num(p, 'alpha', 0.01))]);
    case 'Elu':
      return call('F.elu', [x0], [`alpha=${pyFloat(num(p, 'alpha', 1))}`]);
    case 'HardSigmoid':
      return `torch.clamp(${pyFloat(num(p, 'alpha', 0.2))} * ${x0} + ${pyFloat(num(p, 'beta', 0.5))}, 0, 1)`;
    case 'Softplus':
      return `torch.log1p(torch.exp(${x0}))`;
    case 'Max':
    case 'Min':
      return x
        .slice(1)
        .reduce<string>((acc, v) => `torch.${p.op === 'Max' ? 'maximum' : 'minimum'}(${acc}, ${v})`, x0);
    case 'Where':
      return call('torch.where', [x0, x[1]!, x[2]!]);
    case 'MatMul':
      return call('torch.matmul', [x0, x[1]!]);
    case 'Gemm': {
      const A = num(p, 'transA', 0) ? `${x0}.t()` : x0;
      const B = num(p, 'transB', 0) ? `${x[1]}.t()` : x[1]!;
      const alpha = num(p, 'alpha', 1);
      const beta = num(p, 'beta', 1);
      const prod = `${alpha === 1 ? '' : `${pyFloat(alpha)} * `}torch.matmul(${A}, ${B})`;
      return x[2] ? `(${prod} + ${beta === 1 ? '' : `${pyFloat(beta)} * `}${x[2]})` : prod;
    }
    case 'Transpose': {
      const perm = ints(p.attrs['perm']) ?? Array.from({ length: rank0 }, (_, i) => rank0 - 1 - i);
      return call(`${x0}.permute`, perm.map(String));
    }
    case 'Reshape': {
      const s = p.inputs[1] as Extract<OnnxSlot, { kind: 'const' }>;
      const target = s.data.map((d, i) =>
        (s.batch ?? []).includes(i) ? a.batch : d === 0 ? `${x0}.shape[${i}]` : pyNumber(d),
      );
      return call(`${x0}.reshape`, target);
    }
    case 'Flatten': {
      // ONNX Flatten is always a matrix: the axes before `axis` merged, and those from it.
      const axis = axisOf(num(p, 'axis', 1), rank0);
      if (axis === 0) return `${x0}.reshape(1, -1)`;
      return axis === 1 ? `${x0}.flatten(1)` : `${x0}.flatten(${axis}).flatten(0, ${axis - 1})`;
    }
    case 'Concat':
      return call('torch.cat', [`[${x.join(', ')}]`], [`dim=${axisOf(num(p, 'axis', 0), rank0)}`]);
    case 'Slice': {
      const starts = constOf(p.inputs[1])!;
      const ends = constOf(p.inputs[2])!;
      const axes = (constOf(p.inputs[3]) ?? starts.map((_, i) => i)).map((v) => axisOf(v, rank0));
      const steps = constOf(p.inputs[4]) ?? starts.map(() => 1);
      const index = Array.from({ length: rank0 }, () => ':');
      axes.forEach((ax, i) => {
        index[ax] = `${pyNumber(starts[i]!)}:${pyNumber(ends[i]!)}${steps[i] === 1 ? '' : `:${steps[i]}`}`;
      });
      return `${x0}[${index.join(', ')}]`;
    }
    case 'Squeeze': {
      const axes = (constOf(p.inputs[1]) ?? []).map((v) => axisOf(v, rank0)).sort((q, r) => r - q);
      return axes.reduce((acc, ax) => `${acc}.squeeze(${ax})`, axes.length ? x0 : `${x0}.squeeze()`);
    }
    case 'Unsqueeze': {
      const axes = constOf(p.inputs[1]) ?? [];
      const out = rank0 + axes.length;
      return axes
        .map((v) => axisOf(v, out))
        .sort((q, r) => q - r)
        .reduce((acc, ax) => `${acc}.unsqueeze(${ax})`, x0);
    }
    case 'Expand':
      return `${x0}.expand(torch.broadcast_shapes(${x0}.shape, tuple(${x[1]}.tolist())))`;
    case 'Tile':
      return call(`${x0}.repeat`, (constOf(p.inputs[1]) ?? []).map(String));
    case 'Gather': {
      const axis = axisOf(num(p, 'axis', 0), rank0);
      const idx = p.inputs[1];
      const n = shapes[0]![axis]!;
      if (idx?.kind === 'const' && idx.shape.length === 0) {
        const i = idx.data[0]!;
        return call(`${x0}.select`, [String(axis), String(i < 0 ? i + n : i)]);
      }
      const at = `torch.remainder(${x[1]}, ${n})`;
      return `torch.index_select(${x0}, ${axis}, ${at}.reshape(-1)).reshape(${x0}.shape[:${axis}] + ${x[1]}.shape + ${x0}.shape[${axis + 1}:])`;
    }
    case 'Softmax':
    case 'LogSoftmax':
      return call(p.op === 'Softmax' ? 'torch.softmax' : 'torch.log_softmax', [
        x0,
        String(num(p, 'axis', -1)),
      ]);
    case 'ReduceMean':
    case 'ReduceSum':
    case 'ReduceMax':
    case 'ReduceMin': {
      const axes = p.op === 'ReduceSum' ? constOf(p.inputs[1]) : ints(p.attrs['axes']);
      const keep = pyBool(num(p, 'keepdims', 1) === 1);
      const dims =
        axes && axes.length ? axes.map((v) => axisOf(v, rank0)) : Array.from({ length: rank0 }, (_, i) => i);
      if (p.op === 'ReduceMean' || p.op === 'ReduceSum') {
        return call(
          `torch.${p.op === 'ReduceMean' ? 'mean' : 'sum'}`,
          [x0, pyTuple(dims)],
          [`keepdim=${keep}`],
        );
      }
      const f = p.op === 'ReduceMax' ? 'amax' : 'amin';
      return call(`torch.${f}`, [x0, pyTuple(dims)], [`keepdim=${keep}`]);
    }
    case 'Cast': {
      const to = num(p, 'to', 1);
      return `${x0}.to(${to === 7 ? 'torch.int64' : to === 9 ? 'torch.bool' : 'torch.float32'})`;
    }
  }
  throw new Error(`internal: no PyTorch form for ${p.op}`);
}

export const onnxOpTorch = torchForm(onnxOpLayer, {
  module: (p, _t, use) => {
    const weights = p.inputs.filter((s): s is Extract<OnnxSlot, { kind: 'weight' }> => s.kind === 'weight');
    if (weights.length === 0) return undefined;
    const dict = (role: 'param' | 'state') =>
      `{${weights
        .filter((w) => w.role === role)
        .map((w) => `${pyString(w.name)}: ${pyTuple(w.shape)}`)
        .join(', ')}}`;
    return call(use('OnnxWeights'), [dict('param'), dict('state')]);
  },
  unsupported: (p) => whyNot(p),
  call: (a) => {
    const x = operands(a);
    const shapes = a.p.inputs.map((s) =>
      s.kind === 'port'
        ? a.t.inputs[s.name]?.shape
        : s.kind === 'weight' || s.kind === 'const'
          ? s.shape
          : undefined,
    );
    if (a.p.op === 'Split') {
      const sizes = constOf(a.p.inputs[1])!;
      const axis = axisOf(num(a.p, 'axis', 0), shapes[0]!.length);
      return {
        lines: (out) => [
          `${sizes.map((_, i) => out[onnxOutputPort(i)] ?? '_').join(', ')}${sizes.length === 1 ? ',' : ''} = ${call('torch.split', [x[0]!, pyList(sizes)], [`dim=${axis}`])}`,
        ],
      };
    }
    return expression(a, x, shapes);
  },
});

export const onnxTorchForms: readonly AnyTorchForm[] = [onnxOpTorch];

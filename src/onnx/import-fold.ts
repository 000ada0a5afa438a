// Shape arithmetic folded at import. Exporters (torch.onnx among them) compute reshape targets
// at run time: Shape → Gather → Unsqueeze → Concat → Reshape. The IR has static shapes and no
// Shape op, so these chains are evaluated once here and become constants. Where the batch size
// flows into such a constant, the element is marked, so a Reshape target can copy the batch
// axis (0) instead of baking the size in; other uses are reported as warnings.
//
// Folding runs on the importer's input, so it is bounded: no folded tensor has more than
// maxFoldElements elements. An op whose result would be larger stays an op where the IR has one
// (a broadcast Add), and is refused with a message where it has none (Range, ConstantOfShape);
// a negative size, an index out of range or a division by zero is refused too, never a crash.
import type { Attrs, ConstTensor, TensorType } from '../ir/types.ts';
import { constInts, numel } from '../ir/types.ts';
import { intAttr, intsAttr } from '../ir/ops/op-row.ts';
import { LayerError } from '../util/errors.ts';

/** The most elements one folded tensor may have (16,777,216: 64 MiB as float32). */
export const maxFoldElements = 2 ** 24;

function tooLarge(what: string, count: number): LayerError {
  return new LayerError(
    `${what} would make ${count.toLocaleString('en-US')} elements; Netloom computes at most ${maxFoldElements.toLocaleString('en-US')} while importing`,
  );
}

/** The element count of a shape read from the file, checked: whole, non-negative dimensions. */
function sizeOf(shape: readonly number[], what: string): number {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new LayerError(
        `${what}: shape [${shape.slice(0, 8).join(', ')}] has a dimension that is not a size (${d})`,
      );
    }
  }
  return numel(shape);
}

/** A folded tensor; `batch[i]` says element i of a 1-D int64 tensor is the batch size. */
export interface Folded {
  readonly tensor: ConstTensor;
  readonly batch?: readonly boolean[];
}

export interface FoldArgs {
  readonly type: string;
  readonly attrs: Attrs;
  /** Constant inputs (undefined where an input is not constant or omitted). */
  readonly consts: readonly (Folded | undefined)[];
  readonly types: readonly (TensorType | undefined)[];
  /** Whether input i has the batch on axis 0. */
  readonly batchAxis0: readonly boolean[];
}

function i64(values: readonly number[], shape: readonly number[]): ConstTensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new LayerError(`shape arithmetic gives ${v}`);
    data[i] = BigInt(Math.trunc(v));
  }
  return { shape, dtype: 'int64', data };
}

function like(t: ConstTensor, values: readonly number[], shape: readonly number[]): ConstTensor {
  if (t.dtype === 'int64') return i64(values, shape);
  if (t.dtype === 'bool') return { shape, dtype: 'bool', data: Uint8Array.from(values) };
  return { shape, dtype: 'float32', data: Float32Array.from(values) };
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

function broadcastIndex(outIdx: readonly number[], shape: readonly number[]): number {
  const st = strides(shape);
  let k = 0;
  const off = outIdx.length - shape.length;
  for (let i = 0; i < shape.length; i++) k += (shape[i] === 1 ? 0 : outIdx[i + off]!) * st[i]!;
  return k;
}

/** Elementwise with NumPy broadcasting; undefined when the shapes do not broadcast or too large. */
function binary(
  a: ConstTensor,
  b: ConstTensor,
  f: (x: number, y: number) => number,
): ConstTensor | undefined {
  const rank = Math.max(a.shape.length, b.shape.length);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a.shape[a.shape.length - rank + i] ?? 1;
    const db = b.shape[b.shape.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined; // the op row says why
    shape.push(da === 1 ? db : da);
  }
  const n = numel(shape);
  // Shape arithmetic is tiny; a big broadcast is the model's computation, left to run as an op.
  if (n > maxFoldElements) return undefined;
  const av = constInts(a);
  const bv = constInts(b);
  const st = strides(shape);
  const out = new Array<number>(n);
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let r = k;
    for (let i = 0; i < rank; i++) {
      idx[i] = Math.floor(r / st[i]!);
      r -= idx[i]! * st[i]!;
    }
    out[k] = f(av[broadcastIndex(idx, a.shape)]!, bv[broadcastIndex(idx, b.shape)]!);
  }
  return like(a, out, shape);
}

/** Ops worth folding only on small integer tensors (shape arithmetic), never on data. */
const intOps = new Set([
  'Gather',
  'Unsqueeze',
  'Squeeze',
  'Concat',
  'Slice',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Identity',
  'Reshape',
  'Equal',
  'Where',
  'Neg',
  'Cast',
]);

/** Ops the IR has no row for, evaluated whenever their inputs are known. */
export const foldOnlyOps = new Set(['Shape', 'ConstantOfShape', 'Range', 'Size']);

/** The folded outputs, or undefined when the op is not folded (it then stays an IR op). */
export function fold(a: FoldArgs): Folded[] | undefined {
  const c0 = a.consts[0];
  if (a.type === 'Shape') {
    const t = a.types[0];
    if (!t) return undefined;
    const rank = t.shape.length;
    // ONNX Shape-15: start/end slice the shape, negative counting from the end.
    const norm = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
    const start = norm(intAttr(a.attrs, 'start', 0));
    const end = norm(intAttr(a.attrs, 'end', rank));
    const dims = t.shape.slice(start, end);
    const batch = dims.map((_, i) => start + i === 0 && a.batchAxis0[0] === true);
    return [{ tensor: i64(dims, [dims.length]), batch }];
  }
  if (a.type === 'Size') {
    const t = a.types[0];
    return t ? [{ tensor: i64([numel(t.shape)], []) }] : undefined;
  }
  const present = a.consts.length > 0 && a.types.every((t, i) => !t || a.consts[i]);
  if (!present || !c0) return undefined;
  const all = a.consts.map((c) => c?.tensor);
  if (a.type === 'ConstantOfShape') {
    if (c0.tensor.shape.length > 1) throw new LayerError('its shape input must be 1-D');
    const shape = constInts(c0.tensor);
    const n = sizeOf(shape, 'ConstantOfShape');
    if (n > maxFoldElements) throw tooLarge(`ConstantOfShape [${shape.join(', ')}]`, n);
    const v = a.attrs['value'];
    const fill: ConstTensor =
      // ONNX ConstantOfShape-9: without a value the output is float32 zeros.
      v && typeof v === 'object' && !Array.isArray(v)
        ? (v as ConstTensor)
        : { shape: [1], dtype: 'float32', data: new Float32Array(1) };
    const value = constInts(fill)[0] ?? 0;
    const data =
      fill.dtype === 'float32'
        ? new Float32Array(n).fill(value)
        : fill.dtype === 'bool'
          ? new Uint8Array(n).fill(value ? 1 : 0)
          : new BigInt64Array(n).fill(BigInt(Math.trunc(value)));
    return [{ tensor: { shape, dtype: fill.dtype, data } }];
  }
  if (a.type === 'Range') {
    const [s, l, d] = all.map((t) => (t ? (constInts(t)[0] ?? 0) : 0));
    if (d === undefined || s === undefined || l === undefined) return undefined;
    if (d === 0) throw new LayerError('Range with a step (delta) of 0 never ends');
    // ONNX Range-11: max(ceil((limit - start) / delta), 0) elements.
    const n = Math.max(Math.ceil((l - s) / d), 0);
    if (!Number.isFinite(n)) throw new LayerError(`Range(${s}, ${l}, ${d}) has no finite length`);
    if (n > maxFoldElements) throw tooLarge(`Range(${s}, ${l}, ${d})`, n);
    const out = new Array<number>(n);
    for (let k = 0; k < n; k++) out[k] = s + k * d;
    return [{ tensor: like(c0.tensor, out, [n]) }];
  }
  if (!intOps.has(a.type)) return undefined;
  // Only integer tensors: folding float arithmetic would turn a model's computation into data.
  if (a.type === 'Cast') {
    const to = intAttr(a.attrs, 'to', 1);
    if (c0.tensor.dtype !== 'int64' && to !== 7) return undefined;
    const v = constInts(c0.tensor);
    const t: ConstTensor =
      to === 7
        ? i64(v, c0.tensor.shape)
        : to === 9
          ? { shape: c0.tensor.shape, dtype: 'bool', data: Uint8Array.from(v, (x) => (x ? 1 : 0)) }
          : to === 1
            ? { shape: c0.tensor.shape, dtype: 'float32', data: Float32Array.from(v) }
            : i64(v, c0.tensor.shape);
    if (to !== 1 && to !== 7 && to !== 9) return undefined;
    return [{ tensor: t, ...(c0.batch ? { batch: c0.batch } : {}) }];
  }
  if (all.some((t) => t && t.dtype === 'float32') && a.type !== 'Where') return undefined;
  const x = c0.tensor;
  const xv = constInts(x);
  switch (a.type) {
    case 'Identity':
      return [c0];
    case 'Neg':
      return [
        {
          tensor: like(
            x,
            xv.map((v) => -v),
            x.shape,
          ),
        },
      ];
    case 'Gather': {
      const idx = all[1];
      if (!idx) return undefined;
      const axis = intAttr(a.attrs, 'axis', 0);
      if (axis !== 0 || x.shape.length !== 1) return undefined;
      const n = x.shape[0]!;
      const iv = constInts(idx).map((i) => (i < 0 ? i + n : i));
      const out = iv.find((i) => !(i >= 0 && i < n));
      if (out !== undefined)
        throw new LayerError(`index ${out} is outside the ${n} elements it gathers from`);
      const batch = c0.batch ? iv.map((i) => c0.batch?.[i] === true) : undefined;
      return [
        {
          tensor: like(
            x,
            iv.map((i) => xv[i] ?? 0),
            idx.shape,
          ),
          ...(batch ? { batch } : {}),
        },
      ];
    }
    case 'Unsqueeze':
    case 'Squeeze': {
      const axes = all[1] ? constInts(all[1]) : (intsAttr(a.attrs, 'axes') ?? []);
      let shape = [...x.shape];
      if (a.type === 'Unsqueeze') {
        const r = shape.length + axes.length;
        const at = axes.map((v) => (v < 0 ? v + r : v)).sort((p, q) => p - q);
        if (at.some((v, i) => !(v >= 0 && v < r) || v === at[i - 1])) {
          throw new LayerError(`axes [${axes.join(', ')}] do not fit a rank-${r} result`);
        }
        for (const ax of at) shape.splice(ax, 0, 1);
      } else {
        const bad = axes.find((v) => !(v >= -shape.length && v < shape.length));
        if (bad !== undefined) throw new LayerError(`axis ${bad} is outside the rank-${shape.length} input`);
        const drop = new Set(axes.map((v) => (v < 0 ? v + shape.length : v)));
        shape = axes.length ? shape.filter((_, i) => !drop.has(i)) : shape.filter((d) => d !== 1);
      }
      return [{ tensor: like(x, xv, shape), ...(c0.batch ? { batch: c0.batch } : {}) }];
    }
    case 'Reshape': {
      const target = all[1] ? constInts(all[1]) : undefined;
      if (!target) return undefined;
      const n = xv.length;
      const out = target.map((d, i) => (d === 0 ? (x.shape[i] ?? 1) : d));
      const known = numel(out.filter((d) => d !== -1));
      const shape = out.map((d) => (d === -1 ? n / known : d));
      // A target that does not fit is left to the Reshape op, whose row says why.
      if (shape.some((d) => !Number.isSafeInteger(d) || d < 0) || numel(shape) !== n) return undefined;
      return [{ tensor: like(x, xv, shape), ...(c0.batch ? { batch: c0.batch } : {}) }];
    }
    case 'Concat': {
      if (x.shape.length !== 1) return undefined;
      const vals: number[] = [];
      const batch: boolean[] = [];
      let total = 0;
      for (const c of a.consts) {
        if (!c || c.tensor.shape.length !== 1) return undefined;
        total += c.tensor.data.length;
        if (total > maxFoldElements) return undefined;
        const v = constInts(c.tensor);
        for (let i = 0; i < v.length; i++) {
          vals.push(v[i]!);
          batch.push(c.batch?.[i] === true);
        }
      }
      return [{ tensor: like(x, vals, [vals.length]), batch }];
    }
    case 'Slice': {
      if (x.shape.length !== 1 || !all[1] || !all[2]) return undefined;
      const n = xv.length;
      const st = constInts(all[1])[0] ?? 0;
      const en = constInts(all[2])[0] ?? n;
      const step = all[4] ? (constInts(all[4])[0] ?? 1) : 1;
      if (step !== 1) return undefined;
      const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
      const s = clamp(st);
      const e = clamp(en);
      const batch = c0.batch?.slice(s, e);
      return [{ tensor: like(x, xv.slice(s, e), [Math.max(e - s, 0)]), ...(batch ? { batch } : {}) }];
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'Equal': {
      const y = all[1];
      if (!y) return undefined;
      const f =
        a.type === 'Add'
          ? (p: number, q: number): number => p + q
          : a.type === 'Sub'
            ? (p: number, q: number): number => p - q
            : a.type === 'Mul'
              ? (p: number, q: number): number => p * q
              : a.type === 'Div'
                ? (p: number, q: number): number => {
                    if (q === 0) throw new LayerError('divides by zero while computing a shape');
                    return Math.trunc(p / q);
                  }
                : (p: number, q: number): number => (p === q ? 1 : 0);
      const t = binary(x, y, f);
      if (!t) return undefined;
      return [
        {
          tensor:
            a.type === 'Equal' ? { shape: t.shape, dtype: 'bool', data: Uint8Array.from(constInts(t)) } : t,
        },
      ];
    }
    case 'Where': {
      const [cond, p, q] = all;
      const same = (u: ConstTensor): boolean => u.shape.join() === x.shape.join();
      if (!cond || !p || !q || p.dtype !== 'int64' || !same(p) || !same(q)) return undefined;
      const cv = constInts(cond);
      const pv = constInts(p);
      const qv = constInts(q);
      return [
        {
          tensor: i64(
            cv.map((c, i) => (c ? pv[i]! : qv[i]!)),
            x.shape,
          ),
        },
      ];
    }
    default:
      return undefined;
  }
}

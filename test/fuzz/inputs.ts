// The fuzzer's inputs, per format, from a seed: first the fixed cases (every reproducer of issue
// 10, hostile by construction), then every truncation of the small seed files, then mutations —
// bit flips, byte edits, splices, random bytes, and format-aware changes (JSON values replaced by
// hostile ones, ONNX fields set to extremes, safetensors headers and npy headers rewritten, CSV
// cells replaced) — until the count is reached.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeDocument } from '../../src/document/parse.ts';
import { encodeSafetensors } from '../../src/ir/weights-file.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { decodeModel, encodeModel } from '../../src/onnx/proto.ts';
import { writeNpy } from '../../src/runtime/npy.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { Rng } from '../../src/util/random.ts';
import { chainDoc } from '../helpers/doc.ts';
import type { Format } from './targets.ts';

export interface FuzzInput {
  /** What it is, for a failure report: "fixed: …", "truncate seed 2 at 17", "bitflip seed 0". */
  readonly label: string;
  readonly bytes: Uint8Array;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

// ── ONNX building blocks ──────────────────────────────────────────────────────────────────────

type Dim = number | string;
const vi = (name: string, dims: readonly Dim[], elemType = 1) => ({
  name,
  type: {
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
    },
  },
});
const node = (opType: string, input: string[], output: string[], attribute: object[] = [], name = '') => ({
  opType,
  input,
  output,
  attribute,
  name,
});
const i64 = (name: string, dims: number[], values: number[]) => ({
  name,
  dims,
  dataType: 7,
  int64Data: values,
});
const f32 = (name: string, dims: number[], values: number[]) => ({
  name,
  dims,
  dataType: 1,
  floatData: values,
});
const model = (nodes: object[], inputs: object[], outputs: object[], initializer: object[] = []) =>
  encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'fuzz', node: nodes, input: inputs, output: outputs, initializer },
  });

/** The ONNX reproducers of issue 10. */
export function onnxReproducers(): FuzzInput[] {
  return [
    {
      label: 'fixed: Range(0, 1e9)',
      bytes: model(
        [node('Range', ['s', 'l', 'd'], ['r'])],
        [],
        [vi('r', [1e9], 7)],
        [i64('s', [], [0]), i64('l', [], [1e9]), i64('d', [], [1])],
      ),
    },
    {
      label: 'fixed: ConstantOfShape([1e9])',
      bytes: model(
        [node('ConstantOfShape', ['shape'], ['c'])],
        [],
        [vi('c', [1e9])],
        [i64('shape', [1], [1e9])],
      ),
    },
    {
      label: 'fixed: ConstantOfShape([-1])',
      bytes: model(
        [node('ConstantOfShape', ['shape'], ['c'])],
        [],
        [vi('c', [1])],
        [i64('shape', [1], [-1])],
      ),
    },
    {
      label: 'fixed: broadcast fold [1, 1e4] + [1e4, 1]',
      bytes: model(
        [node('Add', ['a', 'b'], ['c'])],
        [],
        [vi('c', [10000, 10000], 7)],
        [
          i64(
            'a',
            [1, 10000],
            Array.from({ length: 10000 }, (_, i) => i),
          ),
          i64(
            'b',
            [10000, 1],
            Array.from({ length: 10000 }, (_, i) => i),
          ),
        ],
      ),
    },
    {
      label: 'fixed: division by zero in shape folding',
      bytes: model(
        [node('Shape', ['x'], ['s']), node('Div', ['s', 'zero'], ['q']), node('Reshape', ['x', 'q'], ['y'])],
        [vi('x', [2, 3])],
        [vi('y', [2, 3])],
        [i64('zero', [2], [0, 0])],
      ),
    },
    {
      label: 'fixed: names with terminal escape sequences',
      bytes: model(
        [node('Relu', ['in\u001b[31mput'], ['out\u001b]0;pwned\u0007'], [], 'relu\u001b[2J')],
        [vi('in\u001b[31mput', ['N', 4])],
        [vi('out\u001b]0;pwned\u0007', ['N', 4])],
      ),
    },
    {
      label: 'fixed: attributes named __proto__ and toString',
      bytes: model(
        [
          node(
            'Relu',
            ['x'],
            ['y'],
            [
              { name: '__proto__', type: 2, i: 1 },
              { name: 'toString', type: 2, i: 1 },
            ],
          ),
        ],
        [vi('x', ['N', 4])],
        [vi('y', ['N', 4])],
      ),
    },
    {
      // Found by the fuzzer (seed 1, input 19,981): the batch size, cast to float, as a Reshape target.
      label: 'fixed: a float Reshape target computed from the batch size',
      bytes: model(
        [
          node('Shape', ['x'], ['s']),
          node('Cast', ['s'], ['f'], [{ name: 'to', type: 2, i: 1 }]),
          node('Reshape', ['x', 'f'], ['y']),
        ],
        [vi('x', ['N', 6])],
        [vi('y', ['N', 6])],
      ),
    },
    {
      label: 'fixed: Gather out of range in shape folding',
      bytes: model(
        [node('Shape', ['x'], ['s']), node('Gather', ['s', 'i'], ['g']), node('Reshape', ['x', 'g'], ['y'])],
        [vi('x', [2, 3])],
        [vi('y', [6])],
        [i64('i', [1], [7])],
      ),
    },
  ];
}

function onnxSeeds(): Uint8Array[] {
  const fixtures = join(import.meta.dirname, '../fixtures/onnx');
  const shapeChain = model(
    [
      node('Shape', ['x'], ['s']),
      node('Gather', ['s', 'zero'], ['n'], [{ name: 'axis', type: 2, i: 0 }]),
      node('Unsqueeze', ['n', 'axes'], ['n1']),
      node('Concat', ['n1', 'minus1'], ['target'], [{ name: 'axis', type: 2, i: 0 }]),
      node('Reshape', ['x', 'target'], ['flat']),
      node('Gemm', ['flat', 'w', 'b'], ['y'], [{ name: 'transB', type: 2, i: 1 }]),
    ],
    [vi('x', ['N', 2, 3])],
    [vi('y', ['N', 2])],
    [
      i64('zero', [], [0]),
      i64('axes', [1], [0]),
      i64('minus1', [1], [-1]),
      f32('w', [2, 6], [1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1]),
      f32('b', [2], [0.5, -0.5]),
    ],
  );
  const playground = exportDocument(loadTemplate('playground')!).bytes;
  return [
    shapeChain,
    playground,
    ...['mlp.onnx', 'cnn.onnx', 'lstm.onnx'].map((f) => new Uint8Array(readFileSync(join(fixtures, f)))),
  ];
}

const extremeInts = [-1, 0, 1, 2, 3, -(2 ** 31), 2 ** 31 - 1, 1e9, 2 ** 53, -(2 ** 53)];
const opTypes = [
  'Range',
  'ConstantOfShape',
  'Shape',
  'Size',
  'Gather',
  'Reshape',
  'Concat',
  'Div',
  'Mul',
  'Unsqueeze',
  'Squeeze',
  'Slice',
  'Where',
  'Cast',
  'Conv',
  'Gemm',
  'MatMul',
  'Relu',
  'Transpose',
  'Add',
  'Flatten',
  'Softmax',
  'BatchNormalization',
  'MaxPool',
  'LSTM',
  'Constant',
  'Identity',
  'NoSuchOp',
  'toString',
  '__proto__',
];
const hostileNames = [
  '',
  'x',
  '__proto__',
  'toString',
  'constructor',
  'a\u001b[31mb',
  '\u202etxt.exe',
  'n'.repeat(5000),
];

/** An ONNX seed decoded, one field changed to something extreme, encoded again. */
function mutateOnnx(seed: Uint8Array, rng: Rng): Uint8Array | undefined {
  const m = decodeModel(seed) as { graph?: Record<string, unknown[]> };
  const g = m.graph;
  if (!g) return undefined;
  const pick = <T>(xs: readonly T[] | undefined): T | undefined =>
    xs && xs.length ? xs[rng.int(xs.length)] : undefined;
  type AnyRec = Record<string, unknown>;
  const nodes = (g['node'] ?? []) as AnyRec[];
  const inits = (g['initializer'] ?? []) as AnyRec[];
  const inputs = (g['input'] ?? []) as AnyRec[];
  const outputs = (g['output'] ?? []) as AnyRec[];
  for (let k = 1 + rng.int(3); k > 0; k--) {
    switch (rng.int(10)) {
      case 0: {
        const n = pick(nodes);
        if (n) n['opType'] = pick(opTypes);
        break;
      }
      case 1: {
        const a = pick((pick(nodes)?.['attribute'] ?? []) as AnyRec[]);
        if (a) {
          if (Array.isArray(a['ints'])) a['ints'] = (a['ints'] as number[]).map(() => pick(extremeInts));
          else a['i'] = pick(extremeInts);
        }
        break;
      }
      case 2: {
        const t = pick(inits);
        if (t) t['dims'] = ((t['dims'] as number[] | undefined) ?? [1]).map(() => pick(extremeInts));
        break;
      }
      case 3: {
        const t = pick(inits);
        if (t) t['dataType'] = pick([0, 1, 6, 7, 9, 11, 16, 99]);
        break;
      }
      case 4: {
        const v = pick([...inputs, ...outputs]);
        const dims = (v?.['type'] as AnyRec | undefined)?.['tensorType'] as AnyRec | undefined;
        const shape = dims?.['shape'] as { dim?: AnyRec[] } | undefined;
        const d = pick(shape?.dim);
        if (d) {
          delete d['dimParam'];
          d['dimValue'] = pick(extremeInts);
        }
        break;
      }
      case 5: {
        const n = pick(nodes);
        if (n) nodes.push({ ...n });
        break;
      }
      case 6: {
        if (nodes.length) nodes.splice(rng.int(nodes.length), 1);
        break;
      }
      case 7: {
        const n = pick(nodes);
        const list = (n?.[pick(['input', 'output'])!] ?? []) as string[];
        if (list.length)
          list[rng.int(list.length)] = pick([
            ...hostileNames,
            ...nodes.flatMap((x) => (x['output'] as string[]) ?? []),
          ])!;
        break;
      }
      case 8: {
        const n = pick(nodes);
        if (n) n['name'] = pick(hostileNames);
        break;
      }
      default: {
        const n = pick(nodes);
        if (n) {
          const attrs = (n['attribute'] ?? []) as AnyRec[];
          attrs.push({
            name: pick(['axis', 'perm', '__proto__', 'toString', 'value', 'to']),
            type: 2,
            i: pick(extremeInts),
          });
          n['attribute'] = attrs;
        }
      }
    }
  }
  try {
    return encodeModel(m);
  } catch {
    return undefined;
  }
}

// ── project JSON ──────────────────────────────────────────────────────────────────────────────

function projectSeeds(): string[] {
  const small = chainDoc([4], [{ kind: 'Dense', params: { units: 3 } }, { kind: 'ReLU' }]);
  return [
    serializeDocument(small),
    serializeDocument(loadTemplate('playground')!),
    serializeDocument(loadTemplate('lenet5')!),
    JSON.stringify({
      format: 'netloom',
      version: 1,
      nodes: small.nodes.map((n, i) => ({ ...n, group: i % 2 ? 'g1' : 'g2' })),
      edges: small.edges,
      groups: [
        { id: 'g1', name: 'one', parent: 'g2' },
        { id: 'g2', name: 'two' },
      ],
    }),
  ];
}

export function projectReproducers(): FuzzInput[] {
  const base = chainDoc([4], [{ kind: 'Dense', params: { units: 3 }, id: 'fc' }]);
  const withPort = (port: string) =>
    JSON.stringify({
      ...base,
      edges: base.edges.map((e, i) => (i === 0 ? { ...e, source: { ...e.source, port } } : e)),
    });
  const big = (n: number) =>
    JSON.stringify({
      format: 'netloom',
      version: 1,
      nodes: Array.from({ length: n }, (_, i) => ({ id: `n${i}`, kind: 'Dense', params: { units: 4 } })),
      edges: [],
    });
  return [
    { label: 'fixed: edge port __proto__', bytes: enc(withPort('__proto__')) },
    { label: 'fixed: edge port toString', bytes: enc(withPort('toString')) },
    { label: 'fixed: 100,000 unclosed [', bytes: enc('['.repeat(100_000)) },
    {
      label: 'fixed: 100,000 nested arrays in training',
      bytes: enc(
        JSON.stringify({ ...base, training: {} }).replace(
          '"training":{}',
          `"training":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
        ),
      ),
    },
    {
      label: 'fixed: group parent loop',
      bytes: enc(
        JSON.stringify({
          ...base,
          nodes: base.nodes.map((n) => ({ ...n, group: 'a' })),
          groups: [
            { id: 'a', name: 'A', parent: 'b' },
            { id: 'b', name: 'B', parent: 'a' },
          ],
        }),
      ),
    },
    {
      label: 'fixed: Dense units 30,000,000',
      bytes: enc(JSON.stringify(chainDoc([100], [{ kind: 'Dense', params: { units: 30_000_000 } }]))),
    },
    {
      label: 'fixed: a 1 MB layer kind',
      bytes: enc(JSON.stringify({ ...base, nodes: [...base.nodes, { id: 'k', kind: 'K'.repeat(1 << 20) }] })),
    },
    {
      label: 'fixed: "__proto__" in params',
      bytes: enc(serializeDocument(base).replace('"units": 3', '"__proto__": {"units": 3}')),
    },
    { label: 'fixed: 20,000 unconnected nodes', bytes: enc(big(20_000)) },
  ];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function hostileJson(rng: Rng): Json {
  switch (rng.int(14)) {
    case 0:
      return null;
    case 1:
      return rng.int(2) === 0;
    case 2:
      return [1e39, -1, 0, 1e308, -0, 2 ** 53 + 1, 0.5, 30_000_000][rng.int(8)]!;
    case 3:
      return 'x'.repeat(1 + rng.int(3) * 20_000);
    case 4:
      return ['__proto__', 'toString', 'constructor', 'a\u001b[2Jb', '\u202e', ''][rng.int(6)]!;
    case 5:
      return [];
    case 6:
      return {};
    case 7:
      return JSON.parse('{"__proto__": {"units": 5}}') as Json;
    case 8: {
      let v: Json = 1;
      for (let i = 0; i < 40 + rng.int(60); i++) v = [v];
      return v;
    }
    case 9:
      return Array.from({ length: rng.int(2000) }, (_, i) => i);
    case 10:
      return { node: 'n1', port: ['x', 'y', '__proto__', 'toString', 'q'][rng.int(5)]! };
    case 11:
      return ['Dense', 'Conv2d', 'Input', 'Output', 'Concat', 'LSTM', 'NoSuchKind'][rng.int(7)]!;
    case 12:
      return [rng.int(5), 100_000, 0][rng.int(3)]!;
    default:
      return rng.int(1000);
  }
}

/** A JSON seed with one value (or key) somewhere in its tree replaced by a hostile one. */
function mutateJson(seed: string, rng: Rng): string {
  const root = JSON.parse(seed) as Json;
  const spots: { parent: Json[] | { [k: string]: Json }; key: string | number }[] = [];
  const stack: Json[] = [root];
  while (stack.length) {
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      v.forEach((c, i) => {
        spots.push({ parent: v, key: i });
        stack.push(c);
      });
    } else if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        spots.push({ parent: v, key: k });
        stack.push(v[k]!);
      }
    }
  }
  for (let k = 1 + rng.int(3); k > 0 && spots.length; k--) {
    const s = spots[rng.int(spots.length)]!;
    const what = rng.int(6);
    if (what === 0 && !Array.isArray(s.parent)) delete s.parent[s.key as string];
    else if (what === 1 && !Array.isArray(s.parent)) {
      const key = ['__proto__', 'toString', 'constructor', 'parent', 'group', 'extra'][rng.int(6)]!;
      Object.defineProperty(s.parent, key, {
        value: hostileJson(rng),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    } else (s.parent as Record<string | number, Json>)[s.key] = hostileJson(rng);
  }
  return JSON.stringify(root);
}

// ── safetensors, npy, CSV ─────────────────────────────────────────────────────────────────────

function safetensorsSeeds(): Uint8Array[] {
  return [
    encodeSafetensors(new Map([['w', { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }]])),
    encodeSafetensors(
      new Map([
        ['fc.weight', { shape: [3, 2], data: Float32Array.of(1, -2, 3, 0.5, 5, 6) }],
        ['fc.bias', { shape: [3], data: Float32Array.of(0, 1, 2) }],
        ['s', { shape: [], data: Float32Array.of(7) }],
      ]),
      { format: 'pt' },
    ),
  ];
}

/** safetensors with a header written by hand and `data` after it. */
export function rawSafetensors(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = enc(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

export function safetensorsReproducers(): FuzzInput[] {
  const d16 = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
  const t = (b: number, e: number, shape = [2]) => ({ dtype: 'F32', shape, data_offsets: [b, e] });
  return [
    { label: 'fixed: {"a": null}', bytes: rawSafetensors({ a: null }) },
    { label: 'fixed: overlapping offsets', bytes: rawSafetensors({ a: t(0, 8), b: t(4, 12) }, d16) },
    { label: 'fixed: gapped offsets', bytes: rawSafetensors({ a: t(0, 4, [1]), b: t(8, 16) }, d16) },
    { label: 'fixed: out-of-order offsets', bytes: rawSafetensors({ a: t(8, 16), b: t(0, 4, [1]) }, d16) },
    { label: 'fixed: trailing bytes', bytes: rawSafetensors({ a: t(0, 8) }, d16) },
    {
      label: 'fixed: __proto__ tensor name',
      bytes: rawSafetensors(
        '{"__proto__": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}',
        d16.subarray(0, 8),
      ),
    },
    {
      label: 'fixed: NaN weights',
      bytes: encodeSafetensors(new Map([['w', { shape: [2], data: Float32Array.of(NaN, Infinity) }]])),
    },
  ];
}

function mutateSafetensorsHeader(seed: Uint8Array, rng: Rng): Uint8Array {
  const n = Number(new DataView(seed.buffer, seed.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(dec(seed.subarray(8, 8 + n))) as Record<string, Record<string, unknown>>;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const name = names[rng.int(names.length)]!;
  const info = header[name]!;
  switch (rng.int(7)) {
    case 0: {
      const o = info['data_offsets'] as number[];
      info['data_offsets'] = [o[0]! + [-4, 4, 1][rng.int(3)]!, o[1]!];
      break;
    }
    case 1:
      info['shape'] = [[], [1e9], [-1], [2.5], ['2'], [2, 2, 2]][rng.int(6)];
      break;
    case 2:
      info['dtype'] = ['F64', 'F16', 'X', 1, null][rng.int(5)];
      break;
    case 3:
      header[name] = [null, 1, 'x', [], {}][rng.int(5)] as Record<string, unknown>;
      break;
    case 4:
      header['__metadata__'] = [{ a: 1 }, 'x', null, { k: 'v' }][rng.int(4)] as Record<string, unknown>;
      break;
    case 5:
      info['data_offsets'] = [[0], [0, 1, 2], ['0', '8'], [-8, 0], [2 ** 60, 2 ** 60 + 8]][rng.int(5)];
      break;
    default:
      header[`${name}2`] = { ...info };
  }
  return rawSafetensors(header, seed.subarray(8 + n));
}

function npySeeds(): Uint8Array[] {
  return [
    writeNpy({ dtype: 'float32', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }),
    writeNpy({ dtype: 'int64', shape: [4], data: BigInt64Array.of(1n, -2n, 3n, 4n) }),
    writeNpy({ dtype: 'float32', shape: [], data: Float32Array.of(2.5) }),
  ];
}

/** An npy file with the given header dict text and `data` after it. */
export function rawNpy(dict: string, data: Uint8Array): Uint8Array {
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - 11, ' ') + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(enc(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

export function npyReproducers(): FuzzInput[] {
  const six = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
  return [
    {
      label: 'fixed: header shape smaller than the data',
      bytes: rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", six),
    },
    {
      label: 'fixed: junk after the header dict',
      bytes: rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }junk", six),
    },
    {
      label: 'fixed: a key twice',
      bytes: rawNpy("{'descr': '<f4', 'shape': (2,), 'fortran_order': False, 'shape': (6,), }", six),
    },
  ];
}

function mutateNpyHeader(seed: Uint8Array, rng: Rng): Uint8Array {
  const len = new DataView(seed.buffer, seed.byteOffset).getUint16(8, true);
  let dict = dec(seed.subarray(10, 10 + len)).trimEnd();
  const edits: [RegExp, string][] = [
    [/\((\d+)/, `(${[0, 1, 2, 3, 7, 1e9][rng.int(6)]}`],
    [/'<f4'|'<i8'/, ["'<f8'", "'>f4'", "'<f4", "'|b1'", "'<i4'"][rng.int(5)]!],
    [/False/, ['True', 'Fals', '0'][rng.int(3)]!],
    [/\)/, [',)', ', 0)', ', -1)', ''][rng.int(4)]!],
    [/, }$/, [' }', ", 'extra': 1, }", '}}', ''][rng.int(4)]!],
  ];
  const [re, by] = edits[rng.int(edits.length)]!;
  dict = dict.replace(re, by);
  return rawNpy(dict, seed.subarray(10 + len));
}

function csvSeeds(): string[] {
  const rows = (n: number, classes: number) =>
    Array.from({ length: n }, (_, i) => `${(i * 0.37) % 1},${(i * 0.61) % 1},${i % classes}`).join('\n');
  return [
    `x1,x2,label\n${rows(12, 2)}\n`,
    'a,b,species\n1,2,setosa\n3,4.5,versicolor\n"5",6,setosa\n',
    'y,x1,x2\n0.5,1,2\n1.25,3,4\n',
    `x1,x2,label\n${rows(20, 10)}\n`,
  ];
}

export function csvReproducers(): FuzzInput[] {
  return [
    { label: 'fixed: 1e39 in a feature', bytes: enc('x1,x2,label\n1e39,0.2,0\n0.3,0.1,1\n') },
    { label: 'fixed: 10 classes (for a 2-class model)', bytes: enc(csvSeeds()[3]!) },
    { label: 'fixed: a 5 MB cell', bytes: enc(`x1,x2,label\n${'9'.repeat(5 << 20)}x,0.2,0\n`) },
    { label: 'fixed: control characters in a cell', bytes: enc('x1,x2,label\n\u001b[2J,0.2,0\n') },
  ];
}

function mutateCsv(seed: string, rng: Rng): string {
  const lines = seed.split('\n');
  const r = rng.int(lines.length);
  const cells = (lines[r] ?? '').split(',');
  const c = rng.int(Math.max(1, cells.length));
  cells[c] = [
    '1e39',
    '-1e39',
    'NaN',
    'Infinity',
    '',
    '"',
    '""',
    '0x10',
    '1e-50',
    'a\u001bb',
    '99',
    '-1',
    '2.5',
    ' 7 ',
  ][rng.int(14)]!;
  if (rng.int(5) === 0) cells.push('extra');
  lines[r] = cells.join(',');
  if (rng.int(6) === 0) lines.splice(rng.int(lines.length), 1);
  return lines.join(rng.int(8) === 0 ? '\r\n' : '\n');
}

// ── generic byte mutations ────────────────────────────────────────────────────────────────────

function mutateBytes(seed: Uint8Array, other: Uint8Array, rng: Rng): { how: string; bytes: Uint8Array } {
  const b = Uint8Array.from(seed);
  switch (rng.int(7)) {
    case 0: {
      const flips = 1 + rng.int(8);
      for (let i = 0; i < flips && b.length; i++) b[rng.int(b.length)]! ^= 1 << rng.int(8);
      return { how: 'bitflip', bytes: b };
    }
    case 1: {
      for (let i = 0; i < 1 + rng.int(4) && b.length; i++)
        b[rng.int(b.length)] = [0, 0xff, 0x7f, 0x80, 0x22, 0x7b][rng.int(6)]!;
      return { how: 'byteset', bytes: b };
    }
    case 2: {
      const at = rng.int(b.length + 1);
      const ins = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
      return { how: 'insert', bytes: new Uint8Array([...b.subarray(0, at), ...ins, ...b.subarray(at)]) };
    }
    case 3: {
      const at = rng.int(b.length + 1);
      return {
        how: 'delete',
        bytes: new Uint8Array([...b.subarray(0, at), ...b.subarray(at + 1 + rng.int(16))]),
      };
    }
    case 4: {
      const at = rng.int(b.length + 1);
      const from = rng.int(other.length + 1);
      return { how: 'splice', bytes: new Uint8Array([...b.subarray(0, at), ...other.subarray(from)]) };
    }
    case 5: {
      const at = rng.int(b.length);
      const len = 1 + rng.int(32);
      return { how: 'duplicate', bytes: new Uint8Array([...b.subarray(0, at + len), ...b.subarray(at)]) };
    }
    default:
      return { how: 'random', bytes: Uint8Array.from({ length: rng.int(256) }, () => rng.int(256)) };
  }
}

/** What to fuzz a format with: its fixed cases, seeds, and format-aware mutation. */
function plan(format: Format): {
  fixed: FuzzInput[];
  seeds: Uint8Array[];
  aware: (seed: Uint8Array, rng: Rng) => Uint8Array | undefined;
} {
  switch (format) {
    case 'project':
      return {
        fixed: projectReproducers(),
        seeds: projectSeeds().map(enc),
        aware: (s, rng) => enc(mutateJson(dec(s), rng)),
      };
    case 'onnx':
      return { fixed: onnxReproducers(), seeds: onnxSeeds(), aware: mutateOnnx };
    case 'safetensors':
      return { fixed: safetensorsReproducers(), seeds: safetensorsSeeds(), aware: mutateSafetensorsHeader };
    case 'npy':
      return { fixed: npyReproducers(), seeds: npySeeds(), aware: mutateNpyHeader };
    case 'csv':
      return {
        fixed: csvReproducers(),
        seeds: csvSeeds().map(enc),
        aware: (s, rng) => enc(mutateCsv(dec(s), rng)),
      };
    case 'ipc':
      return { fixed: [], seeds: [new Uint8Array([1])], aware: () => undefined };
  }
}

/**
 * `count` inputs for a format: the fixed cases, truncations of the seeds at every offset (as many
 * as fit in a third of the count), then mutations; all determined by `seed`.
 */
export function* fuzzInputs(format: Format, count: number, seed: number): Generator<FuzzInput> {
  const rng = new Rng(seed ^ (format.length * 0x9e37));
  const p = plan(format);
  let made = 0;
  for (const f of p.fixed) {
    if (made++ >= count) return;
    yield f;
  }
  if (format === 'ipc') {
    for (; made < count; made++) {
      yield {
        label: `ipc attack ${made}`,
        bytes: new Uint8Array(Uint32Array.of(rng.int(2 ** 32), made).buffer),
      };
    }
    return;
  }
  const truncations = Math.floor(count / 3);
  let t = 0;
  for (const [k, s] of p.seeds.entries()) {
    const step = Math.max(1, Math.ceil(s.length / Math.max(1, truncations / p.seeds.length)));
    for (let at = 0; at < s.length && t < truncations; at += step, t++) {
      if (made++ >= count) return;
      yield { label: `truncate seed ${k} at ${at}`, bytes: s.subarray(0, at) };
    }
  }
  while (made < count) {
    const k = rng.int(p.seeds.length);
    const s = p.seeds[k]!;
    if (rng.int(2) === 0) {
      const bytes = p.aware(s, rng);
      if (!bytes) continue;
      made++;
      yield { label: `aware mutation of seed ${k}`, bytes };
    } else {
      const { how, bytes } = mutateBytes(s, p.seeds[rng.int(p.seeds.length)]!, rng);
      made++;
      yield { label: `${how} of seed ${k}`, bytes };
    }
  }
}

// Trained weights in a safetensors sidecar: `train --save-weights` writes them, Python reads the
// file by the format's spec and finds the trained ONNX model's initializers in it, `export
// --weights` rebuilds the same model from it, and a damaged or mismatched file is named clearly.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { encodeModel } from '../../src/onnx/proto.ts';
import { decodeSafetensors, encodeSafetensors, nonFiniteWarning } from '../../src/ir/weights-file.ts';
import { runCli } from '../helpers/cli-io.ts';
import { requirePython } from '../helpers/references.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import { floatTensor } from '../../src/runtime/tensors.ts';
import { onnxFixtureDir, torchModelCase } from '../helpers/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-weights-'));

function cli(...argv: string[]) {
  return runCli(dir, argv);
}

describe('weights sidecar (safetensors)', () => {
  test('train --save-weights: Python reads the file and finds the trained model in it', async () => {
    const r = await cli(
      'train',
      'playground',
      '--epochs',
      '2',
      '--out',
      'trained.onnx',
      '--save-weights',
      'trained.safetensors',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('trained.safetensors: trained weights');
    const report = JSON.parse(
      execFileSync(requirePython(['numpy', 'onnx', 'torch']), [
        join(import.meta.dirname, '../tools/read_safetensors.py'),
        join(dir, 'trained.safetensors'),
        join(dir, 'trained.onnx'),
      ]).toString(),
    ) as {
      names: string[];
      metadata: Record<string, string>;
      aligned: boolean;
      maxAbsDiff: number;
      missingInOnnx: string[];
      torchParams: number;
    };
    expect(report.names).toContain('hidden1.weight');
    expect(report.missingInOnnx).toEqual([]);
    expect(report.maxAbsDiff).toBe(0);
    expect(report.aligned).toBe(true);
    expect(report.metadata['format']).toBe('pt');
    const inspect = JSON.parse((await cli('inspect', 'playground', '--json')).out) as {
      totals: { params: number };
    };
    expect(report.torchParams).toBe(inspect.totals.params);

    // export --weights rebuilds the trained model byte for byte.
    const e = await cli('export', 'playground', '--weights', 'trained.safetensors', '-o', 'again.onnx');
    expect(e.code).toBe(0);
    expect(
      Buffer.compare(readFileSync(join(dir, 'again.onnx')), readFileSync(join(dir, 'trained.onnx'))),
    ).toBe(0);
  }, 120_000);

  test('a file for another model lists what does not fit', async () => {
    writeFileSync(
      join(dir, 'other.safetensors'),
      encodeSafetensors(
        new Map([
          ['hidden1.weight', { shape: [3, 2], data: new Float32Array(6) }],
          ['stray', { shape: [1], data: new Float32Array(1) }],
        ]),
      ),
    );
    // The template file says how wide its first hidden layer is.
    const template = JSON.parse(readFileSync('templates/playground.json', 'utf8')) as {
      nodes: { id: string; params: { units?: number } }[];
    };
    const units = template.nodes.find((n) => n.id === 'hidden1')?.params.units;
    const r = await cli('export', 'playground', '--weights', 'other.safetensors', '-o', 'x.onnx');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(
      `other.safetensors does not fit this model: 'hidden1.weight' is [3, 2] in the file; the model needs [${units}, 2]`,
    );
    expect(r.err).toContain("'stray' is not a weight of this model");
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  test('damaged files are named with the place', () => {
    const good = encodeSafetensors(new Map([['w', { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }]]));
    expect(decodeSafetensors(good, 'ok.safetensors').get('w')?.data).toEqual(Float32Array.of(1, 2, 3, 4));
    expect(() => decodeSafetensors(good.subarray(0, good.length - 4), 'cut.safetensors')).toThrow(
      /^cut\.safetensors: tensor 'w' \[2, 2\]: its data_offsets \[0, 16\] run past the end of the file \(12 bytes of data after the header\) \(at byte \d+\)$/,
    );
    const garbled = good.slice();
    garbled[9] = 0x7b; // '{' where the header's first key begins: no longer JSON
    garbled[10] = 0x7b;
    expect(() => decodeSafetensors(garbled, 'garbled.safetensors')).toThrow(
      /^garbled\.safetensors: the header is not valid JSON/,
    );
    expect(() => decodeSafetensors(Uint8Array.of(1, 2, 3), 'tiny.safetensors')).toThrow(/too short/);
  });
});

describe('netloom import', () => {
  test('a torch-exported CNN becomes a project + sidecar whose export computes what torch did', async () => {
    const fixtures = onnxFixtureDir;
    const r = await cli('import', join(fixtures, 'cnn.onnx'), '-o', 'cnn.json');
    expect(r.err).toBe('');
    const [read, wrote, ...rest] = r.out.split('\n');
    // What it read (opset, producer, input), then what it wrote.
    expect(read).toMatch(/cnn\.onnx: opset 17, made by pytorch 1\.13[^;]*; input x \[N, /);
    expect(wrote).toMatch(/^cnn\.json: 10 nodes \(.*Conv2d.*\); cnn\.safetensors: 291 parameters$/);
    // Everything folds into layers: nothing is left as an ONNX op node.
    expect(rest.join('\n')).not.toMatch(/ONNX op nodes/);
    const e = await cli('export', 'cnn.json', '--weights', 'cnn.safetensors', '-o', 'cnn-again.onnx');
    expect(e.code).toBe(0);
    const c = torchModelCase('cnn');
    const x = c.inputs['x']!;
    const out = await runOnnx(new Uint8Array(readFileSync(join(dir, 'cnn-again.onnx'))), {
      x: floatTensor(x.data, x.shape),
    });
    (out.y!.data as Float32Array).forEach((v, i) =>
      expect(Math.abs(v - c.outputs['y']!.data[i]!)).toBeLessThan(1e-4),
    );
  });

  test('ops no layer describes are listed, by how often they occur', async () => {
    const input = {
      name: 'x',
      type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 3 }] } } },
    };
    const bytes = encodeModel({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        node: [
          { name: 'a', opType: 'Sin', input: ['x'], output: ['s'] },
          { name: 'b', opType: 'Cos', input: ['s'], output: ['c'] },
          { name: 'd', opType: 'Sin', input: ['c'], output: ['y'] },
        ],
        input: [input],
        output: [{ name: 'y' }],
      },
    });
    writeFileSync(join(dir, 'trig.onnx'), bytes);
    const r = await cli('import', 'trig.onnx', '-o', 'trig.json');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toContain('kept as ONNX op nodes (no layer describes them): Sin ×2, Cos');
  });
});

describe('safetensors checked as the reference implementation checks it', () => {
  const data = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
  const file = (header: unknown, body: Uint8Array = data) => {
    const h = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
    const out = new Uint8Array(8 + h.length + body.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    out.set(body, 8 + h.length);
    return out;
  };
  const t = (b: number, e: number, shape = [2]) => ({ dtype: 'F32', shape, data_offsets: [b, e] });

  test('ranges in order, contiguous and covering the data exactly load', () => {
    const m = decodeSafetensors(
      file({ b: t(8, 16), a: t(0, 8), __metadata__: { k: 'v' } }),
      'ok.safetensors',
    );
    expect(m.get('a')?.data).toEqual(Float32Array.of(1, 2));
    expect(m.get('b')?.data).toEqual(Float32Array.of(3, 4));
  });

  test.each([
    [
      'overlapping',
      { a: t(0, 8), b: t(4, 12) },
      /tensor 'b' \[2\]: its data_offsets \[4, 12\] overlap the tensor before it \(which ends at 8\)/,
    ],
    [
      'gapped',
      { a: t(0, 4, [1]), b: t(8, 16) },
      /tensor 'b' \[2\]: its data_offsets \[8, 16\] leave bytes 4–8 unused/,
    ],
    ['trailing bytes', { a: t(0, 8) }, /8 bytes after the last tensor's data belong to no tensor/],
    ['a null entry', { a: null }, /tensor 'a' is not described right/],
    [
      'a string shape',
      { a: { dtype: 'F32', shape: ['2'], data_offsets: [0, 16] } },
      /tensor 'a' is not described right \(shape\.0:/,
    ],
    ['an unknown dtype', { a: { dtype: 'F33', shape: [4], data_offsets: [0, 16] } }, /unknown dtype F33/],
    [
      'metadata that is not strings',
      { __metadata__: { k: 1 }, a: t(0, 16, [4]) },
      /"__metadata__" is not a map of strings/,
    ],
    ['a header not starting with {', ' {}', /the header does not start with "\{"/],
  ])('%s is refused', (_, header, message) => {
    expect(() =>
      decodeSafetensors(
        file(header as never, _ === 'a header not starting with {' ? new Uint8Array(0) : data),
        'x.safetensors',
      ),
    ).toThrow(message);
  });

  test('a weight is its bytes: NaN payloads survive loading and saving (a fuzz finding)', () => {
    // Written by hand: a signalling NaN, a quiet NaN with a payload, -0 and the smallest subnormal.
    const words = [0x7f800001, 0xffc12345, 0x80000000, 0x00000001];
    const json = '{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}';
    const head = new TextEncoder().encode(json.padEnd(json.length + ((8 - ((8 + json.length) % 8)) % 8)));
    const file = new Uint8Array(8 + head.length + 16);
    const view = new DataView(file.buffer);
    view.setBigUint64(0, BigInt(head.length), true);
    file.set(head, 8);
    words.forEach((w, i) => view.setUint32(8 + head.length + i * 4, w, true));
    const w = decodeSafetensors(file, 'nan-payloads.safetensors').get('w')!;
    expect([...new Uint32Array(w.data.buffer, w.data.byteOffset, 4)]).toEqual(words);
    expect(encodeSafetensors(new Map([['w', w]]))).toEqual(file);
  });

  test('NaN and infinite weights load with a warning naming them', () => {
    const m = decodeSafetensors(
      encodeSafetensors(new Map([['w', { shape: [3], data: Float32Array.of(NaN, 1, Infinity) }]])),
      'nan.safetensors',
    );
    expect(nonFiniteWarning(m, 'nan.safetensors')).toBe(
      "nan.safetensors: weights hold NaN or infinite values: 'w' (2 of 3 values)",
    );
    expect(
      nonFiniteWarning(
        decodeSafetensors(
          encodeSafetensors(new Map([['w', { shape: [1], data: Float32Array.of(1) }]])),
          'ok',
        ),
        'ok',
      ),
    ).toBeUndefined();
  });
});

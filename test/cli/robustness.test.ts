// Issue 10 through the CLI, as a user meets it: files written atomically by every command, runs that
// overflow stop and write nothing, names from files printed harmless, echoed values and problem
// lists bounded, imports with errors not passed off as working, hostile inputs refused in one line.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { serializeDocument } from '../../src/document/parse.ts';
import type { AtomicFs } from '../../src/host/atomic-file.ts';
import { nodeAtomicFs } from '../../src/host/atomic-file.ts';
import { writeNpy } from '../../src/runtime/npy.ts';
import { floatTensor, int64Tensor } from '../../src/runtime/tensors.ts';
import { runCli } from '../helpers/cli-io.ts';
import { chainDoc } from '../helpers/doc.ts';
import { onnxFixtureDir } from '../helpers/fixtures.ts';
import { onnxReproducers, rawSafetensors } from '../fuzz/inputs.ts';
import { encodeModel } from '../../src/onnx/proto.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-robust-'));
const bin = join(import.meta.dirname, '../../bin/netloom.mjs');

function cli(argv: string[], fs?: AtomicFs) {
  return runCli(dir, argv, fs);
}

const fullDisk: AtomicFs = {
  ...nodeAtomicFs,
  rename: async () => {
    throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
  },
};

const temps = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('every file the CLI writes is written atomically', () => {
  writeFileSync(
    join(dir, 'x.npy'),
    writeNpy(floatTensor([0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8], [4, 2])),
  );
  writeFileSync(join(dir, 'y.npy'), writeNpy(int64Tensor([0, 1, 1, 0], [4])));
  const cases: [string, string[], string][] = [
    ['export', ['export', 'playground', '-o', 'out.onnx'], 'out.onnx'],
    ['import', ['import', join(onnxFixtureDir, 'mlp.onnx'), '-o', 'out.json'], 'out.safetensors'],
    [
      'train --save-weights',
      ['train', 'playground', '--steps', '1', '--save-weights', 'out.safetensors'],
      'out.safetensors',
    ],
    [
      'step -o',
      [
        'step',
        'playground',
        '--input',
        'point=x.npy',
        '--target',
        'label=y.npy',
        '--loss',
        'cross-entropy',
        '-o',
        'out.onnx',
      ],
      'out.onnx',
    ],
    ['run --out', ['run', 'playground', '--input', 'point=x.npy', '--out', '.'], 'logits.npy'],
  ];
  test.each(cases)(
    '%s on a full disk: exit 1, the old file untouched, no temp file left',
    async (_, argv, file) => {
      writeFileSync(join(dir, file), 'the old file');
      const r = await cli(argv, fullDisk);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`${file.replace('.', '\\.')}: cannot write \\(the disk is full\\)`));
      expect(readFileSync(join(dir, file), 'utf8')).toBe('the old file');
      expect(temps()).toEqual([]);
    },
  );

  test('a killed export leaves the old model whole; the next export removes what the kill left', async () => {
    const target = join(dir, 'resnet.onnx');
    writeFileSync(target, 'the old model');
    const child = spawn(process.execPath, [bin, 'export', 'resnet18', '-o', target], { stdio: 'ignore' });
    const exited = new Promise((ok) => child.once('exit', ok));
    // Killed while it writes: once its temporary file is there.
    for (let i = 0; i < 2000 && !readdirSync(dir).some((f) => f.startsWith('.resnet.onnx.')); i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await exited;
    expect(readFileSync(target, 'utf8')).toBe('the old model');
    expect(readdirSync(dir).filter((f) => f.startsWith('.resnet.onnx.'))).toHaveLength(1);
    const r = await cli(['export', 'playground', '-o', 'resnet.onnx']);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith('.resnet.onnx.'))).toEqual([]);
  }, 120_000);
});

describe('runs that overflow stop with the culprit named and write nothing', () => {
  test('step --lr 1e39', async () => {
    const r = await cli([
      'step',
      'playground',
      '--input',
      'point=x.npy',
      '--target',
      'label=y.npy',
      '--loss',
      'cross-entropy',
      '--lr',
      '1e39',
      '-o',
      'nan.onnx',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /Training stopped at step 1: weight "hidden1\.weight" of node "hidden1" is (-?Infinity|NaN) after the update/,
    );
    expect(existsSync(join(dir, 'nan.onnx'))).toBe(false);
  });

  test('train whose last step overflows', async () => {
    const r = await cli([
      'train',
      'playground',
      '--optimizer',
      'sgd',
      '--lr',
      '1e39',
      '--steps',
      '1',
      '--out',
      'nan-train.onnx',
      '--save-weights',
      'nan.safetensors',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Training stopped at step 1: weight "[\w.]+" of node "\w+" is/);
    expect(existsSync(join(dir, 'nan-train.onnx'))).toBe(false);
    expect(existsSync(join(dir, 'nan.safetensors'))).toBe(false);
  });
});

describe('what the CLI prints about a file is harmless and bounded', () => {
  test('ONNX names with terminal escape sequences are printed as \\u escapes', async () => {
    writeFileSync(
      join(dir, 'escapes.onnx'),
      onnxReproducers().find((c) => c.label.includes('escape'))!.bytes,
    );
    const r = await cli(['import', 'escapes.onnx', '-o', 'escapes.json']);
    expect(r.code).toBe(0);
    const i = await cli(['inspect', 'escapes.json']);
    // No control character but newline reaches the terminal.
    for (const text of [r.out, r.err, i.out, i.err])
      expect([...text].filter((c) => c !== '\n' && (c < ' ' || (c >= '\u007f' && c <= '\u009f')))).toEqual(
        [],
      );
    expect(i.out).toContain('out\\u001b]0;pwned\\u0007');
  });

  test('a 5 MB CSV cell is echoed as 80 characters', async () => {
    writeFileSync(join(dir, 'huge.csv'), `x1,x2,label\n${'9'.repeat(5 << 20)}x,0.2,0\n0.1,0.2,1\n`);
    const r = await cli(['train', 'playground', '--dataset', 'huge.csv', '--steps', '1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/huge\.csv: row 2, column "x1": "9{79}…" is not a number$/);
  });

  test('a 1 MB layer kind makes a short inspect', async () => {
    const doc = chainDoc([4], [{ kind: 'K'.repeat(1 << 20) }]);
    writeFileSync(join(dir, 'kind.json'), serializeDocument(doc));
    const r = await cli(['inspect', 'kind.json']);
    expect(r.code).toBe(1);
    expect(r.out.length).toBeLessThan(4000);
    expect(r.out).toContain(`Unknown layer kind "${'K'.repeat(79)}…"`);
  });

  test('100,001 problems: export prints the first five and a count', async () => {
    const nodes = Array.from({ length: 100_001 }, (_, i) => ({
      id: `n${i}`,
      kind: 'Dense',
      params: { units: 2 },
    }));
    writeFileSync(join(dir, 'many.json'), JSON.stringify({ format: 'netloom', version: 1, nodes }));
    const r = await cli(['export', 'many.json', '-o', 'many.onnx']);
    expect(r.code).toBe(1);
    const lines = r.err.split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.at(-1)).toBe('(and 99996 more errors)');
    // inspect lists every node (that is its table), and the first 20 problems with a count.
    const i = await cli(['inspect', 'many.json']);
    // (100,001 errors and the warning that there is no Output)
    expect(i.out).toContain('(and 99982 more problems (netloom inspect --json lists them all))');
  }, 120_000);
});

describe('imports that do not work say so', () => {
  test('a project with errors is not written, exit 1; --allow-errors writes it with a warning', async () => {
    // An input with a zero-sized axis imports as a graph, but no Input layer holds it.
    const bytes = encodeModel({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        node: [{ opType: 'Relu', input: ['x'], output: ['y'] }],
        input: [
          {
            name: 'x',
            type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 0 }] } } },
          },
        ],
        output: [
          {
            name: 'y',
            type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 0 }] } } },
          },
        ],
      },
    });
    writeFileSync(join(dir, 'zero.onnx'), bytes);
    const r = await cli(['import', 'zero.onnx', '-o', 'zero.json']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/zero\.onnx imports as a project with errors; nothing was written/);
    expect(r.err).toMatch(/node "x" field shape\.0/);
    expect(existsSync(join(dir, 'zero.json'))).toBe(false);
    const allowed = await cli(['import', 'zero.onnx', '-o', 'zero.json', '--allow-errors']);
    expect(allowed.code).toBe(0);
    expect(allowed.err).toMatch(/^warning: zero\.json has errors to fix in the editor/);
    expect(existsSync(join(dir, 'zero.json'))).toBe(true);
  });
});

describe('hostile inputs are refused in one line, never a crash', () => {
  test.each([
    ['Range(0, 1e9)', /Range\(0, 1000000000, 1\) would make 1,000,000,000 elements/],
    ['ConstantOfShape([1e9])', /ConstantOfShape \[1000000000\] would make 1,000,000,000 elements/],
    ['ConstantOfShape([-1])', /ConstantOfShape: shape \[-1\] has a dimension that is not a size/],
    ['division by zero', /node 'Div_1' \(Div\): divides by zero while computing a shape/],
    ['Gather out of range', /index 7 is outside the 2 elements it gathers from/],
  ])('ONNX %s', async (label, message) => {
    const c = onnxReproducers().find((x) => x.label.includes(label))!;
    writeFileSync(join(dir, 'hostile.onnx'), c.bytes);
    const r = await cli(['import', 'hostile.onnx', '-o', 'hostile.json']);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toMatch(message);
  });

  test('a broadcast fold of [1, 1e4] + [1e4, 1] stays an op and imports at once', async () => {
    const c = onnxReproducers().find((x) => x.label.includes('broadcast'))!;
    writeFileSync(join(dir, 'broadcast.onnx'), c.bytes);
    const before = process.memoryUsage.rss();
    const r = await cli(['import', 'broadcast.onnx', '-o', 'broadcast.json']);
    // Two constants added: not folded at import (1e8 elements), kept as an ONNX op node that adds
    // them when the model runs.
    expect(r.err).toBe('');
    expect(r.out).toContain('kept as ONNX op nodes (no layer describes them): Add');
    expect(process.memoryUsage.rss() - before).toBeLessThan(256 * 2 ** 20);
  });

  test('safetensors {"a": null}', async () => {
    writeFileSync(join(dir, 'null.safetensors'), rawSafetensors({ a: null }));
    const r = await cli(['export', 'playground', '--weights', 'null.safetensors', '-o', 'w.onnx']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      "netloom export: null.safetensors: tensor 'a' is not described right (Invalid input: expected object, received null)",
    );
  });

  test('100,000 unclosed [ and a 100,000-deep array', async () => {
    writeFileSync(join(dir, 'open.json'), '['.repeat(100_000));
    expect((await cli(['inspect', 'open.json'])).err).toBe(
      'netloom inspect: open.json: nested deeper than 64 levels at line 1, column 65',
    );
  });

  test.each(['__proto__', 'toString'])('an edge port named %s', async (port) => {
    const doc = chainDoc([4], [{ kind: 'Dense', params: { units: 3 } }]);
    const edges = doc.edges.map((e, i) => (i === 0 ? { ...e, source: { ...e.source, port } } : e));
    writeFileSync(join(dir, 'port.json'), JSON.stringify({ ...doc, edges }));
    const r = await cli(['inspect', 'port.json']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`error: node "input" port ${port}: Input has no output "${port}"`);
  });

  test('Dense units 30,000,000 is a problem on the field, found before anything is allocated', async () => {
    writeFileSync(
      join(dir, 'wide.json'),
      serializeDocument(chainDoc([100], [{ kind: 'Dense', params: { units: 30_000_000 }, id: 'fc' }])),
    );
    const before = process.memoryUsage.rss();
    const r = await cli(['export', 'wide.json', '-o', 'wide.onnx']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('node "fc" field units: the weight "weight" [30000000, 100] would take 11.2 GiB');
    expect(process.memoryUsage.rss() - before).toBeLessThan(256 * 2 ** 20);
  });

  test('a loop of group parents is a warning; inspect, training setup and export finish', async () => {
    const doc = chainDoc([4], [{ kind: 'Dense', params: { units: 2 } }]);
    const looped = {
      ...doc,
      nodes: doc.nodes.map((n) => ({ ...n, group: 'a' })),
      groups: [
        { id: 'a', name: 'A', parent: 'b', collapsed: false },
        { id: 'b', name: 'B', parent: 'a', collapsed: false },
      ],
    };
    writeFileSync(join(dir, 'loop.json'), JSON.stringify(looped));
    const r = await cli(['inspect', 'loop.json']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('warning: graph: Groups contain each other in a loop ("A" → "B" → "A")');
    expect(r.out).toContain('Group A: 10 parameters');
    expect((await cli(['export', 'loop.json', '-o', 'loop.onnx'])).code).toBe(0);
  });

  test('100,000 unconnected nodes inspect in one pass', async () => {
    const nodes = Array.from({ length: 100_000 }, (_, i) => ({
      id: `n${i}`,
      kind: 'Input',
      params: { shape: [4] },
    }));
    writeFileSync(join(dir, 'wide-graph.json'), JSON.stringify({ format: 'netloom', version: 1, nodes }));
    const r = await cli(['inspect', 'wide-graph.json', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { nodes: unknown[] }).nodes).toHaveLength(100_000);
  }, 120_000);
});

// The netloom CLI as a user calls it: in-process for most commands, and through the real bin.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { serializeDocument } from '../../src/document/parse.ts';
import { writeNpy } from '../../src/runtime/npy.ts';
import { templateNames } from '../../src/templates/catalogue.ts';
import { runCli } from '../helpers/cli-io.ts';
import { chainDoc } from '../helpers/doc.ts';
import { checkOnnxFiles } from '../helpers/onnx-checker.ts';
import { requirePython } from '../helpers/references.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-cli-'));
const bin = join(import.meta.dirname, '../../bin/netloom.mjs');

function cli(...argv: string[]) {
  return runCli(dir, argv);
}

describe('templates', () => {
  test('--json lists name, title and description', async () => {
    const r = await cli('templates', '--json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { name: string; title: string; description: string }[];
    expect(list.map((t) => t.name)).toEqual(
      expect.arrayContaining(['mlp', 'lenet5', 'resnet18', 'dcgan', 'playground']),
    );
    for (const t of list) expect(Object.keys(t).sort()).toEqual(['description', 'name', 'title']);
  });
});

describe('inspect', () => {
  test('--json on DCGAN gives the generator and discriminator as groups with torch parameter counts', async () => {
    const r = await cli('inspect', 'dcgan', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      nodes: unknown[];
      groups: { name: string; params: number }[];
      totals: { params: number; trainableParams: number; flops: number };
      diagnostics: unknown[];
    };
    expect(j.groups.map((g) => [g.name, g.params])).toEqual([
      ['Generator', 3_576_704],
      ['Discriminator', 2_765_568],
    ]);
    expect(j.totals.params).toBe(3_576_704 + 2_765_568);
    expect(j.diagnostics).toEqual([]);
  });

  test('the table shows shapes with the batch as N and the totals', async () => {
    const r = await cli('inspect', 'resnet18');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/fc\s+Dense\s+\[N, 1000\]\s+513,000/);
    expect(r.out).toMatch(/logits\s+Output\s+← \[N, 1000\]/);
    expect(r.out).toContain('Total parameters: 11,689,512');
  });

  test('a graph with a shape error exits 1 and names the node and the fix', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      serializeDocument(chainDoc([1, 28, 28], [{ kind: 'Dense', params: { units: 10 }, id: 'fc' }])),
    );
    const r = await cli('inspect', file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('error: node "fc" port x: Dense expects rank 2 [N, F]');
    expect(r.out).toContain('add Flatten');
  });

  test('a broken project file is one line naming the line and column', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"format": "netloom",\n  "version": 1,, }');
    const r = await cli('inspect', file);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/broken\.json: not valid JSON at line 2, column \d+/);
  });

  test('an unknown template or a missing file says so', async () => {
    expect((await cli('inspect', 'resnet19')).err).toContain(
      "'resnet19' is neither a project file (.json) nor a template",
    );
    expect((await cli('inspect', 'nope.json')).err).toContain(
      'nope.json: cannot read (no such file or folder)',
    );
  });
});

describe('export and run', () => {
  test('export writes a model that passes onnx.checker; run writes .npy outputs that match torch', async () => {
    const model = join(dir, 'mlp.onnx');
    expect((await cli('export', 'mlp', '-o', model)).code).toBe(0);
    expect(checkOnnxFiles([model])).toEqual({ [model]: null });
    writeFileSync(
      join(dir, 'x.npy'),
      writeNpy({
        dtype: 'float32',
        shape: [3, 784],
        data: Float32Array.from({ length: 3 * 784 }, (_, i) => (i % 17) / 17),
      }),
    );
    const r = await cli('run', model, '--input', `image=${join(dir, 'x.npy')}`, '--out', join(dir, 'out'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // onnxruntime is not a Debian package, so the reference is the same MLP computed in torch from
    // the weights stored in the exported file (read with the onnx package).
    const check = execFileSync(
      requirePython(['numpy', 'onnx', 'torch']),
      [
        '-c',
        [
          'import json, sys, numpy as np, onnx, torch',
          'from onnx import numpy_helper',
          'w = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in onnx.load(sys.argv[1]).graph.initializer}',
          'x = torch.from_numpy(np.load(sys.argv[2]))',
          'lin = lambda h, n: torch.nn.functional.linear(h, w[n + ".weight"], w[n + ".bias"])',
          'ref = lin(torch.relu(lin(torch.relu(lin(x, "fc1")), "fc2")), "fc3").numpy()',
          'got = np.load(sys.argv[3])',
          'print(json.dumps([str(got.dtype), list(got.shape), float(np.abs(got - ref).max())]))',
        ].join('\n'),
        model,
        join(dir, 'x.npy'),
        join(dir, 'out', 'logits.npy'),
      ],
      { encoding: 'utf8' },
    );
    const [dtype, shape, maxErr] = JSON.parse(check) as [string, number[], number];
    expect([dtype, shape]).toEqual(['float32', [3, 10]]);
    expect(maxErr).toBeLessThan(1e-5);
  });

  test('run names the inputs a model expects when one is missing or unknown', async () => {
    const model = join(dir, 'lenet.onnx');
    await cli('export', 'lenet5', '-o', model);
    const r = await cli('run', model, '--input', `pixels=${join(dir, 'x.npy')}`, '--out', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain("the model has no input 'pixels'; its inputs are: image");
  });

  test('a .npy whose dtype or shape the input does not take names the file and both shapes', async () => {
    const model = join(dir, 'mlp-check.onnx');
    await cli('export', 'mlp', '-o', model);
    writeFileSync(
      join(dir, 'short.npy'),
      writeNpy({ dtype: 'float32', shape: [2, 783], data: new Float32Array(2 * 783) }),
    );
    writeFileSync(
      join(dir, 'ints.npy'),
      writeNpy({ dtype: 'int64', shape: [2, 784], data: new BigInt64Array(2 * 784) }),
    );
    const short = await cli('run', model, '--input', `image=${join(dir, 'short.npy')}`, '--out', dir);
    expect(short.code).toBe(1);
    expect(short.err).toBe(
      `netloom run: ${join(dir, 'short.npy')}: input 'image' takes float32 [N, 784]; the file holds float32 [2, 783]`,
    );
    const ints = await cli('run', model, '--input', `image=${join(dir, 'ints.npy')}`, '--out', dir);
    expect(ints.err).toContain("input 'image' takes float32 [N, 784]; the file holds int64 [2, 784]");
  });

  test('a file that cannot be written is one line naming it, exit 1', async () => {
    const r = await cli('export', 'mlp', '-o', join(dir, 'no-such-folder', 'm.onnx'));
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `netloom export: ${join(dir, 'no-such-folder', 'm.onnx')}: cannot write (no such file or folder)`,
    );
  });

  test('a malformed ONNX file is a clear error', async () => {
    writeFileSync(join(dir, 'junk.onnx'), 'not a model');
    const r = await cli('run', join(dir, 'junk.onnx'), '--out', dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain('onnxruntime could not load the model');
  });
});

describe('the real bin', () => {
  test('usage mistakes exit 2 with one line and the usage, no stack trace', () => {
    const r = spawnSync(process.execPath, [bin, 'export', 'mlp'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'netloom export: missing -o model.onnx\nUsage: netloom export <project.json|template-name> -o model.onnx [--weights trained.safetensors] [--seed N]\n' +
        '       netloom export <project.json|template-name> --format pytorch -o DIR|package.zip [--weights trained.safetensors]\n',
    );
  });

  test('no command prints the commands on stderr and exits 2; --help prints them on stdout', () => {
    const none = spawnSync(process.execPath, [bin], { encoding: 'utf8' });
    expect(none.status).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^ {2}inspect {2,}per-layer table/m);
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toBe(none.stderr);
  });

  test('an unknown option is one short line and the usage', () => {
    const r = spawnSync(process.execPath, [bin, 'inspect', 'mlp', '--jsn'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "netloom inspect: unknown option '--jsn'\nUsage: netloom inspect <project.json|template-name> [--json]\n",
    );
  });

  test('npx-style run of templates prints one line per template', () => {
    const r = spawnSync(process.execPath, [bin, 'templates'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]),
    ).toEqual(templateNames());
  });
});

// The run history: `netloom train` on a project file keeps the run beside it (record, document,
// weights), a killed run stays readable and marked unfinished, `netloom runs` lists, compares,
// deletes, keeps the best N and moves a run between machines as one file.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compareRuns } from '../../src/experiments/compare.ts';
import { memoryRunFiles } from '../../src/experiments/run-files.ts';
import type { RunRecord } from '../../src/experiments/run-record.ts';
import { runScore } from '../../src/experiments/run-record.ts';
import { RunStore } from '../../src/experiments/run-store.ts';
import { decodeSafetensors } from '../../src/ir/weights-file.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { parseDocument } from '../../src/document/parse.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { runCli } from '../helpers/cli-io.ts';
import { requirePython } from '../helpers/references.ts';

const root = join(import.meta.dirname, '../..');
const playground = readFileSync(join(root, 'templates/playground.json'), 'utf8');

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netloom-runs-'));
  writeFileSync(join(dir, 'p.json'), playground);
  return dir;
}

function cli(dir: string, ...argv: string[]) {
  return runCli(dir, argv);
}

interface Listed {
  id: string;
  status?: string;
  bytes?: number;
  problem?: string;
  record?: RunRecord;
}

async function listed(dir: string): Promise<Listed[]> {
  const r = await cli(dir, 'runs', 'p.json', '--json');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as Listed[];
}

describe('netloom train records its run', () => {
  test('record, document copy and final weights land in p.runs/, and runs lists them', async () => {
    const dir = project();
    const t = await cli(dir, 'train', 'p.json', '--epochs', '3', '--save-weights', 'side.safetensors');
    expect(t.err).toBe('');
    expect(t.code).toBe(0);
    const runs = await listed(dir);
    expect(runs).toHaveLength(1);
    const r = runs[0]!.record!;
    expect(runs[0]!.status).toBe('finished');
    expect(r.finished).toBe(true);
    expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    // The epochs recorded are the ones the command printed.
    const printed = [...t.out.matchAll(/val_loss (\d\.\d{4})/g)].map((m) => Number(m[1]));
    expect(r.epochs.map((e) => Number(e.valLoss!.toFixed(4)))).toEqual(printed);
    expect(r.steps.length).toBe(3 * 15); // 480 training examples, batch 32: 15 steps an epoch
    expect(r.settings).toMatchObject({ lr: 0.03, batchSize: 32, seed: 0, epochs: 3 });
    expect(r.dataset).toBe('spirals');
    const doc = parseDocument(playground, 'p.json');
    expect(r.params).toBe(lowerDocument(doc).totals.params);
    // The document copy is the project as trained.
    const copy = JSON.parse(
      readFileSync(join(dir, 'p.runs/documents', `${r.documentHash}.json`), 'utf8'),
    ) as unknown;
    expect(copy).toEqual(doc);
    // The run's weights are the trained weights the --save-weights sidecar holds.
    const mine = decodeSafetensors(readFileSync(join(dir, 'p.runs', r.id, 'weights.safetensors')), 'run');
    const side = decodeSafetensors(readFileSync(join(dir, 'side.safetensors')), 'side');
    expect([...mine.keys()].sort()).toEqual([...side.keys()].sort());
    for (const [k, v] of side) expect(mine.get(k)!.data).toEqual(v.data);
    expect(runs[0]!.bytes).toBeGreaterThan(1000);
    const table = await cli(dir, 'runs', 'p.json');
    expect(table.out).toMatch(new RegExp(`${r.id} .* spirals +0\\.03 +32 +3 .*finished`));
    // The last epoch's picture (the decision boundary with the points) is kept as the app keeps it,
    // and libpng (through torchvision) reads it: both classes' points are on it.
    expect(r.files).toEqual(['weights.safetensors', 'picture.png']);
    const seen = JSON.parse(
      execFileSync(
        requirePython(['torchvision']),
        [
          '-c',
          'import sys, json, torchvision.io as io\n' +
            't = io.read_image(sys.argv[1])\n' +
            'px = {tuple(p) for p in t.permute(1, 2, 0).reshape(-1, 3).tolist()}\n' +
            'print(json.dumps({"shape": list(t.shape), "orange": (245, 147, 34) in px, "blue": (8, 119, 189) in px}))',
          join(dir, 'p.runs', r.id, 'picture.png'),
        ],
        { encoding: 'utf8' },
      ),
    ) as unknown;
    expect(seen).toEqual({ shape: [3, 288, 288], orange: true, blue: true });
  });

  test('--no-record keeps nothing; a template is recorded only with --runs', async () => {
    const dir = project();
    expect((await cli(dir, 'train', 'p.json', '--steps', '2', '--no-record')).code).toBe(0);
    expect(existsSync(join(dir, 'p.runs'))).toBe(false);
    expect((await cli(dir, 'train', 'playground', '--steps', '2')).code).toBe(0);
    expect(readdirSync(dir)).toEqual(['p.json']);
    expect((await cli(dir, 'train', 'playground', '--steps', '2', '--runs', 'p.runs')).code).toBe(0);
    expect((await listed(dir)).map((l) => l.record?.settings.steps)).toEqual([2]);
    const both = await cli(dir, 'train', 'p.json', '--steps', '2', '--no-record', '--runs', 'x');
    expect(both.code).toBe(2);
    expect(both.err).toContain('give --runs DIR or --no-record, not both');
  });

  test('a run killed mid-training stays readable, marked unfinished, with the epochs it finished', async () => {
    const dir = project();
    const child = spawn(
      process.execPath,
      [join(root, 'bin/netloom.mjs'), 'train', 'p.json', '--epochs', '100000'],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    // Kill it once it has printed a few epochs (each epoch's record is written before it prints).
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if ((out.match(/^epoch /gm) ?? []).length >= 3) {
          clearInterval(t);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(t);
        if ((out.match(/^epoch /gm) ?? []).length < 3) reject(new Error(`exited early: ${out}`));
      });
    });
    await new Promise((r) => child.on('close', r));
    const runs = await listed(dir);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('unfinished');
    expect(runs[0]!.record!.finished).toBe(false);
    expect(runs[0]!.record!.epochs.length).toBeGreaterThanOrEqual(2);
    expect(runs[0]!.record!.files).toEqual([]);
    // No temporary file was left looking like a run.
    const table = await cli(dir, 'runs', 'p.json');
    expect(table.out).toContain('unfinished');
    expect(table.out).not.toContain('unreadable');
  }, 60_000);
});

const doc = parseDocument(playground, 'p.json');

function withUnits(d: NetloomDocument, units: number): NetloomDocument {
  return {
    ...d,
    nodes: d.nodes.map((n) => (n.id === 'hidden1' ? { ...n, params: { ...n.params, units } } : n)),
  };
}

async function fakeRun(
  store: RunStore,
  d: NetloomDocument,
  valAccuracy: number,
  settings: Partial<RunRecord['settings']> = {},
) {
  const r = await store.start({
    document: d,
    source: 'app',
    dataset: 'spirals',
    backend: 'wasm',
    settings: {
      optimizer: 'adam',
      lr: 0.01,
      batchSize: 32,
      epochs: 1,
      seed: 0,
      validationSplit: 0.2,
      ...settings,
    },
  });
  await r.epoch({ epoch: 1, loss: 0.5, valLoss: 0.4, valAccuracy });
  await r.finish({ weights: new Uint8Array([1, 2, 3]) });
  return r.record;
}

describe('run store', () => {
  test('keep-best-N keeps the lowest validation error, deletes the rest and documents no run uses', async () => {
    const files = memoryRunFiles();
    const store = new RunStore(files);
    const a = await fakeRun(store, doc, 0.7);
    const b = await fakeRun(store, withUnits(doc, 4), 0.95);
    const c = await fakeRun(store, withUnits(doc, 8), 0.9);
    const running = await store.start({
      document: doc,
      source: 'app',
      dataset: 'spirals',
      backend: 'wasm',
      settings: a.settings,
    });
    expect(runScore(b)).toBeCloseTo(0.05);
    expect(await store.size(b.id)).toBeGreaterThan(3);
    const gone = await store.keepBest(1);
    expect(gone.sort()).toEqual([a.id, c.id].sort());
    expect((await store.list()).map((l) => l.id).sort()).toEqual([b.id, running.id].sort());
    // a's document is still the running run's (and b's base: b differs by one field, kept as a
    // diff); c's (units 8) has no run left.
    expect(await files.list('documents')).toEqual(
      [`${a.documentHash}.json`, `${b.documentHash}.diff.json`].sort(),
    );
  });

  test('export/import moves a run as one file; bad input is named, not crashed on', async () => {
    const store = new RunStore(memoryRunFiles());
    const r = await fakeRun(store, doc, 0.9);
    const bytes = await store.exportRun(r.id);
    const other = new RunStore(memoryRunFiles());
    const back = await other.importRun(bytes);
    expect(back.id).toBe(r.id);
    expect(await other.document(back)).toEqual(doc);
    expect(await other.weights(back)).toEqual(new Uint8Array([1, 2, 3]));
    // The same run imported again gets a new id instead of replacing the first.
    expect((await other.importRun(bytes)).id).toBe(`${r.id}-2`);
    await expect(
      other.importRun(new TextEncoder().encode('{"format":"netloom-run-bundle"}'), 'x.json'),
    ).rejects.toThrow(/x\.json: not a Netloom run file \(record: /);
    const evil = JSON.parse(new TextDecoder().decode(bytes)) as { record: { id: string } };
    evil.record.id = '../../etc';
    await expect(
      other.importRun(new TextEncoder().encode(JSON.stringify(evil)), 'evil.json'),
    ).rejects.toThrow(/evil\.json: not a Netloom run file \(record\.id: a run id is letters/);
  });

  test('a damaged run.json is listed with its path and reason; the other runs still list', async () => {
    const files = memoryRunFiles();
    const store = new RunStore(files);
    const good = await fakeRun(store, doc, 0.9);
    await files.write(
      '20260101-000000-aaaaaa/run.json',
      new TextEncoder().encode('{"format":"netloom-run", "ver'),
    );
    const l = await store.list();
    expect(l.find((x) => x.id === good.id)?.record?.finished).toBe(true);
    expect(l.find((x) => x.id === '20260101-000000-aaaaaa')?.problem).toMatch(
      /^20260101-000000-aaaaaa\/run\.json: not JSON/,
    );
  });
});

describe('compare', () => {
  test('lists differing settings and layers; a different seed is not comparable', async () => {
    const store = new RunStore(memoryRunFiles());
    const a = await fakeRun(store, doc, 0.9, { lr: 0.01 });
    const smaller = withUnits(doc, 8);
    const b = await fakeRun(
      store,
      { ...smaller, nodes: smaller.nodes.filter((n) => n.id !== 'tanh2') },
      0.9,
      { lr: 0.001 },
    );
    const c = compareRuns({ record: a, document: doc }, { record: b, document: await store.document(b) });
    expect(c.comparable).toBe(true);
    expect(c.settings).toEqual([{ field: 'lr', a: 0.01, b: 0.001 }]);
    expect(c.graph.changed).toEqual([
      { id: 'hidden1', kind: 'Dense', name: 'hidden1', fields: [{ field: 'units', a: '32', b: '8' }] },
    ]);
    expect(c.graph.removed.map((n) => n.id)).toEqual(['tanh2']);
    expect(c.graph.added).toEqual([]);
    const d = await fakeRun(store, doc, 0.9, { seed: 3 });
    const c2 = compareRuns({ record: a, document: doc }, { record: d, document: doc });
    expect(c2.comparable).toBe(false);
    expect(c2.reasons).toEqual(['not comparable: different seed (0 vs 3)']);
  });
});

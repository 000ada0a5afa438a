// The search: searchable parameters parse against the document (mistakes named), successive
// halving stays in its budget and trains the survivors longer, and `netloom search` — candidates
// trained in parallel `netloom train` processes — finds a smaller Playground network that still
// solves the spirals and a better learning rate than a deliberately bad one for LeNet-5.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseDocument } from '../../src/document/parse.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { Evaluation } from '../../src/experiments/search.ts';
import { paretoFront, runSearch } from '../../src/experiments/search.ts';
import { applyCandidate, parseSearchParam } from '../../src/experiments/search-space.ts';
import { runCli } from '../helpers/cli-io.ts';

const root = join(import.meta.dirname, '../..');
const read = (t: string) => parseDocument(readFileSync(join(root, 'templates', `${t}.json`), 'utf8'), t);

function cli(dir: string, ...argv: string[]) {
  return runCli(dir, argv);
}

function withTraining(doc: NetloomDocument, change: (t: Record<string, unknown>) => void): string {
  const training = structuredClone(doc.training!) as Record<string, unknown>;
  change(training);
  return JSON.stringify({ ...doc, training });
}

interface SearchJson {
  runsUsed: number;
  start: Evaluation;
  best: Evaluation;
  evaluations: (Evaluation & { pareto: boolean })[];
}

describe('searchable parameters', () => {
  const doc = read('playground');
  test('a layer field and a training setting apply to a copy of the document', () => {
    const ps = [parseSearchParam('hidden1.units=2..16', doc), parseSearchParam('lr=1e-4..1e-1:log', doc)];
    const d = applyCandidate(doc, ps, { 'hidden1.units': 4, lr: 0.05 });
    expect(d.nodes.find((n) => n.id === 'hidden1')!.params).toEqual({ units: 4 });
    expect((d.training as { objectives: { optimizer: { lr: number } }[] }).objectives[0]!.optimizer.lr).toBe(
      0.05,
    );
    expect(doc.nodes.find((n) => n.id === 'hidden1')!.params).toEqual({ units: 32 });
  });
  test('mistakes name the parameter and what is wrong', () => {
    expect(() => parseSearchParam('nope.units=1,2', doc)).toThrow(
      "searchable parameter 'nope.units=1,2': no node 'nope'",
    );
    expect(() => parseSearchParam('hidden1.size=1,2', doc)).toThrow(
      /has no field 'size' set \(fields: units\)/,
    );
    expect(() => parseSearchParam('lr=0..1:log', doc)).toThrow('a :log range must be above 0');
    expect(() => parseSearchParam('batchSize=8..2', doc)).toThrow('the range must go up (8..2)');
    expect(() => parseSearchParam('lr', doc)).toThrow('write it as name=values');
  });
});

describe('search strategies', () => {
  const doc = read('playground');
  test('successive halving stays within its budget, keeps the better half and trains it twice as long', async () => {
    const ps = [parseSearchParam('hidden1.units=1..64', doc)];
    const calls: { units: number; epochs: number }[] = [];
    // An outside rule for the score: more units and more epochs do better.
    const evaluate = (c: Record<string, number | string>, epochs: number, k: number): Promise<Evaluation> => {
      const units = Number(c['hidden1.units']);
      calls.push({ units, epochs });
      return Promise.resolve({
        candidate: c,
        epochs,
        score: 1 / (units * epochs),
        params: units,
        flops: units,
        runId: `r${k}`,
      });
    };
    const r = await runSearch(
      ps,
      { 'hidden1.units': 16 },
      { strategy: 'halving', budget: 12, epochs: 8, seed: 1 },
      evaluate,
      3,
    );
    expect(r.runsUsed).toBe(calls.length);
    expect(calls.length).toBeLessThanOrEqual(12);
    expect(calls[0]).toEqual({ units: 16, epochs: 8 });
    // 11 runs after the start: 5 candidates for 1 epoch, 3 for 2, 2 for 4, 1 for the full 8.
    const per = (e: number) =>
      calls
        .slice(1)
        .filter((c) => c.epochs === e)
        .map((c) => c.units);
    expect([1, 2, 4, 8].map((e) => per(e).length)).toEqual([5, 3, 2, 1]);
    // Survivors are the best of the rung before: the largest unit counts.
    const largest = (xs: number[], n: number) => [...xs].sort((a, b) => b - a).slice(0, n);
    expect([...per(2)].sort((a, b) => b - a)).toEqual(largest(per(1), 3));
    expect([...per(4)].sort((a, b) => b - a)).toEqual(largest(per(2), 2));
    expect(r.best.candidate['hidden1.units']).toBe(Math.max(...calls.map((c) => c.units)));
  });
  test('the Pareto front keeps what no other beats on error, parameters and FLOPs together', () => {
    const e = (score: number, params: number, runId: string): Evaluation => ({
      candidate: {},
      epochs: 1,
      score,
      params,
      flops: params,
      runId,
    });
    const front = paretoFront([
      e(0.1, 100, 'a'),
      e(0.2, 50, 'b'),
      e(0.2, 100, 'c'),
      e(0.05, 200, 'd'),
      e(Infinity, 1, 'f'),
    ]);
    expect(front.map((x) => x.runId)).toEqual(['a', 'b', 'd']);
  });
});

describe('netloom search', () => {
  test('finds a smaller Playground network that still solves the spirals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netloom-search-'));
    // The template's 32-32 tanh units, 150 epochs at lr 0.03, solve the spirals (seed 0).
    writeFileSync(
      join(dir, 'spirals.json'),
      withTraining(read('playground'), (t) => {
        t['epochs'] = 150;
        (t['objectives'] as { optimizer: { lr: number } }[])[0]!.optimizer.lr = 0.03;
      }),
    );
    const r = await cli(
      dir,
      'search',
      'spirals.json',
      '--budget',
      '3',
      '--strategy',
      'grid',
      '--space',
      'hidden1.units=4,8',
      '--space',
      'hidden2.units=4,8',
      '--max-error',
      '0.05',
      '--workers',
      '2',
      '--out',
      'small.json',
      '--json',
    );
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as SearchJson;
    expect(s.runsUsed).toBe(3);
    expect(s.start.score).toBeLessThanOrEqual(0.05);
    expect(s.best.params).toBeLessThan(s.start.params);
    expect(s.best.score).toBeLessThanOrEqual(0.05);
    // The written document is the one found: trained again on its own, it solves the spirals.
    const again = await cli(dir, 'train', 'small.json', '--json', '--no-record');
    expect(again.code).toBe(0);
    const last = JSON.parse(again.out.trim().split('\n').pop()!) as { valAccuracy: number };
    expect(last.valAccuracy).toBeGreaterThanOrEqual(0.95);
    // Every candidate is in the history, marked as the search's.
    const runs = JSON.parse((await cli(dir, 'runs', 'spirals.json', '--json')).out) as {
      record: { source: string; searchValues: object };
    }[];
    expect(runs.map((x) => x.record.source)).toEqual(['search', 'search', 'search']);
    // 159 s once at load ~20 on 2 cores (four 150-epoch trainings, two at a time).
  }, 300_000);

  test('finds a better learning rate than a deliberately bad start for LeNet-5', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netloom-search-'));
    writeFileSync(
      join(dir, 'lenet.json'),
      withTraining(read('lenet5'), (t) => {
        (t['objectives'] as { optimizer: { lr: number } }[])[0]!.optimizer.lr = 1e-5;
      }),
    );
    const r = await cli(
      dir,
      'search',
      'lenet.json',
      '--budget',
      '3',
      '--space',
      'lr=1e-3..1e-2:log',
      '--epochs',
      '2',
      '--limit',
      '600',
      '--workers',
      '2',
      '--json',
    );
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as SearchJson;
    expect(s.runsUsed).toBe(3);
    expect(s.start.candidate).toEqual({ lr: 1e-5 });
    expect(s.best.candidate['lr']).toBeGreaterThanOrEqual(1e-3);
    expect(s.best.score).toBeLessThan(s.start.score - 0.2);
  }, 180_000);
});

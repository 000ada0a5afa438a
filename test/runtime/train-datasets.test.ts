// Datasets and the training setup: CSV parsing with errors that name row and column, seeded
// splits and batches, the toy sets' shapes, and the `training` schema's messages.
import { describe, expect, test } from 'vitest';
import { parseTrainingSetup } from '../../src/autodiff/training-schema.ts';
import { lrAt } from '../../src/autodiff/schedules.ts';
import { parseCsv } from '../../src/runtime/datasets/csv.ts';
import { batchOf, epochBatches, trainValSplit } from '../../src/runtime/datasets/dataset.ts';
import { fitFeatures, toyByName } from '../../src/runtime/datasets/catalogue.ts';
import { toyNames } from '../../src/runtime/datasets/toy.ts';
import { Rng } from '../../src/util/random.ts';
import { mnistNode } from './mnist-data.ts';

describe('CSV', () => {
  test('numeric features, word labels become class indices in sorted order', () => {
    const d = parseCsv('a,b,species\n1,2,setosa\n3,4.5,versicolor\n"5",6,setosa\n');
    expect(d.task).toBe('classification');
    expect(d.classes).toBe(2);
    expect(Array.from(d.x)).toEqual([1, 2, 3, 4.5, 5, 6]);
    expect(Array.from(d.y)).toEqual([0, 1, 0]);
  });
  test('a fractional label column means regression; the label column can be named', () => {
    const d = parseCsv('y,x1,x2\n0.5,1,2\n1.25,3,4\n', { label: 'y' });
    expect(d.task).toBe('regression');
    expect(d.targetShape).toEqual([1]);
    expect(Array.from(d.y)).toEqual([0.5, 1.25]);
    expect(Array.from(d.x)).toEqual([1, 2, 3, 4]);
  });
  test('errors name the file, row and column', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', { path: 'f.csv' })).toThrow(
      'f.csv: row 3 has 1 columns; the header has 2',
    );
    expect(() => parseCsv('a,b,c\n1,x,0\n', { path: 'f.csv' })).toThrow(
      'f.csv: row 2, column "b": "x" is not a number',
    );
    expect(() => parseCsv('a,b\n1,2\n', { label: 'z' })).toThrow('there is no column "z" (columns: a, b)');
    expect(() => parseCsv('')).toThrow('the file is empty');
    expect(() => parseCsv('a,b\n1,\n')).toThrow('row 2, column "b": the label is empty');
  });
});

describe('splits and batches', () => {
  test('a seeded split is reproducible, disjoint and complete', () => {
    const d = toyByName('moons');
    const a = trainValSplit(d, 0.25, 7);
    const b = trainValSplit(d, 0.25, 7);
    expect(a.train.size + a.val.size).toBe(d.size);
    expect(a.val.size).toBe(150);
    expect(Array.from(a.val.x)).toEqual(Array.from(b.val.x));
    expect(Array.from(trainValSplit(d, 0.25, 8).val.x)).not.toEqual(Array.from(a.val.x));
  });
  test('training epochs drop the incomplete batch; evaluation keeps it', () => {
    expect(epochBatches(10, 4, new Rng(1), true).map((b) => b.length)).toEqual([4, 4]);
    expect(epochBatches(10, 4, undefined, false).map((b) => b.length)).toEqual([4, 4, 2]);
    const flat = epochBatches(10, 4, new Rng(1), false)
      .flat()
      .sort((x, y) => x - y);
    expect(flat).toEqual([...Array(10).keys()]);
  });
  test('classification batches carry int64 labels', () => {
    const b = batchOf(toyByName('blobs'), [0, 1, 2]);
    expect(b.x.shape).toEqual([3, 2]);
    expect(b.y.dtype).toBe('int64');
    expect(Array.from(b.y.data as BigInt64Array, Number)).toEqual([0, 1, 2]);
  });
  test('every toy set has points and labels that fit; features refit to an Input shape', () => {
    for (const n of toyNames) {
      const d = toyByName(n);
      expect(d.x.length).toBe(d.size * d.featureShape.reduce((p, v) => p * v, 1));
      expect(d.x.every(Number.isFinite)).toBe(true);
    }
    const m = mnistNode(5);
    expect(m.size).toBe(50);
    expect(fitFeatures(m, [784], 'image').featureShape).toEqual([784]);
    expect(() => fitFeatures(m, [100], 'image')).toThrow('Input "image" takes [100] (100)');
    expect(() => toyByName('iris')).toThrow('Unknown dataset "iris"');
  });
});

describe('training setup', () => {
  test('defaults fill in and errors carry the JSON path', () => {
    const s = parseTrainingSetup({ objectives: [{ loss: 'loss' }] });
    expect(s.batchSize).toBe(32);
    expect(s.objectives[0]!.optimizer.name).toBe('adam');
    expect(s.objectives[0]!.params).toBe('all');
    expect(() => parseTrainingSetup({ objectives: [] })).toThrow(/training\.objectives: /);
    expect(() => parseTrainingSetup({ objectives: [{ loss: 'l', optimizer: { name: 'lbfgs' } }] })).toThrow(
      /training\.objectives\[0\]\.optimizer\.name/,
    );
  });
  test('LR schedules: step, cosine and warm-up', () => {
    expect(lrAt({ kind: 'step', every: 10, gamma: 0.5 }, 1, 25, 100)).toBe(0.25);
    expect(lrAt({ kind: 'cosine' }, 1, 0, 11)).toBe(1);
    expect(lrAt({ kind: 'cosine' }, 1, 10, 11)).toBeCloseTo(0, 12);
    expect(lrAt({ kind: 'cosine', minLr: 0.1 }, 1, 5, 11)).toBeCloseTo(0.55, 12);
    expect(lrAt({ kind: 'warmup', steps: 4 }, 1, 1, 10)).toBe(0.5);
    expect(lrAt({ kind: 'warmup', steps: 4 }, 1, 7, 10)).toBe(1);
  });
});

describe('CSV values the model can use (issue 10)', () => {
  test('a number float32 cannot hold is refused with its row and column', () => {
    expect(() => parseCsv('x1,x2,label\n0.1,1e39,0\n', { path: 'f.csv' })).toThrow(
      'f.csv: row 2, column "x2": "1e39" is beyond what float32 holds (±3.4e38)',
    );
    expect(() => parseCsv('x,y\n1,-1e39\n2,0.5\n', { path: 'r.csv', task: 'regression' })).toThrow(
      'r.csv: row 2, column "y": "-1e39" is beyond what float32 holds (±3.4e38)',
    );
  });

  test('labels past the model’s classes are refused, naming the first row that has one', async () => {
    const { checkLabels } = await import('../../src/runtime/train-loop.ts');
    const rows = Array.from({ length: 10 }, (_, i) => `${i / 10},0.5,${i}`).join('\n');
    const d = parseCsv(`x1,x2,digit\n${rows}\n`, { path: 'ten.csv', name: 'ten' });
    const values = new Map([
      ['logits', { id: 'logits', shape: [1, 2], dtype: 'float32' as const }],
      ['label', { id: 'label', shape: [1], dtype: 'int64' as const }],
    ]);
    const model = {
      graph: { values, ops: [], inputs: [], outputs: [], weights: [], constants: new Map() },
      loss: 'loss',
      prediction: 'logits',
      features: 'x',
      targets: 'label',
    };
    expect(() => checkLabels(d, model)).toThrow(
      'ten.csv: row 4, column "digit": label "2": the data has 10 classes, the model predicts 2 — give its last layer 10 outputs',
    );
    // After a shuffle the place still names the file's row.
    const { train } = trainValSplit(d, 0.2, 1);
    expect(() => checkLabels(train, model)).toThrow(/ten\.csv: row \d+, column "digit": label "\d"/);
    const ok = parseCsv('x1,x2,label\n0,1,0\n1,0,1\n');
    expect(() => checkLabels(ok, model)).not.toThrow();
  });
});

// data.py reads data as Netloom does: the same validation split (a port of Netloom's seeded
// shuffle) and the same CSV rules (header, label column, classes or values).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseCsv } from '../../src/runtime/datasets/csv.ts';
import { trainValSplit } from '../../src/runtime/datasets/dataset.ts';
import { dataPy } from '../../src/pytorch/support-py.ts';
import { requirePython } from '../helpers/references.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-data-py-'));
writeFileSync(join(dir, 'data.py'), dataPy);

// data.py needs torch and NumPy; image folders need Pillow, which torchvision brings.
function py(script: string, images = false): unknown {
  const python = requirePython(images ? ['torch', 'numpy', 'torchvision'] : ['torch', 'numpy']);
  return JSON.parse(execFileSync(python, ['-c', script], { cwd: dir, encoding: 'utf8' }));
}

test("the validation split is Netloom's, example for example", () => {
  const cases = [
    [10_000, 0.2, 0],
    [600, 0.2, 7],
    [37, 0.1, -3],
    [5, 0.5, 123456789],
    [8, 0.3, 2 ** 33 + 5],
  ] as const;
  const got = py(
    `import json; from data import validation_split; print(json.dumps([validation_split(*c)[1] for c in ${JSON.stringify(cases)}]))`,
  ) as number[][];
  cases.forEach(([n, fraction, seed], k) => {
    // Examples whose feature is their own index: the held-out features are the held-out indices.
    const d = {
      name: 'ids',
      task: 'regression' as const,
      featureShape: [1],
      targetShape: [1],
      size: n,
      x: Float32Array.from({ length: n }, (_, i) => i),
      y: new Float32Array(n),
    };
    const { val } = trainValSplit(d, fraction, seed);
    expect(got[k], `n ${n}, fraction ${fraction}, seed ${seed}`).toEqual(Array.from(val.x));
  });
});

test('CSV files read as Netloom reads them', () => {
  const files: Record<string, string> = {
    'words.csv': 'x1,x2,species\n1,2,setosa\n"3",4.5,virginica\n\n5,6,setosa\n',
    'numbers.csv': '0.5,1,3\n1.5,2,1\n2.5,3,3\n',
    'values.csv': 'a,b,y\n1,2,0.5\n3,4,1.25\n',
  };
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  const got = py(
    `import json; from data import read_csv\n` +
      `out = {}\n` +
      `for f in ${JSON.stringify(Object.keys(files))}:\n` +
      `    d = read_csv(f)\n` +
      `    out[f] = {"x": d.x.flatten().tolist(), "y": d.y.flatten().tolist(), "task": d.task, "classes": d.classes}\n` +
      `print(json.dumps(out))`,
  ) as Record<string, { x: number[]; y: number[]; task: string; classes: number | null }>;
  for (const [f, text] of Object.entries(files)) {
    const d = parseCsv(text, { path: f });
    expect(got[f]!.x, f).toEqual(Array.from(d.x));
    expect(got[f]!.y, f).toEqual(Array.from(d.y));
    expect(got[f]!.task, f).toBe(d.task);
    expect(got[f]!.classes ?? undefined, f).toBe(d.classes);
  }
});

test('a folder of images per class: classes in name order, pixels as the Input takes them', () => {
  const got = py(
    [
      'import json, os, numpy as np',
      'from PIL import Image',
      'from data import load_dataset',
      'for k, c in enumerate(["cat", "ant"]):',
      '    os.makedirs(f"images/{c}", exist_ok=True)',
      '    for i in range(3):',
      '        Image.fromarray(np.full((4, 4), 10 * k + i, dtype=np.uint8)).save(f"images/{c}/{i}.png")',
      'Image.fromarray(np.zeros((8, 6, 3), dtype=np.uint8)).save("images/ant/big.png")',
      'gray = load_dataset("images", (1, 4, 4))',
      'rgb = load_dataset("images", (3, 2, 2))',
      'x, y = gray.batch(range(len(gray)))',
      'print(json.dumps({"n": len(gray), "classes": gray.classes, "shape": list(x.shape), "dtype": str(x.dtype),',
      '  "labels": y.tolist(), "firsts": x[:, 0, 0, 0].tolist(), "rgb": list(rgb[0][0].shape)}))',
    ].join('\n'),
    true,
  ) as Record<string, unknown>;
  // "ant" sorts before "cat": ant is class 0 (0.png … 2.png hold 10, 11, 12; big.png is resized), cat 1.
  expect(got).toEqual({
    n: 7,
    classes: 2,
    shape: [7, 1, 4, 4],
    dtype: 'torch.uint8',
    labels: [0, 0, 0, 0, 1, 1, 1],
    firsts: [10, 11, 12, 0, 0, 1, 2],
    rgb: [3, 2, 2],
  });
});

// Whether what must be linear is: the time for 100,000 nodes against 10,000 of the same (linear
// work gives ~10×, quadratic ~100×), for reading a project, `netloom inspect` (lowering + table),
// and the editor's canvas rebuild. The peer is the same pass at a tenth of the size, in the same run.
import { formatInspectTable, inspectDocument } from '../src/cli/inspect.ts';
import { parseDocument } from '../src/document/parse.ts';
import { lowerDocument } from '../src/compile/lower.ts';
import { FlowModel } from '../renderer/lib/flow-model.ts';
import { median, table, timesMs } from './stats.ts';

/** n unconnected nodes (the issue-10 case that took 17.9 s), in groups of 10 nested in pairs. */
function projectText(n: number): string {
  const groups = Array.from({ length: n / 10 }, (_, g) => ({
    id: `g${g}`,
    name: `block ${g}`,
    ...(g % 2 ? { parent: `g${g - 1}` } : {}),
  }));
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: `n${i}`,
    kind: i % 2 ? 'Dense' : 'Input',
    params: i % 2 ? { units: 4 } : { shape: [4] },
    group: `g${Math.floor(i / 10)}`,
  }));
  return JSON.stringify({ format: 'netloom', version: 1, nodes, edges: [], groups });
}

export async function run(): Promise<void> {
  const rows: string[][] = [['pass', '10,000 nodes ms', '100,000 nodes ms', 'ratio (linear ≈ 10)']];
  const passes: [string, (text: string) => void][] = [
    ['read the project (JSON, schema)', (t) => parseDocument(t)],
    [
      'netloom inspect (lower + table)',
      (t) => {
        const doc = parseDocument(t);
        formatInspectTable(inspectDocument(doc, lowerDocument(doc)));
      },
    ],
    [
      'canvas build (a new flow model)',
      (t) => {
        const doc = parseDocument(t);
        new FlowModel(() => undefined).update(doc, lowerDocument(doc), []);
      },
    ],
  ];
  const small = projectText(10_000);
  const large = projectText(100_000);
  for (const [name, pass] of passes) {
    const a = median(await timesMs(() => pass(small), 3, 1));
    const b = median(await timesMs(() => pass(large), 3, 1));
    rows.push([name, a.toFixed(0), b.toFixed(0), (b / a).toFixed(1)]);
  }
  table(rows);
}

// `netloom runs`: the history of a project's runs (src/experiments) — list them with their final
// numbers and size, compare two, delete, keep the best N, export one as a file or import one.
import { resolve } from 'node:path';
import { compareRuns, formatComparison } from '../experiments/compare.ts';
import { nodeRunFiles, runsFolderFor } from '../experiments/node-run-files.ts';
import type { RunRecord } from '../experiments/run-record.ts';
import { finalEpoch, runScore } from '../experiments/run-record.ts';
import { RunStore } from '../experiments/run-store.ts';
import { intOption, parse } from './args.ts';
import type { Command } from './command.ts';
import { UsageError } from './io.ts';
import { textTable } from './text-table.ts';

const pct = (v: number | undefined) => (v === undefined ? '–' : `${(100 * v).toFixed(1)}%`);
const num = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(4));

export function formatSize(bytes: number): string {
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${bytes} B`;
}

function status(r: RunRecord): string {
  if (r.finished) return r.stopped ? 'stopped' : 'finished';
  return r.error ? 'failed' : 'unfinished';
}

export const runsCommand: Command = {
  name: 'runs',
  summary: "list, compare, delete, export or import a project's training runs",
  usage:
    'netloom runs <project.json> [--runs DIR] [--json]\n' +
    '    [--compare ID ID] [--delete ID[,ID…]] [--keep-best N] [--export ID -o run.json] [--import run.json]',
  async run(args, io) {
    const { values, positionals } = parse(args, {
      runs: { type: 'string' },
      json: { type: 'boolean' },
      compare: { type: 'string', multiple: true },
      delete: { type: 'string' },
      'keep-best': { type: 'string' },
      export: { type: 'string' },
      import: { type: 'string' },
      out: { type: 'string', short: 'o' },
    });
    if (positionals.length > 1) throw new UsageError(`expected one project; got ${positionals.join(' ')}`);
    const project = positionals[0];
    const folder = values.runs ?? (project !== undefined ? runsFolderFor(project) : undefined);
    if (folder === undefined) throw new UsageError('missing the project file (or --runs DIR)');
    const store = new RunStore(nodeRunFiles(resolve(io.cwd, folder)));

    if (values.compare) {
      if (values.compare.length !== 2)
        throw new UsageError('--compare takes two run ids: --compare A --compare B');
      const [a, b] = await Promise.all(
        values.compare.map(async (id) => {
          const record = await store.read(id);
          return { record, document: await store.document(record) };
        }),
      );
      const c = compareRuns(a!, b!);
      if (values.json) io.out(JSON.stringify(c));
      else for (const l of formatComparison(c, a!.record.id, b!.record.id)) io.out(l);
      return 0;
    }
    if (values.delete !== undefined) {
      const ids = values.delete.split(',').filter((s) => s !== '');
      for (const id of ids) await store.read(id);
      await store.delete(ids);
      io.out(`deleted ${ids.length} run${ids.length === 1 ? '' : 's'} from ${folder}`);
      return 0;
    }
    if (values['keep-best'] !== undefined) {
      const n = intOption(values['keep-best'], 'keep-best', 0)!;
      const gone = await store.keepBest(n);
      io.out(
        `kept the best ${n} finished runs; deleted ${gone.length}${gone.length ? `: ${gone.join(', ')}` : ''}`,
      );
      return 0;
    }
    if (values.export !== undefined) {
      if (!values.out) throw new UsageError('--export needs -o run-file.json');
      await io.writeFile(values.out, await store.exportRun(values.export));
      io.out(`${values.out}: run ${values.export} (record, document and weights in one file)`);
      return 0;
    }
    if (values.import !== undefined) {
      const r = await store.importRun(io.readFile(values.import), values.import);
      io.out(`imported run ${r.id} into ${folder}`);
      return 0;
    }

    const listed = await store.list();
    const sizes = await Promise.all(listed.map((l) => store.size(l.id)));
    if (values.json) {
      io.out(
        JSON.stringify(
          listed.map((l, k) =>
            l.record
              ? {
                  id: l.id,
                  status: status(l.record),
                  score: runScore(l.record),
                  bytes: sizes[k],
                  record: l.record,
                }
              : { id: l.id, problem: l.problem },
          ),
        ),
      );
      return 0;
    }
    if (listed.length === 0) {
      io.out(`${folder}: no runs yet (netloom train ${project ?? '<project.json>'} records one)`);
      return 0;
    }
    const rows: string[][] = [
      [
        'id',
        'date',
        'dataset',
        'lr',
        'batch',
        'epochs',
        'loss',
        'val_loss',
        'val_acc',
        'time',
        'backend',
        'status',
        'size',
      ],
    ];
    for (const [k, l] of listed.entries()) {
      if (!l.record) {
        rows.push([
          l.id,
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          `unreadable: ${l.problem}`,
          formatSize(sizes[k]!),
        ]);
        continue;
      }
      const r = l.record;
      const e = finalEpoch(r);
      rows.push([
        r.id,
        r.startedAt.slice(0, 16).replace('T', ' '),
        r.dataset,
        String(r.settings.lr),
        String(r.settings.batchSize),
        String(r.epochs.length),
        num(e?.loss),
        num(e?.valLoss),
        pct(e?.valAccuracy),
        `${r.durationSeconds.toFixed(1)} s`,
        r.backend,
        status(r),
        formatSize(sizes[k]!),
      ]);
    }
    for (const l of textTable(rows)) io.out(l);
    const total = sizes.reduce((s, n) => s + n, 0);
    io.out(
      `${listed.length} run${listed.length === 1 ? '' : 's'} in ${folder}, ${formatSize(total)} (documents apart)`,
    );
    return 0;
  },
};

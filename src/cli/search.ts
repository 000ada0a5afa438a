// `netloom search`: trains the project as it is, then candidates of its searchable parameters,
// each in a worker thread of this process (`netloom train`, recorded as a run), `--workers` at a time; prints
// validation error against parameters and FLOPs with the Pareto front marked, and the best found
// against the start.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lowerDocument } from '../compile/lower.ts';
import { hasErrors } from '../compile/diagnostics.ts';
import type { NetloomDocument } from '../document/schema.ts';
import { nodeRunFiles, runsFolderFor } from '../experiments/node-run-files.ts';
import { runScore } from '../experiments/run-record.ts';
import { RunStore } from '../experiments/run-store.ts';
import type { Evaluation, SearchStrategy } from '../experiments/search.ts';
import { runSearch, searchStrategies } from '../experiments/search.ts';
import type { Candidate, SearchParam } from '../experiments/search-space.ts';
import { applyCandidate, currentValue, parseSearchParam } from '../experiments/search-space.ts';
import { documentTrainingSetup } from '../compile/training-setup.ts';
import { loadTemplate } from '../templates/catalogue.ts';
import { intOption, oneFile, parse } from './args.ts';
import type { Command } from './command.ts';
import { UsageError } from './io.ts';
import { loadProject } from './project.ts';
import { humanCount, textTable } from './text-table.ts';
import { trainInThread } from './train-threads.ts';

const describe = (params: readonly SearchParam[], c: Candidate) =>
  params.map((p) => `${p.name} ${c[p.name]}`).join(', ');

export const searchCommand: Command = {
  name: 'search',
  summary: 'search learning rate, batch size or layer fields for a better or smaller network',
  usage:
    'netloom search <project.json|template-name> --budget N --space name=values [--space …]\n' +
    `    [--strategy ${searchStrategies.join('|')}] [--epochs N] [--dataset NAME] [--limit N] [--seed N]\n` +
    '    [--workers N] [--max-error X] [--runs DIR] [--out best.json] [--json]\n' +
    '  name: lr, batchSize, epochs or node.field (hidden1.units); values: a,b,c or lo..hi or lo..hi:log',
  async run(args, io) {
    const { values, positionals } = parse(args, {
      budget: { type: 'string' },
      space: { type: 'string', multiple: true },
      strategy: { type: 'string' },
      epochs: { type: 'string' },
      dataset: { type: 'string' },
      limit: { type: 'string' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      'max-error': { type: 'string' },
      runs: { type: 'string' },
      out: { type: 'string', short: 'o' },
      json: { type: 'boolean' },
    });
    const projectArg = oneFile(positionals, 'project file or template name');
    const doc = loadProject(io, projectArg);
    const budget = intOption(values.budget, 'budget', 1);
    if (budget === undefined)
      throw new UsageError('missing --budget N (training runs in all, the start included)');
    if (!values.space?.length) throw new UsageError('give at least one --space name=values');
    const params = values.space.map((s) => parseSearchParam(s, doc));
    const strategy = (values.strategy ?? 'random') as SearchStrategy;
    if (!searchStrategies.includes(strategy))
      throw new UsageError(
        `--strategy must be one of ${searchStrategies.join(', ')}; got '${values.strategy}'`,
      );
    const setup = documentTrainingSetup(doc);
    const epochs = intOption(values.epochs, 'epochs', 1) ?? setup.epochs;
    if (params.some((p) => p.name === 'epochs') && (strategy === 'halving' || values.epochs !== undefined))
      throw new UsageError('epochs is searched: give neither --epochs nor --strategy halving');
    const seed = intOption(values.seed, 'seed') ?? setup.seed;
    const limit = intOption(values.limit, 'limit', 2);
    const workers = intOption(values.workers, 'workers', 1) ?? availableParallelism();
    const maxErrorText = values['max-error'];
    const maxError = maxErrorText === undefined ? undefined : Number(maxErrorText);
    if (maxError !== undefined && !(maxError >= 0))
      throw new UsageError(`--max-error must be a number ≥ 0; got '${maxErrorText}'`);
    const folder =
      values.runs ?? (loadTemplate(projectArg) ? `${projectArg}.runs` : runsFolderFor(projectArg));
    const store = new RunStore(nodeRunFiles(resolve(io.cwd, folder)));
    const searchId = `search-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
    const start: Candidate = Object.fromEntries(params.map((p) => [p.name, currentValue(p, doc) ?? '']));
    const work = mkdtempSync(join(tmpdir(), 'netloom-search-'));
    const docs = new Map<number, NetloomDocument>();
    const say = (l: string) => (values.json ? io.err(l) : io.out(l));
    say(
      `search ${doc.name}: ${strategy}, budget ${budget} runs, ${workers} worker${workers === 1 ? '' : 's'}, ${epochs} epochs a full run; runs in ${folder}`,
    );

    const evaluate = async (c: Candidate, runEpochs: number, k: number): Promise<Evaluation> => {
      const candidate = applyCandidate(doc, params, c);
      docs.set(k, candidate);
      const runId = `${searchId}-${k}`;
      const lowered = lowerDocument(candidate);
      const base = {
        candidate: c,
        epochs: runEpochs,
        params: lowered.totals.params,
        flops: lowered.totals.flops,
        runId,
      };
      if (hasErrors(lowered)) {
        const d = lowered.diagnostics.find((x) => x.severity === 'error')!;
        return { ...base, score: Infinity, error: `${d.node ?? 'graph'}: ${d.message}` };
      }
      const path = join(work, `candidate-${k}.json`);
      writeFileSync(path, JSON.stringify(candidate));
      const child = await trainInThread(
        [
          path,
          '--json',
          '--runs',
          resolve(io.cwd, folder),
          '--run-id',
          runId,
          ...(c['epochs'] === undefined ? ['--epochs', String(runEpochs)] : []),
          '--seed',
          String(seed),
          ...(values.dataset ? ['--dataset', values.dataset] : []),
          ...(limit !== undefined ? ['--limit', String(limit)] : []),
        ],
        io.cwd,
      );
      if (child.code !== 0) {
        const why = child.stderr.trim().split('\n').pop() ?? `exit ${child.code}`;
        return { ...base, score: Infinity, error: why };
      }
      const record = await store.read(runId);
      await store.writeRecord({ ...record, source: 'search', searchValues: { ...c }, note: searchId });
      return {
        ...base,
        score: runScore(record),
        params: record.params ?? base.params,
        flops: record.flops ?? base.flops,
      };
    };

    let result;
    try {
      result = await runSearch(
        params,
        start,
        { strategy, budget, epochs, seed, ...(maxError !== undefined ? { maxError } : {}) },
        evaluate,
        workers,
        (e) => {
          if (!values.json)
            io.out(
              `  ${e.runId}: ${describe(params, e.candidate)}, ${e.epochs} epochs → ${e.error ? `failed: ${e.error}` : `val error ${e.score.toFixed(4)}`}`,
            );
        },
      );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    const front = new Set(result.front);
    if (values.json) {
      io.out(
        JSON.stringify({
          runsUsed: result.runsUsed,
          start: result.start,
          best: result.best,
          evaluations: result.evaluations.map((e) => ({
            ...e,
            score: Number.isFinite(e.score) ? e.score : null,
            pareto: front.has(e),
          })),
        }),
      );
    } else {
      const rows: string[][] = [
        ['run', ...params.map((p) => p.name), 'epochs', 'params', 'FLOPs', 'val_error', 'Pareto'],
      ];
      for (const e of result.evaluations) {
        rows.push([
          e.runId.slice(searchId.length + 1) +
            (e === result.start ? ' (start)' : e === result.best ? ' (best)' : ''),
          ...params.map((p) => String(e.candidate[p.name])),
          String(e.epochs),
          humanCount(e.params, 1e4),
          humanCount(e.flops, 1e4),
          Number.isFinite(e.score) ? e.score.toFixed(4) : 'failed',
          front.has(e) ? '*' : '',
        ]);
      }
      for (const l of textTable(rows)) io.out(l);
      io.out(`${result.runsUsed} runs used of a budget of ${budget} (search ${searchId}).`);
      io.out(
        `start: ${describe(params, result.start.candidate)} → val error ${result.start.score.toFixed(4)}, ${humanCount(result.start.params, 1e4)} params`,
      );
      io.out(
        `best${maxError !== undefined ? ` (fewest params with val error ≤ ${maxError})` : ''}: ${describe(params, result.best.candidate)} → val error ${result.best.score.toFixed(4)}, ${humanCount(result.best.params, 1e4)} params`,
      );
    }
    if (values.out) {
      const k = result.evaluations.indexOf(result.best);
      await io.writeFile(values.out, JSON.stringify(docs.get(k) ?? doc, null, 2) + '\n');
      if (!values.json) io.out(`${values.out}: the best document`);
    }
    return 0;
  },
};

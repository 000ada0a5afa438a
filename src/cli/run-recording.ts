// How `netloom train` keeps its run in the history (src/experiments): beside a project file in
// `<project>.runs/`, or in --runs DIR (a template has no file to sit beside, so it is recorded only
// when given --runs). Recording never costs the training: a runs folder that cannot be written is
// reported once on stderr and the run goes on unrecorded.
import { resolve } from 'node:path';
import type { NetloomDocument } from '../document/schema.ts';
import { lowerDocument } from '../compile/lower.ts';
import { nodeRunFiles, runsFolderFor } from '../experiments/node-run-files.ts';
import type { RunSettings } from '../experiments/run-record.ts';
import type { RunRecorder } from '../experiments/run-store.ts';
import { RunStore } from '../experiments/run-store.ts';
import type { EpochReport, StepReport } from '../runtime/worker-protocol.ts';
import { loadTemplate } from '../templates/catalogue.ts';
import { UsageError } from './io.ts';
import type { CliIO } from './io.ts';

export interface CliRunOptions {
  readonly projectArg: string;
  readonly doc: NetloomDocument;
  readonly runs: string | undefined;
  readonly noRecord: boolean;
  readonly runId: string | undefined;
  readonly dataset: string;
  readonly settings: RunSettings;
  readonly quiet: boolean;
}

/** The runs folder a `train` call records into, or undefined when it records nothing. */
export function cliRunsFolder(
  projectArg: string,
  runs: string | undefined,
  noRecord: boolean,
): string | undefined {
  if (noRecord) {
    if (runs !== undefined) throw new UsageError('give --runs DIR or --no-record, not both');
    return undefined;
  }
  if (runs !== undefined) return runs;
  return loadTemplate(projectArg) ? undefined : runsFolderFor(projectArg);
}

export interface CliRun {
  step(r: StepReport): void;
  epoch(e: EpochReport): Promise<void>;
  around<T>(train: () => Promise<T>): Promise<T>;
  /** `pictures`: the last epoch's picture files (picture.png, filters.png); a failure to draw them loses only them. */
  finish(
    result: { stopped: boolean },
    weights: () => Uint8Array,
    pictures?: () => Promise<Record<string, Uint8Array>>,
  ): Promise<void>;
}

const nothing: CliRun = {
  step: () => undefined,
  epoch: () => Promise.resolve(),
  around: (train) => train(),
  finish: () => Promise.resolve(),
};

export async function startCliRun(io: CliIO, o: CliRunOptions): Promise<CliRun> {
  const folder = cliRunsFolder(o.projectArg, o.runs, o.noRecord);
  if (folder === undefined) return nothing;
  let recorder: RunRecorder | undefined;
  let warned = false;
  const lost = (e: unknown) => {
    recorder = undefined;
    if (warned) return;
    warned = true;
    const why = (e as { code?: unknown }).code ?? (e instanceof Error ? e.message : String(e));
    io.err(`warning: ${folder}: cannot record this run (${String(why)}); training goes on`);
  };
  const totals = lowerDocument(o.doc).totals;
  try {
    recorder = await new RunStore(nodeRunFiles(resolve(io.cwd, folder))).start({
      document: o.doc,
      source: 'cli',
      dataset: o.dataset,
      backend: 'wasm (node)',
      settings: o.settings,
      params: totals.params,
      flops: totals.flops,
      ...(o.runId !== undefined ? { id: o.runId } : {}),
    });
  } catch (e) {
    if (o.runId !== undefined && e instanceof Error && /run id|exists already/.test(e.message))
      throw new UsageError(`--run-id: ${e.message.split('\n')[0]}`);
    lost(e);
    return nothing;
  }
  if (!o.quiet) io.out(`recording run ${recorder.id} in ${folder}`);
  let pending: Promise<void> = Promise.resolve();
  return {
    step: (r) => {
      recorder?.step({ step: r.step, loss: r.loss });
    },
    epoch: (e) => {
      const r = recorder;
      if (!r) return Promise.resolve();
      pending = r
        .epoch({
          epoch: e.epoch,
          loss: e.loss,
          ...(e.accuracy !== undefined ? { accuracy: e.accuracy } : {}),
          ...(e.valLoss !== undefined ? { valLoss: e.valLoss } : {}),
          ...(e.valAccuracy !== undefined ? { valAccuracy: e.valAccuracy } : {}),
        })
        .catch(lost);
      return pending;
    },
    async around(train) {
      try {
        return await train();
      } catch (e) {
        await pending;
        await recorder?.fail(e instanceof Error ? e.message : String(e)).catch(lost);
        throw e;
      }
    },
    async finish(result, weights, pictures) {
      await pending;
      if (!recorder) return;
      let extra: Record<string, Uint8Array> = {};
      try {
        extra = (await pictures?.()) ?? {};
      } catch (e) {
        io.err(
          `warning: the run's pictures could not be drawn (${e instanceof Error ? e.message : String(e)})`,
        );
      }
      await recorder.finish({ weights: weights(), stopped: result.stopped, extra }).catch(lost);
    },
  };
}

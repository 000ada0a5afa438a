// `netloom train`: trains a project or template on a dataset in onnxruntime-web (WASM), printing
// per-epoch loss and metrics, and writes the trained model as ONNX.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { optimizerNames } from '../autodiff/optimizers.ts';
import type { OptimizerName } from '../autodiff/optimizers.ts';
import { exportDocument } from '../onnx/from-document.ts';
import { prepareDocumentTraining } from '../runtime/document-training.ts';
import { documentTrainingSetup } from '../compile/training-setup.ts';
import type { Dataset } from '../runtime/datasets/dataset.ts';
import { subset, trainValSplit } from '../runtime/datasets/dataset.ts';
import {
  fitClasses,
  fitFeatures,
  isImageSetName,
  isToyName,
  toyByName,
} from '../runtime/datasets/catalogue.ts';
import { describeBadImages } from '../runtime/datasets/image-folder.ts';
import { imageAugmenter } from '../runtime/datasets/images.ts';
import { isTextSetName } from '../runtime/datasets/text.ts';
import { isFolder, loadImageFolder } from './image-folder.ts';
import { parseCsv } from '../runtime/datasets/csv.ts';
import { mnistFromDigits } from '../runtime/datasets/mnist.ts';
import type { EpochReport } from '../runtime/worker-protocol.ts';
import { checkLabels, train } from '../runtime/train-loop.ts';
import { intOption, oneFile, parse } from './args.ts';
import type { Command } from './command.ts';
import type { CliIO } from './io.ts';
import { UsageError } from './io.ts';
import { loadProject, loadWeightsFile } from './project.ts';
import { weightsFileBytes } from '../ir/weights-file.ts';
import { lowerDocument } from '../compile/lower.ts';
import { startCliRun } from './run-recording.ts';
import { trainingPictures } from '../runtime/training-pictures.ts';
import { picturePngFiles } from '../runtime/picture-png.ts';

// The digits' JSON (41 MB) is parsed once per process: a test runs several commands in one.
let mnistDigits: number[][] | undefined;

function nodeMnist(normalize: boolean): Dataset {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  mnistDigits ??= Array.from(
    { length: 10 },
    (_, d) => (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data,
  );
  return mnistFromDigits(mnistDigits, undefined, normalize);
}

/**
 * A dataset by name: a CSV file, a folder of images (one sub-folder per class, fitted to `shape`),
 * MNIST, or a set made from code. Unusable images are reported on `io.err`, one line.
 */
export async function loadDataset(
  io: CliIO,
  name: string,
  seed: number,
  normalize: boolean,
  shape: readonly number[],
  say: (line: string) => void = (l) => io.out(l),
): Promise<Dataset> {
  if (/\.csv$/i.test(name))
    return parseCsv(new TextDecoder().decode(io.readFile(name)), { path: name, name });
  if (name === 'mnist') return nodeMnist(normalize);
  if (!isImageSetName(name) && !isToyName(name) && !isTextSetName(name) && isFolder(io, name)) {
    const folder = await loadImageFolder(io, name, shape, normalize);
    const names = folder.dataset.classNames ?? [];
    say(
      `${name}: ${folder.dataset.size} images in ${names.length} classes (${names.map((n, k) => `${n} ${folder.counts[k]}`).join(', ')})`,
    );
    if (folder.bad.length) io.err(`${name}: ${describeBadImages(folder.bad)}`);
    return folder.dataset;
  }
  return toyByName(name, seed + 1, normalize);
}

function floatOption(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number; got '${v}'`);
  return n;
}

function bar(done: number, total: number, width = 20): string {
  const k = Math.round((done / Math.max(1, total)) * width);
  return '█'.repeat(k) + '░'.repeat(width - k);
}

function formatEpoch(e: EpochReport, total: number | undefined): string {
  const parts = [
    `epoch ${e.epoch}${total ? `/${total}` : ''}`,
    total ? bar(e.epoch, total) : '',
    // Alternating objectives (a GAN) each have their own loss.
    Object.keys(e.losses).length > 1
      ? Object.entries(e.losses)
          .map(([name, v]) => `${name} loss ${v.toFixed(4)}`)
          .join('  ')
      : `loss ${e.loss.toFixed(4)}`,
    e.accuracy !== undefined ? `acc ${(100 * e.accuracy).toFixed(1)}%` : '',
    e.valLoss !== undefined ? `val_loss ${e.valLoss.toFixed(4)}` : '',
    e.valAccuracy !== undefined ? `val_acc ${(100 * e.valAccuracy).toFixed(1)}%` : '',
    // A slow rate reads as seconds per step, never "0 steps/s".
    e.stepsPerSecond >= 1 || e.stepsPerSecond <= 0
      ? `${e.stepsPerSecond.toFixed(0)} steps/s`
      : `${(1 / e.stepsPerSecond).toFixed(1)} s/step`,
  ];
  return parts.filter((p) => p !== '').join('  ');
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a project or template on a dataset and write the trained model',
  usage:
    'netloom train <project.json|template-name> [--dataset NAME|file.csv|folder] [--epochs N|--steps N] [--batch N]\n' +
    `    [--optimizer ${optimizerNames.join('|')}] [--lr X] [--seed N] [--out trained.onnx] [--json]\n` +
    '    [--weights start.safetensors] [--save-weights trained.safetensors] [--limit N]\n' +
    '    [--flip] [--crop-padding N] [--no-augment]\n' +
    "    [--runs DIR] [--no-record] [--run-id ID]   (a project file's runs are kept in <project>.runs/)",
  async run(args, io) {
    const { values, positionals } = parse(args, {
      dataset: { type: 'string' },
      epochs: { type: 'string' },
      steps: { type: 'string' },
      batch: { type: 'string' },
      optimizer: { type: 'string' },
      lr: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string', short: 'o' },
      json: { type: 'boolean' },
      weights: { type: 'string' },
      'save-weights': { type: 'string' },
      limit: { type: 'string' },
      flip: { type: 'boolean' },
      'crop-padding': { type: 'string' },
      'no-augment': { type: 'boolean' },
      runs: { type: 'string' },
      'no-record': { type: 'boolean' },
      'run-id': { type: 'string' },
    });
    const projectArg = oneFile(positionals, 'project file or template name');
    const doc = loadProject(io, projectArg);
    const setup = documentTrainingSetup(doc);
    const seed = intOption(values.seed, 'seed') ?? setup.seed;
    const batchSize = intOption(values.batch, 'batch', 1) ?? setup.batchSize;
    const steps = intOption(values.steps, 'steps', 1);
    const epochs = intOption(values.epochs, 'epochs', 1) ?? setup.epochs;
    if (values.epochs !== undefined && steps !== undefined)
      throw new UsageError('give --epochs or --steps, not both');
    const opt = values.optimizer;
    if (opt !== undefined && !(optimizerNames as readonly string[]).includes(opt)) {
      throw new UsageError(`--optimizer must be one of ${optimizerNames.join(', ')}; got '${opt}'`);
    }
    const lr = floatOption(values.lr, 'lr');
    const datasetName = values.dataset ?? setup.dataset;
    if (!datasetName)
      throw new UsageError('the project names no dataset: give --dataset NAME, file.csv or an image folder');
    const limit = intOption(values.limit, 'limit', 2);
    const cropPadding = intOption(values['crop-padding'], 'crop-padding', 0);
    if (values['no-augment'] && (values.flip || cropPadding !== undefined))
      throw new UsageError('give --no-augment or --flip/--crop-padding, not both');
    const augmentSetup = values['no-augment']
      ? undefined
      : values.flip || cropPadding !== undefined
        ? { flip: values.flip ?? false, cropPadding: cropPadding ?? 0 }
        : setup.augment;

    const start = values.weights
      ? loadWeightsFile(io, values.weights, lowerDocument(doc).graph.weights)
      : undefined;
    const prepared = prepareDocumentTraining(doc, setup, {
      batchSize,
      seed,
      ...(start ? { weights: start } : {}),
      optimizer: { ...(opt ? { name: opt as OptimizerName } : {}), ...(lr !== undefined ? { lr } : {}) },
    });
    const model = prepared.objectives[0]!.model;
    const input = model.graph.values.get(model.features)!;
    const loaded = fitFeatures(
      await loadDataset(io, datasetName, seed, setup.normalizeInputs, input.shape.slice(1), (l) =>
        values.json ? io.err(l) : io.out(l),
      ),
      input.shape.slice(1),
      model.features,
    );
    // --limit: the first N examples (the built-in sets interleave their classes, so any prefix is balanced).
    const data = fitClasses(
      limit !== undefined && limit < loaded.size
        ? subset(
            loaded,
            Array.from({ length: limit }, (_, i) => i),
          )
        : loaded,
      model,
    );
    // Before anything runs, and in file order: the first label the model cannot take.
    checkLabels(data, model);
    const augment = imageAugmenter(augmentSetup, data);
    const { train: tr, val } = trainValSplit(
      data,
      setup.validationSplit > 0 ? setup.validationSplit : 0.2,
      seed,
    );
    if (!values.json) {
      io.out(
        `training ${doc.name} on ${data.name}: ${tr.size} train / ${val.size} validation examples, batch ${batchSize}, ` +
          `${prepared.objectives.map((o) => `${o.name}: ${o.optimizer.name ?? 'adam'} lr ${o.optimizer.lr ?? 1e-3}`).join('; ')}` +
          (augment
            ? `; augment: ${[augmentSetup?.flip ? 'flip' : '', augmentSetup?.cropPadding ? `crop padding ${augmentSetup.cropPadding}` : ''].filter((t) => t).join(', ')}`
            : ''),
      );
    }
    const recorder = await startCliRun(io, {
      projectArg,
      doc,
      runs: values.runs,
      noRecord: values['no-record'] === true,
      runId: values['run-id'],
      dataset: data.name,
      settings: {
        optimizer: prepared.objectives[0]!.optimizer.name ?? 'adam',
        lr: prepared.objectives[0]!.optimizer.lr ?? 1e-3,
        batchSize,
        ...(steps !== undefined ? { steps } : { epochs }),
        seed,
        validationSplit: setup.validationSplit > 0 ? setup.validationSplit : 0.2,
        examples: data.size,
        ...(augment && augmentSetup
          ? { augment: `${augmentSetup.flip ? 'flip ' : ''}crop ${augmentSetup.cropPadding}` }
          : {}),
      },
      quiet: values.json === true,
    });
    const result = await recorder.around(() =>
      train({
        ...prepared,
        train: tr,
        val,
        batchSize,
        ...(steps !== undefined ? { steps } : { epochs }),
        seed,
        ...(setup.schedule ? { schedule: setup.schedule } : {}),
        ...(augment ? { augment } : {}),
        onStep: (r) => recorder.step(r),
        // Awaited by the loop: an epoch is on disk before the next one starts.
        afterEpoch: (e) => recorder.epoch(e),
        onEpoch: (e) => {
          if (values.json) {
            io.out(
              JSON.stringify({
                epoch: e.epoch,
                loss: e.loss,
                valLoss: e.valLoss ?? null,
                valAccuracy: e.valAccuracy ?? null,
                stepsPerSecond: e.stepsPerSecond,
              }),
            );
          } else io.out(formatEpoch(e, steps === undefined ? epochs : undefined));
        },
      }),
    );
    await recorder.finish(
      result,
      () => weightsFileBytes(lowerDocument(doc).graph.weights, result.weights, doc.name),
      // The last epoch's pictures, drawn only when the run is recorded.
      async () =>
        picturePngFiles(
          await trainingPictures({
            doc,
            weights: result.weights,
            data: tr,
            val,
            inputName: model.graph.inputs.find((i) => i.value === model.features)?.name ?? model.features,
          }),
        ),
    );
    if (values.out) {
      const { bytes } = exportDocument(doc, { weights: result.weights, seed });
      await io.writeFile(values.out, bytes);
      if (!values.json) io.out(`${values.out}: trained model (${result.steps} steps), opset 17`);
    }
    if (values['save-weights']) {
      const path = values['save-weights'];
      await io.writeFile(path, weightsFileBytes(lowerDocument(doc).graph.weights, result.weights, doc.name));
      if (!values.json) io.out(`${path}: trained weights (safetensors, ${prepared.weights.length} tensors)`);
    }
    return 0;
  },
};

// A document as a PyTorch training package: model.py, train.py, data.py, safetensors_file.py,
// README.md, the project's data set and (optionally) its trained weights. Pure: returns the files,
// the host writes them (a folder from the CLI, a .zip from the app), all or nothing.
import type { NetloomDocument } from '../document/schema.ts';
import type { DatasetArrays, PackageFile } from './dataset-files.ts';
import { datasetFiles } from './dataset-files.ts';
import { readTorchGraph } from './graph.ts';
import type { HelperName } from './helpers.ts';
import { forwardSignature, modelPy } from './model-py.ts';
import { buildModuleTree } from './module-tree.ts';
import { planObjectives } from './objectives.ts';
import { documentTrainingSetup } from '../compile/training-setup.ts';
import { pyClassName } from './python.ts';
import { readme } from './readme.ts';
import { dataPy, safetensorsPy } from './support-py.ts';
import { trainPy } from './train-py.ts';

export type { PackageFile } from './dataset-files.ts';

export interface PackageOptions {
  /** The project's data set, written to data/ (the host loads it: MNIST from its files, a CSV, …). */
  readonly data?: DatasetArrays;
  /** A weights file (safetensors bytes) to ship as trained.safetensors. */
  readonly weights?: Uint8Array;
}

export interface TorchPackage {
  readonly files: readonly PackageFile[];
  readonly className: string;
}

const text = (path: string, s: string): PackageFile => ({ path, bytes: new TextEncoder().encode(s) });

/** Throws NetloomError (naming the node and why) when the document cannot be written as PyTorch. */
export function pytorchPackage(doc: NetloomDocument, opts: PackageOptions = {}): TorchPackage {
  const g = readTorchGraph(doc);
  const tree = buildModuleTree(g.modules);
  const setup = documentTrainingSetup(doc);
  const plans = planObjectives(g, setup);
  const className = pyClassName(doc.name);
  const sig = forwardSignature(g);
  const networkHelpers = new Set<HelperName>();
  // train.py first: its objectives may call network helpers, which model.py then defines.
  const train = trainPy({ g, tree, sig, className, setup, plans, networkHelpers });
  const model = modelPy(g, tree, className, networkHelpers);
  const files: PackageFile[] = [
    text('model.py', model.text),
    text('train.py', train),
    text('data.py', dataPy),
    text('safetensors_file.py', safetensorsPy),
    text(
      'README.md',
      readme({
        name: doc.name,
        className,
        dataset: setup.dataset,
        shippedData: opts.data !== undefined,
        trainedWeights: opts.weights !== undefined,
        batch: setup.batchSize,
        epochs: setup.epochs,
        objectives: setup.objectives.map((o) => o.name),
      }),
    ),
  ];
  if (opts.data) files.push(...datasetFiles(opts.data));
  if (opts.weights) files.push({ path: 'trained.safetensors', bytes: opts.weights });
  return { files, className };
}

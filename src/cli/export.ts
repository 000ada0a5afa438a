// `netloom export`: a project or template to an ONNX file (inference graph, opset 17), or with
// --format pytorch to a PyTorch training package (a folder, or a .zip).
import { exportDocument } from '../onnx/from-document.ts';
import { pytorchPackage } from '../pytorch/package.ts';
import { documentTrainingSetup } from '../compile/training-setup.ts';
import { zipStore } from '../util/zip.ts';
import { intOption, oneFile, parse } from './args.ts';
import type { Command } from './command.ts';
import type { CliIO } from './io.ts';
import { UsageError } from './io.ts';
import { loadProject, loadWeightsFile } from './project.ts';
import { loadDataset } from './train.ts';
import { lowerDocument } from '../compile/lower.ts';
import type { NetloomDocument } from '../document/schema.ts';

const formats = ['onnx', 'pytorch'] as const;

/** The shape (without the batch) of the first image-like Input: what an image folder is resized to. */
function imageInputShape(doc: NetloomDocument): readonly number[] {
  for (const n of doc.nodes) {
    const shape = (n.params as { shape?: unknown }).shape;
    if (n.kind === 'Input' && Array.isArray(shape) && shape.length === 3) return shape as number[];
  }
  return [];
}

async function exportPytorch(
  io: CliIO,
  doc: NetloomDocument,
  out: string,
  weightsPath: string | undefined,
): Promise<void> {
  // The trained weights must fit this model before they are shipped with it.
  if (weightsPath) loadWeightsFile(io, weightsPath, lowerDocument(doc).graph.weights);
  const setup = documentTrainingSetup(doc);
  // The project's data as Netloom trains on it, before normalisation (train.py normalises).
  const data = setup.dataset
    ? await loadDataset(io, setup.dataset, setup.seed, false, imageInputShape(doc), (l) => io.err(l))
    : undefined;
  const pkg = pytorchPackage(doc, {
    ...(data ? { data } : {}),
    ...(weightsPath ? { weights: io.readFile(weightsPath) } : {}),
  });
  if (/\.zip$/i.test(out)) await io.writeFile(out, zipStore(pkg.files));
  else io.writeFolder(out, pkg.files);
  const size = pkg.files.reduce((s, f) => s + f.bytes.length, 0);
  io.out(
    `${out}: PyTorch package (${pkg.files
      .map((f) => f.path)
      .filter((p) => !p.includes('/'))
      .join(', ')}` +
      `${data ? `, data/ with ${data.size.toLocaleString('en-US')} examples of ${data.name}` : ''}; ` +
      `${(size / 2 ** 20).toFixed(2)} MB). Train it: ${/\.zip$/i.test(out) ? 'unzip it, then ' : `cd ${out} && `}python train.py`,
  );
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'export a project or template as an ONNX model or a PyTorch training package',
  usage:
    'netloom export <project.json|template-name> -o model.onnx [--weights trained.safetensors] [--seed N]\n' +
    '       netloom export <project.json|template-name> --format pytorch -o DIR|package.zip [--weights trained.safetensors]',
  async run(args, io) {
    const { values, positionals } = parse(args, {
      out: { type: 'string', short: 'o' },
      seed: { type: 'string' },
      weights: { type: 'string' },
      format: { type: 'string' },
    });
    const doc = loadProject(io, oneFile(positionals, 'project file or template name'));
    const format = values.format ?? 'onnx';
    if (!(formats as readonly string[]).includes(format)) {
      throw new UsageError(`--format must be one of ${formats.join(', ')}; got '${format}'`);
    }
    const seed = intOption(values.seed, 'seed');
    if (format === 'pytorch') {
      if (!values.out) throw new UsageError('missing -o DIR (a new folder) or -o package.zip');
      if (seed !== undefined)
        throw new UsageError('--seed is for ONNX exports; train.py takes --seed itself');
      await exportPytorch(io, doc, values.out, values.weights);
      return 0;
    }
    if (!values.out) throw new UsageError('missing -o model.onnx');
    const weights = values.weights
      ? loadWeightsFile(io, values.weights, lowerDocument(doc).graph.weights)
      : undefined;
    const { bytes, lowered } = exportDocument(doc, {
      seed: seed ?? 0,
      ...(weights ? { weights } : {}),
    });
    await io.writeFile(values.out, bytes);
    io.out(
      `${values.out}: ${lowered.totals.params.toLocaleString('en-US')} parameters, ` +
        `${(bytes.length / 2 ** 20).toFixed(2)} MB, opset 17`,
    );
    return 0;
  },
};

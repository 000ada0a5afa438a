// `netloom export`: a project or template to an ONNX file (inference graph, opset 17).
import { exportDocument } from '../onnx/from-document.ts';
import { intOption, oneFile, parse } from './args.ts';
import type { Command } from './command.ts';
import { UsageError } from './io.ts';
import { loadProject, loadWeightsFile } from './project.ts';
import { lowerDocument } from '../ir/lower.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: 'export a project or template as an ONNX model',
  usage:
    'netloom export <project.json|template-name> -o model.onnx [--weights trained.safetensors] [--seed N]',
  async run(args, io) {
    const { values, positionals } = parse(args, {
      out: { type: 'string', short: 'o' },
      seed: { type: 'string' },
      weights: { type: 'string' },
    });
    const doc = loadProject(io, oneFile(positionals, 'project file or template name'));
    if (!values.out) throw new UsageError('missing -o model.onnx');
    const weights = values.weights
      ? loadWeightsFile(io, values.weights, lowerDocument(doc).graph.weights)
      : undefined;
    const { bytes, lowered } = exportDocument(doc, {
      seed: intOption(values.seed, 'seed') ?? 0,
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

// `netloom import`: an ONNX model (from torch.onnx.export or anywhere) as a Netloom project, its
// weights in a safetensors sidecar beside it.
import { serializeDocument } from '../document/parse.ts';
import { weightsFileName } from '../ir/weights-file.ts';
import { lowerDocument } from '../compile/lower.ts';
import { importOnnx } from '../onnx/import.ts';
import { importedToDocument } from '../onnx/to-document.ts';
import { oneFile, parse } from './args.ts';
import type { Command } from './command.ts';
import { UsageError } from './io.ts';
import { weightsFileBytes } from '../ir/weights-file.ts';

export const importCommand: Command = {
  name: 'import',
  summary: 'turn an ONNX model into a project (layers on the canvas) with its weights beside it',
  usage: 'netloom import <model.onnx> -o project.json [--weights project.safetensors]',
  async run(args, io) {
    const { values, positionals } = parse(args, {
      out: { type: 'string', short: 'o' },
      weights: { type: 'string' },
    });
    const file = oneFile(positionals, 'ONNX file');
    if (!values.out) throw new UsageError('missing -o project.json');
    const { doc, weights } = importedToDocument(importOnnx(io.readFile(file), { path: file }), file);
    const sidecar = values.weights ?? weightsFileName(values.out);
    const lowered = lowerDocument(doc);
    io.writeFile(values.out, serializeDocument(doc));
    io.writeFile(sidecar, weightsFileBytes(lowered.graph.weights, weights, doc.name));
    io.out(
      `${values.out}: ${doc.nodes.length} nodes (${[...new Set(doc.nodes.map((n) => n.kind))].join(', ')}); ` +
        `${sidecar}: ${lowered.totals.params.toLocaleString('en-US')} parameters`,
    );
    return 0;
  },
};

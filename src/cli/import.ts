// `netloom import`: an ONNX model (from torch.onnx.export or anywhere) as a Netloom project, its
// weights in a safetensors sidecar beside it. Says what it read (opset, producer, inputs), what
// folded into layers and what stays as ONNX op nodes. A project that would open with errors is not
// written unless asked for (--allow-errors): the exit status says whether the import worked.
import { serializeDocument } from '../document/parse.ts';
import { weightsFileName } from '../ir/weights-file.ts';
import { formatDiagnostics, hasErrors } from '../compile/diagnostics.ts';
import { fixedBatch, lowerDocument } from '../compile/lower.ts';
import { importOnnx } from '../onnx/import.ts';
import { importedToDocument } from '../onnx/to-document.ts';
import { NetloomError } from '../util/errors.ts';
import { oneFile, parse } from './args.ts';
import type { Command } from './command.ts';
import { UsageError } from './io.ts';
import { weightsFileBytes } from '../ir/weights-file.ts';

/** "Conv2d ×20, ReLU ×17, …": kinds by how often they occur. */
function tally(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => (n === 1 ? k : `${k} ×${n}`))
    .join(', ');
}

export const importCommand: Command = {
  name: 'import',
  summary: 'turn an ONNX model into a project (layers on the canvas) with its weights beside it',
  usage: 'netloom import <model.onnx> -o project.json [--weights project.safetensors] [--allow-errors]',
  async run(args, io) {
    const { values, positionals } = parse(args, {
      out: { type: 'string', short: 'o' },
      weights: { type: 'string' },
      'allow-errors': { type: 'boolean' },
    });
    const file = oneFile(positionals, 'ONNX file');
    if (!values.out) throw new UsageError('missing -o project.json');
    const imported = importOnnx(io.readFile(file), { path: file });
    const { doc, weights, summary, genericOps } = importedToDocument(imported, file);
    const sidecar = values.weights ?? weightsFileName(values.out);
    const lowered = lowerDocument(doc);
    for (const w of imported.warnings.slice(0, 5)) io.err(`warning: ${w}`);
    if (imported.warnings.length > 5) io.err(`warning: (and ${imported.warnings.length - 5} more)`);
    const errors = hasErrors(lowered);
    if (errors && !values['allow-errors']) {
      throw new NetloomError(
        'graph-has-errors',
        `${file} imports as a project with errors; nothing was written (--allow-errors writes it to fix in the editor):\n${formatDiagnostics(lowered)}`,
        { path: file },
      );
    }
    // The sidecar first: a project is never left beside weights that are not there.
    await io.writeFile(sidecar, weightsFileBytes(lowered.graph.weights, weights, doc.name));
    await io.writeFile(values.out, serializeDocument(doc));
    io.out(`${file}: ${summary}`);
    io.out(
      `${values.out}: ${doc.nodes.length} nodes (${tally(doc.nodes.map((n) => n.kind))}); ` +
        `${sidecar}: ${lowered.totals.params.toLocaleString('en-US')} parameters`,
    );
    if (genericOps.size > 0) {
      const ops = tally([...genericOps].flatMap(([op, n]) => new Array<string>(n).fill(op)));
      io.out(`kept as ONNX op nodes (no layer describes them): ${ops}`);
    }
    const fixed = fixedBatch(doc);
    if (fixed !== undefined) {
      io.out(
        `batch fixed at ${fixed}: the model's shapes spell that size out, so it runs at that batch only`,
      );
    }
    if (errors)
      io.err(`warning: ${values.out} has errors to fix in the editor:\n${formatDiagnostics(lowered)}`);
    return 0;
  },
};

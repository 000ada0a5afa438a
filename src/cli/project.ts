// Resolves the <project.json|template-name> argument every command takes.
import { parseDocument } from '../document/parse.ts';
import type { NetloomDocument } from '../document/schema.ts';
import { loadTemplate, templateNames } from '../templates/catalogue.ts';
import { NetloomError } from '../util/errors.ts';
import type { CliIO } from './io.ts';
import type { Weight } from '../ir/types.ts';
import { decodeSafetensors, nonFiniteWarning, weightsForModel } from '../ir/weights-file.ts';

export function loadProject(io: CliIO, arg: string): NetloomDocument {
  const template = loadTemplate(arg);
  if (template) return template;
  if (!/\.json$/i.test(arg) && !arg.includes('/') && !arg.includes('\\'))
    throw new NetloomError(
      'invalid-file',
      `'${arg}' is neither a project file (.json) nor a template (${templateNames().join(', ')})`,
      { path: arg },
    );
  return parseDocument(new TextDecoder().decode(io.readFile(arg)), arg);
}

/** A safetensors sidecar's tensors as values for the model's weights (all must fit, by name and shape). */
export function loadWeightsFile(
  io: CliIO,
  path: string,
  weights: readonly Weight[],
): Map<string, Float32Array> {
  const tensors = decodeSafetensors(io.readFile(path), path);
  const values = weightsForModel(tensors, weights, path);
  const warning = nonFiniteWarning(tensors, path);
  if (warning) io.err(`warning: ${warning}`);
  return values;
}

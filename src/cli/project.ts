// Resolves the <project.json|template-name> argument every command takes.
import { parseDocument } from '../document/parse.ts';
import type { NetloomDocument } from '../document/schema.ts';
import { loadTemplate, templateNames } from '../templates/catalogue.ts';
import { NetloomError } from '../util/errors.ts';
import type { CliIO } from './io.ts';

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

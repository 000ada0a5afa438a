// `netloom templates`: the built-in templates, one line each.
import { templates } from '../templates/catalogue.ts';
import { parse } from './args.ts';
import type { Command } from './command.ts';
import { UsageError } from './io.ts';

export const templatesCommand: Command = {
  name: 'templates',
  summary: 'list the built-in templates',
  usage: 'netloom templates [--json]',
  async run(args, io) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (values.json) {
      io.out(
        JSON.stringify(templates.map((t) => ({ name: t.name, title: t.title, description: t.description }))),
      );
      return 0;
    }
    const w = Math.max(...templates.map((t) => t.name.length));
    for (const t of templates) io.out(`${t.name.padEnd(w)}  ${t.title} — ${t.description}`);
    return 0;
  },
};

#!/usr/bin/env node
// The `netloom` command: TypeScript sources run through tsx, so the CLI needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const { nodeIO } = await import('../src/cli/io.ts');
try {
  process.exitCode = await main(process.argv.slice(2), nodeIO());
} catch (e) {
  // Only a bug in Netloom gets here: say so in one line and keep the trace for a report.
  console.error(`netloom: internal error: ${e instanceof Error ? e.message : String(e)}`);
  if (process.env.NETLOOM_DEBUG) console.error(e);
  process.exitCode = 70;
}

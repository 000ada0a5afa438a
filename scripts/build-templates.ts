// Writes templates/*.json from src/templates/build.ts: `npx tsx scripts/build-templates.ts`.
import { writeFileSync } from 'node:fs';
import { serializeDocument } from '../src/document/parse.ts';
import { templateSources } from '../src/templates/build.ts';

for (const t of templateSources) {
  const file = new URL(`../templates/${t.name}.json`, import.meta.url);
  writeFileSync(file, serializeDocument(t.build()));
  console.log(`templates/${t.name}.json`);
}

// vitest's global set-up: finds the references once for the whole run and hands them to the test
// files (test/helpers/references.ts reads them). Under NETLOOM_REQUIRE_REFERENCES=1 a missing
// reference stops the run before any test, naming it.
import type { TestProject } from 'vitest/node';
import { findReferences, missingReferences, referencesRequired } from '../../scripts/references.mjs';

export function setup(project: TestProject): void {
  const found = findReferences(process.env);
  const missing = missingReferences(found);
  if (missing.length > 0 && referencesRequired()) {
    const error = new Error(
      `NETLOOM_REQUIRE_REFERENCES=1, and this machine lacks ${missing.map((m) => m.name).join(' and ')}:\n` +
        missing.map((m) => `  ${m.reason}`).join('\n'),
    );
    error.stack = `Error: ${error.message}`; // the message is the whole story; no frames to read
    throw error;
  }
  project.provide('references', found);
}

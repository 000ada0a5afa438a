// Prints, after vitest's own summary, which references judged the run and which checks were not run
// for want of one (the tests test/helpers/references.ts skipped), grouped by check with the remedy.
import { relative } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { describeFound, missingReferences } from '../../scripts/references.mjs';

const notRunNote = /^(.+?): not run, /;
const namesShown = 5;

export class ReferencesReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const found = this.vitest?.getRootProject().getProvidedContext().references;
    if (!found) return; // the global set-up stopped the run and said why
    const root = this.vitest?.config.root ?? process.cwd();
    const notRun = new Map<string, string[]>();
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state !== 'skipped' || !r.note || !notRunNote.test(r.note)) continue;
        notRun.set(r.note, [...(notRun.get(r.note) ?? []), `${relative(root, m.moduleId)} > ${t.fullName}`]);
      }
    }
    const lines = ['', ' References', ...describeFound(found).map((l) => `   ${l}`)];
    // A missing reference no test of this run asked for is still named, with its remedy.
    const reasons = [...notRun.keys()].join('\n');
    for (const m of missingReferences(found)) {
      lines.push(`   missing: ${reasons.includes(m.reason) ? m.name : m.reason}`);
    }
    if (notRun.size > 0) {
      const count = [...notRun.values()].reduce((n, tests) => n + tests.length, 0);
      lines.push(` Not run, for want of a reference (${count} tests, counted as skipped above):`);
      for (const [note, tests] of notRun) {
        lines.push(`   ${note}`);
        for (const t of tests.slice(0, namesShown)) lines.push(`     ${t}`);
        if (tests.length > namesShown) lines.push(`     … and ${tests.length - namesShown} more`);
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

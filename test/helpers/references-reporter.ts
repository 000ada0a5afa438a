// Prints, after vitest's own summary, which references judged the run and which checks were not run
// for want of one (the tests test/helpers/references.ts skipped), grouped by check with the remedy.
import { relative } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { describeFound, missingReferences } from '../../scripts/references.mjs';

const notRunNote = /^(.+?): not run, (.*)$/s;
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
    // By check: the tests of one check may ask for different modules, but the remedy is the same.
    const notRun = new Map<string, { reason: string; tests: string[] }>();
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const r = t.result();
        const note = r.state === 'skipped' && r.note ? notRunNote.exec(r.note) : null;
        if (!note) continue;
        const check = note[1]!;
        const group = notRun.get(check) ?? { reason: note[2]!, tests: [] };
        group.tests.push(`${relative(root, m.moduleId)} > ${t.fullName}`);
        notRun.set(check, group);
      }
    }
    const lines = ['', ' References', ...describeFound(found).map((l) => `   ${l}`)];
    // A missing reference no test of this run asked for is still named, with its remedy.
    const reasons = [...notRun.values()].map((g) => g.reason).join('\n');
    for (const m of missingReferences(found)) {
      lines.push(`   missing: ${reasons.includes(m.reason) ? m.name : m.reason}`);
    }
    if (notRun.size > 0) {
      const count = [...notRun.values()].reduce((n, g) => n + g.tests.length, 0);
      lines.push(` Not run, for want of a reference (${count} tests, counted as skipped above):`);
      for (const [check, { reason, tests }] of notRun) {
        lines.push(`   ${check}: not run in ${tests.length} test${tests.length === 1 ? '' : 's'}, ${reason}`);
        for (const t of tests.slice(0, namesShown)) lines.push(`     ${t}`);
        if (tests.length > namesShown) lines.push(`     … and ${tests.length - namesShown} more`);
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

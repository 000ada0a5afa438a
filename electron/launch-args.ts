// Files the app is asked to open from outside: `netloom-app model.onnx`, a file association, a
// second launch while running. Each such path is the user's own choice and gets a grant.
import * as nodePath from 'node:path';
import { isOpenableFile } from './file-kinds.ts';

/**
 * The files named on a command line. A packaged app's argv is [exe, ...args]; `electron main.cjs
 * ...` (process.defaultApp) puts the script first. Switches (Chromium's or ours) are skipped, and
 * so is anything that is not a .json or .onnx file. Relative paths resolve against cwd — for a
 * second instance that is the cwd it was started in, not ours.
 */
export function filesFromArgv(argv: readonly string[], opts: { defaultApp: boolean; cwd: string }): string[] {
  const args = argv.slice(opts.defaultApp ? 2 : 1);
  const files: string[] = [];
  for (const a of args) {
    if (a.startsWith('-') || a.length === 0) continue;
    if (!isOpenableFile(a)) continue;
    const abs = nodePath.resolve(opts.cwd, a);
    if (!files.includes(abs)) files.push(abs);
  }
  return files;
}

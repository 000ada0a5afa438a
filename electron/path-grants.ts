// The renderer names files only by paths main has handed it: ones the user chose in a dialog,
// dropped on the window, passed on the command line (or by file association), or opened before
// (the recent list, which main alone writes). Anything else is refused, so a compromised page
// cannot read ~/.ssh or overwrite a system file through open-path or save-file.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';

export interface GrantsEnv {
  readonly platform: NodeJS.Platform;
  /** fs.realpathSync.native; throws for a path that does not exist. */
  realpath(p: string): string;
}

const nodeEnv: GrantsEnv = { platform: process.platform, realpath: (p) => nodeFs.realpathSync.native(p) };

export class PathGrants {
  readonly #granted = new Set<string>();
  readonly #env: GrantsEnv;

  constructor(env: GrantsEnv = nodeEnv) {
    this.#env = env;
  }

  /**
   * One spelling per file: absolute, `..` resolved, symlinks followed (so a granted link does not
   * grant its neighbours, and a link to a granted file is the same file), case folded where the
   * file system usually ignores case. Undefined for a relative path: the renderer has no cwd.
   */
  canonical(p: string): string | undefined {
    const path = this.#env.platform === 'win32' ? nodePath.win32 : nodePath.posix;
    if (!path.isAbsolute(p) || p.includes('\0')) return undefined;
    const resolved = path.resolve(p);
    let real: string;
    try {
      real = this.#env.realpath(resolved);
    } catch {
      // A file about to be created: its folder must exist; canonicalise that.
      try {
        real = path.join(this.#env.realpath(path.dirname(resolved)), path.basename(resolved));
      } catch {
        real = resolved;
      }
    }
    return this.#env.platform === 'win32' || this.#env.platform === 'darwin' ? real.toLowerCase() : real;
  }

  grant(p: string): void {
    const c = this.canonical(p);
    if (c !== undefined) this.#granted.add(c);
  }

  revoke(p: string): void {
    const c = this.canonical(p);
    if (c !== undefined) this.#granted.delete(c);
  }

  isAllowed(p: string): boolean {
    const c = this.canonical(p);
    return c !== undefined && this.#granted.has(c);
  }
}

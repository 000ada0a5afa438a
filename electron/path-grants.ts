// The renderer names files only by paths main has handed it: ones the user chose in a dialog,
// dropped on the window (proven by main, see Desktop.openDropped), passed on the command line (or
// by file association), or opened before (the recent list, which main alone writes). Anything else
// is refused, so a compromised page cannot read ~/.ssh or overwrite a system file through
// open-path or save-file.
//
// A grant is for the real file: symbolic links are resolved, and a link may lead only to a regular
// file of the same kind (extension) as its own name — `model.json -> ~/.bashrc` is refused, so
// saving "model.json" can never overwrite something else. A link re-pointed after the grant leads
// to a file that was never granted, and is refused too.
//
// A grant is 'write' (the user chose the file: a dialog, the command line, the recent list) or
// 'read' (a drop, proven by the bytes the renderer read from the dropped File — which a renderer
// that already knows a file's bytes could forge, so it does not let that renderer change the file:
// the first save over a dropped file asks the user in a native dialog).
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';

export type PathKind = 'file' | 'directory' | 'other';

export interface GrantsEnv {
  readonly platform: NodeJS.Platform;
  /** fs.realpathSync.native; throws for a path that does not exist. */
  realpath(p: string): string;
  /** What is at p (links followed), or undefined when nothing is. */
  kind?(p: string): PathKind | undefined;
}

const nodeEnv: GrantsEnv = {
  platform: process.platform,
  realpath: (p) => nodeFs.realpathSync.native(p),
  kind: (p) => {
    try {
      const st = nodeFs.statSync(p);
      return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
    } catch {
      return undefined;
    }
  },
};

/** Where a path leads, or why it may not be granted. */
export type Resolved = { ok: true; real: string; key: string } | { ok: false; why: string };

export type GrantLevel = 'read' | 'write';

export class PathGrants {
  readonly #granted = new Map<string, GrantLevel>();
  readonly #env: GrantsEnv;

  constructor(env: GrantsEnv = nodeEnv) {
    this.#env = env;
  }

  #path(): typeof nodePath.posix {
    return this.#env.platform === 'win32' ? nodePath.win32 : nodePath.posix;
  }

  /**
   * The real file a path leads to: absolute, `..` resolved, symlinks followed; `key` is that path
   * case-folded where the file system usually ignores case. Refused: a relative path (the renderer
   * has no cwd), a NUL, something that is not a regular file, a link to a file of another kind.
   */
  resolve(p: string): Resolved {
    const path = this.#path();
    if (!path.isAbsolute(p) || p.includes('\0')) return { ok: false, why: 'not an absolute path' };
    const resolved = path.resolve(p);
    let real: string;
    let exists = true;
    try {
      real = this.#env.realpath(resolved);
    } catch {
      // A file about to be created (Save As): its folder must exist; canonicalise that.
      exists = false;
      try {
        real = path.join(this.#env.realpath(path.dirname(resolved)), path.basename(resolved));
      } catch {
        real = resolved;
      }
    }
    if (exists) {
      const kind = this.#env.kind?.(real) ?? 'file';
      if (kind !== 'file') return { ok: false, why: `it is not a file` };
      const ext = (f: string) => path.extname(f).toLowerCase();
      if (ext(real) !== ext(resolved)) {
        return { ok: false, why: `it is a link to "${path.basename(real)}", a file of another kind` };
      }
    }
    const fold = this.#env.platform === 'win32' || this.#env.platform === 'darwin';
    return { ok: true, real, key: fold ? real.toLowerCase() : real };
  }

  /** One spelling per file (see resolve), or undefined when the path may not be granted. */
  canonical(p: string): string | undefined {
    const r = this.resolve(p);
    return r.ok ? r.key : undefined;
  }

  /** Grants the file p leads to (never lowering a grant); returns why not when it may not be. */
  grant(p: string, level: GrantLevel = 'write'): Resolved {
    const r = this.resolve(p);
    if (r.ok && this.#granted.get(r.key) !== 'write') this.#granted.set(r.key, level);
    return r;
  }

  revoke(p: string): void {
    const c = this.canonical(p);
    if (c !== undefined) this.#granted.delete(c);
  }

  /** Whether the renderer may read p. */
  isAllowed(p: string): boolean {
    return this.allowedReal(p, 'read') !== undefined;
  }

  /** Whether the renderer may overwrite p without asking the user. */
  canWrite(p: string): boolean {
    return this.allowedReal(p, 'write') !== undefined;
  }

  /**
   * The real file to read or write for p, when p is granted at `level` (so a write lands on what
   * was checked).
   */
  allowedReal(p: string, level: GrantLevel = 'read'): string | undefined {
    const r = this.resolve(p);
    if (!r.ok) return undefined;
    const g = this.#granted.get(r.key);
    return g === 'write' || (g === 'read' && level === 'read') ? r.real : undefined;
  }
}

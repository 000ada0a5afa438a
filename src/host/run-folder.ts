// A run store's files in a folder on disk (`<project>.runs/`), every file written through the one
// atomic writer, so a killed run leaves each file whole: its last run.json says it never finished.
// In src/host so the CLI (through src/experiments/node-run-files.ts) and the desktop app's main
// process (electron/project-runs.ts) keep one layout. Paths are '/'-separated, relative to the root;
// the callers check them (run-store.ts makes them from validated ids, main checks the renderer's).
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic-file.ts';

function code(e: unknown): string | undefined {
  const c = (e as { code?: unknown }).code;
  return typeof c === 'string' ? c : undefined;
}

/** The RunFiles operations (src/experiments/run-files.ts), on a folder. */
export interface FolderFiles {
  read(path: string): Promise<Uint8Array | undefined>;
  write(path: string, bytes: Uint8Array): Promise<void>;
  list(folder: string): Promise<string[]>;
  remove(folder: string): Promise<void>;
  size(path: string): Promise<number>;
}

export function folderFiles(root: string): FolderFiles {
  const at = (p: string) => join(root, ...p.split('/'));
  return {
    async read(p) {
      try {
        return new Uint8Array(await readFile(at(p)));
      } catch (e) {
        if (code(e) === 'ENOENT') return undefined;
        throw e;
      }
    },
    async write(p, bytes) {
      await mkdir(dirname(at(p)), { recursive: true });
      await writeFileAtomic(at(p), bytes);
    },
    async list(folder) {
      try {
        return (await readdir(at(folder))).filter((n) => !n.startsWith('.')).sort();
      } catch (e) {
        if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') return [];
        throw e;
      }
    },
    async remove(folder) {
      await rm(at(folder), { recursive: true, force: true });
    },
    async size(p) {
      try {
        const s = await stat(at(p));
        if (!s.isDirectory()) return s.size;
        let n = 0;
        for (const name of await readdir(at(p))) n += (await stat(join(at(p), name))).size;
        return n;
      } catch (e) {
        if (code(e) === 'ENOENT') return 0;
        throw e;
      }
    },
  };
}

/** The runs folder of a project file: `model.json` → `model.runs` beside it. */
export function runsFolderFor(projectFile: string): string {
  return projectFile.replace(/\.json$/i, '') + '.runs';
}

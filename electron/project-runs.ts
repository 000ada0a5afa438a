// The desktop app's run history on disk: `<project>.runs/` beside the project file, the CLI's layout
// (src/host/run-folder.ts), so `netloom runs model.json` lists what the app trained. The renderer
// names the project and a path inside its runs folder; neither is trusted: the project must be a
// file the user granted for writing (path-grants.ts) and a Netloom project (.json), and the path
// is at most two plain names (`<run id>/run.json`, `documents/<hash>.json`) — no '..', no
// separators of another kind, nothing hidden — so nothing outside the runs folder is reached.
import { z } from 'zod';
import type { FolderFiles } from '../src/host/run-folder.ts';
import { folderFiles, runsFolderFor } from '../src/host/run-folder.ts';
import type { Reply } from './channels.ts';

const runName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const runPathSchema = z
  .string()
  .max(300)
  .refine(
    (p) =>
      p === '' ||
      (p.split('/').length <= 2 && p.split('/').every((s) => runName.test(s) && !s.includes('..'))),
    {
      message: 'a path inside the runs folder: at most two plain names, like "<run id>/run.json"',
    },
  );

export const runFilesRequest = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('write'),
    project: z.string().min(1).max(4096),
    path: runPathSchema,
    bytes: z.instanceof(Uint8Array),
  }),
  z.strictObject({
    op: z.enum(['read', 'list', 'remove', 'size']),
    project: z.string().min(1).max(4096),
    path: runPathSchema,
  }),
]);
export type RunFilesRequest = z.infer<typeof runFilesRequest>;
export type RunFilesAnswer = Uint8Array | string[] | number | undefined;

/** What the runs folder needs of path-grants.ts. */
export interface ProjectGrants {
  allowedReal(p: string, level: 'read' | 'write'): string | undefined;
}

/**
 * The run-files handler: checks the project against the grants, then does the one operation in
 * its runs folder. Failures come back as a Reply with a message for the user.
 */
export function projectRunFiles(
  grants: ProjectGrants,
  files: (root: string) => FolderFiles = folderFiles,
): (req: RunFilesRequest) => Promise<Reply<RunFilesAnswer>> {
  return async (req) => {
    const real = grants.allowedReal(req.project, 'write');
    if (real === undefined)
      return {
        ok: false,
        message: `${req.project}: not a project opened or saved here, so its runs stay in the app`,
      };
    if (!/\.json$/i.test(real))
      return { ok: false, message: `${req.project}: runs are kept beside a Netloom project (.json)` };
    if (req.op !== 'list' && req.path === '') return { ok: false, message: 'a run file needs a path' };
    const folder = files(runsFolderFor(real));
    try {
      switch (req.op) {
        case 'read':
          return { ok: true, value: await folder.read(req.path) };
        case 'write':
          await folder.write(req.path, req.bytes);
          return { ok: true, value: undefined };
        case 'list':
          return { ok: true, value: await folder.list(req.path) };
        case 'remove':
          await folder.remove(req.path);
          return { ok: true, value: undefined };
        case 'size':
          return { ok: true, value: await folder.size(req.path) };
      }
    } catch (e) {
      return {
        ok: false,
        message: `${runsFolderFor(real)}/${req.path}: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
  };
}

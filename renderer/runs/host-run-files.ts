// The desktop app's run history: RunFiles over the preload's runFiles, so the runs of a project
// opened from disk live in `<project>.runs/` beside it (main checks the project and every path).
// The browser, and a desktop document never saved, keep runs in IndexedDB (idb-run-files.ts).
import type { RunFiles } from '../../src/experiments/run-files.ts';
import type { Host } from '../../src/host/host.ts';

type RunFilesHost = Required<Pick<Host, 'runFiles'>>;

export function hostRunFiles(host: RunFilesHost, project: string): RunFiles {
  const call = (op: 'read' | 'list' | 'remove' | 'size', path: string) =>
    host.runFiles({ op, project, path });
  return {
    async read(path) {
      const v = await call('read', path);
      return v instanceof Uint8Array ? v : undefined;
    },
    async write(path, bytes) {
      await host.runFiles({ op: 'write', project, path, bytes });
    },
    async list(folder) {
      const v = await call('list', folder);
      return Array.isArray(v) ? v : [];
    },
    async remove(folder) {
      await call('remove', folder);
    },
    async size(path) {
      const v = await call('size', path);
      return typeof v === 'number' ? v : 0;
    },
  };
}

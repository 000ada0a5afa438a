// The one file writer (desktop saves, autosave, every CLI output): links written through as
// editors do, hard links and permission bits kept, leftovers of killed writes swept.
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AtomicFs } from '../../src/host/atomic-file.ts';
import {
  AtomicWriteError,
  nodeAtomicFs,
  sweepStaleTemps,
  writeFileAtomic,
} from '../../src/host/atomic-file.ts';

function dir(): string {
  return nodeFs.realpathSync(nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'netloom-atomic-')));
}

const text = (p: string) => nodeFs.readFileSync(p, 'utf8');
const bytes = (s: string) => new TextEncoder().encode(s);

describe('writeFileAtomic', () => {
  it('writes through a symbolic link to its target; the link stays a link', async () => {
    const d = dir();
    nodeFs.mkdirSync(nodePath.join(d, 'real'));
    const target = nodePath.join(d, 'real', 'model.json');
    nodeFs.writeFileSync(target, 'old');
    const link = nodePath.join(d, 'model.json');
    nodeFs.symlinkSync(target, link);
    await writeFileAtomic(link, bytes('new'));
    expect(nodeFs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(text(target)).toBe('new');
    // The temporary file was made beside the target (same file system), and is gone.
    expect(nodeFs.readdirSync(nodePath.join(d, 'real'))).toEqual(['model.json']);
    expect(nodeFs.readdirSync(d).sort()).toEqual(['model.json', 'real']);
  });

  it('refuses a dangling link and a folder, leaving them as they were', async () => {
    const d = dir();
    const dangling = nodePath.join(d, 'gone.json');
    nodeFs.symlinkSync(nodePath.join(d, 'nowhere.json'), dangling);
    const e1 = await writeFileAtomic(dangling, bytes('x')).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(AtomicWriteError);
    expect((e1 as AtomicWriteError).code).toBe('EDANGLING');
    expect(nodeFs.lstatSync(dangling).isSymbolicLink()).toBe(true);
    nodeFs.mkdirSync(nodePath.join(d, 'folder.json'));
    const e2 = await writeFileAtomic(nodePath.join(d, 'folder.json'), bytes('x')).catch((e: unknown) => e);
    expect((e2 as AtomicWriteError).code).toBe('ENOTFILE');
    expect(nodeFs.readdirSync(d).sort()).toEqual(['folder.json', 'gone.json']);
  });

  it('keeps hard links: every name shows the new content', async () => {
    const d = dir();
    const a = nodePath.join(d, 'a.json');
    const b = nodePath.join(d, 'b.json');
    nodeFs.writeFileSync(a, 'a much longer old content');
    nodeFs.linkSync(a, b);
    await writeFileAtomic(a, bytes('new'));
    expect(text(b)).toBe('new');
    expect(nodeFs.statSync(a).ino).toBe(nodeFs.statSync(b).ino);
    expect(nodeFs.statSync(a).nlink).toBe(2);
    expect(nodeFs.readdirSync(d).sort()).toEqual(['a.json', 'b.json']);
  });

  it('a hard-linked file whose in-place write fails gets the whole new content by rename', async () => {
    const d = dir();
    const a = nodePath.join(d, 'a.json');
    const b = nodePath.join(d, 'b.json');
    nodeFs.writeFileSync(a, 'old content');
    nodeFs.linkSync(a, b);
    const fs: AtomicFs = {
      ...nodeAtomicFs,
      open: async (p, flags, mode) => {
        const h = await nodeAtomicFs.open(p, flags, mode);
        if (flags !== 'r+') return h;
        return {
          ...h,
          writeFile: async (data) => {
            await h.writeFile(data.subarray(0, 2));
            throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
          },
          truncate: (n) => h.truncate(n),
          chmod: (m) => h.chmod(m),
          sync: () => h.sync(),
          close: () => h.close(),
        };
      },
    };
    await writeFileAtomic(a, bytes('new content'), fs);
    expect(text(a)).toBe('new content');
    expect(nodeFs.readdirSync(d).sort()).toEqual(['a.json', 'b.json']);
  });

  it.each([0o600, 0o640, 0o666, 0o755])(
    'keeps permission bits %s (not filtered by the umask)',
    async (mode) => {
      const d = dir();
      const f = nodePath.join(d, 'm.onnx');
      nodeFs.writeFileSync(f, 'old');
      nodeFs.chmodSync(f, mode);
      await writeFileAtomic(f, bytes('new'));
      expect(nodeFs.statSync(f).mode & 0o777).toBe(mode);
    },
  );

  it('creates a new file with the usual permissions', async () => {
    const d = dir();
    const f = nodePath.join(d, 'new.onnx');
    await writeFileAtomic(f, bytes('new'));
    const umask = process.umask();
    expect(nodeFs.statSync(f).mode & 0o777).toBe(0o666 & ~umask);
  });
});

describe('sweepStaleTemps', () => {
  it('removes a killed writer’s leftovers on the next write of the same file, and only those', async () => {
    const d = dir();
    const f = nodePath.join(d, 'model.onnx');
    nodeFs.writeFileSync(f, 'old');
    const killed = nodePath.join(d, '.model.onnx.999999999-00112233aabb.tmp');
    const other = nodePath.join(d, '.other.onnx.999999999-00112233aabb.tmp');
    const running = nodePath.join(d, `.model.onnx.${process.pid}-00112233aabb.tmp`);
    const lookalike = nodePath.join(d, '.model.onnx.notes.tmp');
    for (const t of [killed, other, running, lookalike]) nodeFs.writeFileSync(t, 'partial');
    await writeFileAtomic(f, bytes('new'));
    expect(nodeFs.readdirSync(d).sort()).toEqual(
      [other, running, lookalike, f].map((p) => nodePath.basename(p)).sort(),
    );
  });

  it('at start, keeps a leftover that may be the only whole copy of an in-place write', async () => {
    const d = dir();
    const f = nodePath.join(d, 'model.json');
    const copy = nodePath.join(d, '.model.json.999999999-00112233aabb.tmp');
    nodeFs.writeFileSync(copy, 'complete new content');
    // The file itself was changed after the copy was made (written in place, then killed).
    nodeFs.writeFileSync(f, 'torn');
    const past = new Date(Date.now() - 60_000);
    nodeFs.utimesSync(copy, past, past);
    expect(await sweepStaleTemps(f)).toEqual([]);
    // Once the file has been written whole again, the copy is stale.
    await writeFileAtomic(f, bytes('saved again'));
    expect(nodeFs.readdirSync(d)).toEqual(['model.json']);
  });
});

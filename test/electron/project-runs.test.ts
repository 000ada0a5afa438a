// The desktop app's runs folder: through the run-files channel (Electron replaced by the fakes), a
// run recorded by the app's RunStore lands in `<project>.runs/` in the CLI's layout — `netloom
// runs model.json` lists it — and nothing the renderer names reaches outside that folder.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../electron/channels.ts';
import { invokeChannels } from '../../electron/channels.ts';
import { IpcPayloadError } from '../../electron/ipc-schemas.ts';
import { main } from '../../src/cli/main.ts';
import { parseDocument } from '../../src/document/parse.ts';
import { RunStore } from '../../src/experiments/run-store.ts';
import { hostRunFiles } from '../../renderer/runs/host-run-files.ts';
import { captureIO } from '../helpers/cli-io.ts';
import { makeRig } from './fakes.ts';

const root = nodePath.join(import.meta.dirname, '../..');

function rigWithProject() {
  const rig = makeRig();
  const project = nodePath.join(rig.dir, 'model.json');
  nodeFs.copyFileSync(nodePath.join(root, 'templates/playground.json'), project);
  rig.grants.grant(project);
  const call = async (payload: unknown) =>
    (await rig.ipc.invoke(invokeChannels.runFiles, payload)) as Reply<unknown>;
  return { rig, project, call };
}

describe('runs folder beside the project (desktop)', () => {
  it("records a run where the CLI's netloom runs finds it", async () => {
    const { rig, project, call } = rigWithProject();
    const runFiles = async (req: unknown) => {
      const r = await call(req);
      if (!r.ok) throw new Error(r.message);
      return r.value as Uint8Array | string[] | number | undefined;
    };
    const store = new RunStore(hostRunFiles({ runFiles }, project));
    const doc = parseDocument(nodeFs.readFileSync(project, 'utf8'), project);
    const rec = await store.start({
      document: doc,
      source: 'app',
      dataset: 'spirals',
      backend: 'wasm · 1 thread',
      settings: { optimizer: 'adam', lr: 0.03, batchSize: 32, epochs: 1, seed: 0, validationSplit: 0.2 },
      id: 'desk-1',
    });
    await rec.epoch({ epoch: 1, loss: 0.5, valAccuracy: 0.75 });
    await rec.finish({ weights: new Uint8Array([1, 2, 3]), extra: { 'picture.png': new Uint8Array([9]) } });
    const folder = nodePath.join(rig.dir, 'model.runs');
    expect(nodeFs.readdirSync(folder).sort()).toEqual(['desk-1', 'documents']);
    expect(nodeFs.readdirSync(nodePath.join(folder, 'desk-1')).sort()).toEqual([
      'picture.png',
      'run.json',
      'weights.safetensors',
    ]);
    const io = captureIO(rig.dir);
    expect(await main(['runs', 'model.json', '--json'], io)).toBe(0);
    const listed = JSON.parse(io.stdout.join('\n')) as { record: { id: string; finished: boolean } }[];
    expect(listed.map((l) => [l.record.id, l.record.finished])).toEqual([['desk-1', true]]);
    expect(await store.file(await store.read('desk-1'), 'picture.png')).toEqual(new Uint8Array([9]));
  });

  it('refuses a project not granted, a file that is not a project, and paths out of the folder', async () => {
    const { rig, project, call } = rigWithProject();
    const other = nodePath.join(rig.dir, 'other.json');
    nodeFs.writeFileSync(other, '{}');
    expect(await call({ op: 'list', project: other, path: '' })).toEqual({
      ok: false,
      message: `${other}: not a project opened or saved here, so its runs stay in the app`,
    });
    const text = nodePath.join(rig.dir, 'notes.txt');
    nodeFs.writeFileSync(text, 'x');
    rig.grants.grant(text);
    expect(await call({ op: 'list', project: text, path: '' })).toEqual({
      ok: false,
      message: `${text}: runs are kept beside a Netloom project (.json)`,
    });
    nodeFs.writeFileSync(nodePath.join(rig.dir, 'secret'), 'keep out');
    for (const path of [
      '../secret',
      '..',
      'a/../../secret',
      '/etc/passwd',
      'a/b/c',
      '.hidden',
      'a\\..\\secret',
      'x\0y',
    ])
      await expect(call({ op: 'read', project, path }), path).rejects.toBeInstanceOf(IpcPayloadError);
    await expect(
      call({ op: 'write', project, path: '../model.json', bytes: new Uint8Array([1]) }),
    ).rejects.toBeInstanceOf(IpcPayloadError);
    // A plain path inside the folder reads nothing that is not there; the project file is untouched.
    expect(await call({ op: 'read', project, path: 'nothing/run.json' })).toEqual({
      ok: true,
      value: undefined,
    });
    expect(nodeFs.readFileSync(project, 'utf8')).toContain('"format"');
  });
});

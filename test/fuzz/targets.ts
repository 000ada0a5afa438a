// What the fuzzer runs on each input (in a worker thread, so a hang can be stopped and memory
// measured), and the oracle that says whether an accepted input was accepted honestly.
//
// Each input ends in exactly one outcome:
// - rejected: the parser threw NetloomError (the clear, placed error a user sees), with a message
//   of bounded size (no line over 2,000 characters, at most 20 lines);
// - accepted: it parsed, and the oracle found the result faithful to the input (below);
// - silent: it parsed, but the oracle found the result differs from what the input says — a
//   "silent acceptance" (garbage let in without a word);
// - uncaught: anything but NetloomError was thrown (TypeError, RangeError, a stack overflow: the
//   CLI's "internal error", exit 70);
// - and, observed by the driver: hang (no answer within the time limit), crash (the worker died:
//   V8 out of memory, a fatal error) and memory (the process grew past the RSS bound).
//
// The oracles ("faithful to the input"), per format:
// - npy: every byte is accounted for — header, then exactly the data the header's shape and dtype
//   need — and the array's bytes are the file's data bytes;
// - safetensors: 8 + header length + the tensors' sizes is the file's length, each tensor's values
//   are the bytes at its offsets, and it survives encode → decode unchanged;
// - CSV: sizes agree (examples × features), every value is a finite float32, every class label is
//   an index below the class count, and a 2-class model refuses a >2-class file by NetloomError;
// - project JSON: what is read is what would be saved (serialize → parse gives the same document),
//   no object has a prototype other than Object's or Array's, and lowering and `inspect` finish
//   without throwing;
// - ONNX: the imported graph is closed (every op input is defined before it is read, every weight
//   holds exactly its shape's values, every shape is whole and non-negative), it exports again,
//   and turning it into a document either works (the document then lowers without throwing) or
//   is refused by NetloomError;
// - IPC: after any message, the victim files are byte for byte unchanged, none may be written and
//   none is on the recent list; none is readable and no file event carries their bytes unless the
//   message proved it already held those bytes (a drop proof); a refusal is IpcPayloadError or a
//   Reply value.
import { createHash } from 'node:crypto';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { IpcPayloadError } from '../../electron/ipc-schemas.ts';
import { invokeChannels, sendChannels } from '../../electron/channels.ts';
import { formatInspectTable, inspectDocument } from '../../src/cli/inspect.ts';
import { parseDocument, serializeDocument } from '../../src/document/parse.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { decodeSafetensors, encodeSafetensors } from '../../src/ir/weights-file.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { numel } from '../../src/ir/types.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { importedToDocument } from '../../src/onnx/to-document.ts';
import { parseCsv } from '../../src/runtime/datasets/csv.ts';
import { readNpy } from '../../src/runtime/npy.ts';
import { checkLabels } from '../../src/runtime/train-loop.ts';
import { documentTrainingSetup } from '../../src/compile/training-setup.ts';
import { NetloomError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/random.ts';
import { makeRig } from '../electron/fakes.ts';

export const formats = ['project', 'onnx', 'safetensors', 'npy', 'csv', 'ipc'] as const;
export type Format = (typeof formats)[number];

export type Outcome =
  | { kind: 'accepted' }
  | { kind: 'rejected' }
  | { kind: 'silent'; why: string }
  | { kind: 'uncaught'; why: string };

class Silent extends Error {}

function expectThat(ok: boolean, why: string): void {
  if (!ok) throw new Silent(why);
}

function messageBounded(e: NetloomError): string | undefined {
  const lines = e.message.split('\n');
  if (lines.length > 20) return `the message has ${lines.length} lines`;
  const long = lines.find((l) => l.length > 2000);
  return long ? `a message line has ${long.length} characters` : undefined;
}

/** Runs one input through one format's parser and oracle. */
export async function runTarget(format: Format, input: Uint8Array): Promise<Outcome> {
  try {
    await targets[format](input);
    return { kind: 'accepted' };
  } catch (e) {
    if (e instanceof Silent) return { kind: 'silent', why: e.message };
    if (e instanceof NetloomError || e instanceof IpcPayloadError) {
      const long = e instanceof NetloomError ? messageBounded(e) : undefined;
      return long ? { kind: 'uncaught', why: `unbounded message: ${long}` } : { kind: 'rejected' };
    }
    const why = e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : String(e).slice(0, 300);
    return { kind: 'uncaught', why };
  }
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

function plainPrototypes(value: unknown): boolean {
  const stack = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return false;
    stack.push(...Object.values(v as object));
  }
  return true;
}

const targets: Record<Format, (input: Uint8Array) => void | Promise<void>> = {
  project(input) {
    const doc = parseDocument(text(input), 'fuzz.json');
    expectThat(plainPrototypes(doc), 'an object in the document has a foreign prototype');
    const again = parseDocument(serializeDocument(doc), 'again.json');
    expectThat(isDeepStrictEqual(again, doc), 'what is saved differs from what was read');
    const lowered = lowerDocument(doc);
    formatInspectTable(inspectDocument(doc, lowered));
    // The training setup is read when training starts: refused by NetloomError or read.
    try {
      documentTrainingSetup(doc);
    } catch (e) {
      if (!(e instanceof NetloomError)) throw e;
    }
  },

  onnx(input) {
    const m = importOnnx(input, { path: 'fuzz.onnx' });
    const g = m.graph;
    const known = new Set<string>([...g.inputs.map((i) => i.value), ...g.weights.map((w) => w.id)]);
    for (const id of g.constants.keys()) known.add(id);
    for (const [, v] of g.values) {
      expectThat(
        v.shape.every((d) => Number.isSafeInteger(d) && d >= 0),
        `value '${v.id}' has shape [${v.shape.join(', ')}]`,
      );
    }
    for (const op of g.ops) {
      for (const i of op.inputs) expectThat(i === '' || known.has(i), `op '${op.id}' reads undefined '${i}'`);
      for (const o of op.outputs) known.add(o);
    }
    for (const o of g.outputs) expectThat(known.has(o.value), `output '${o.name}' is never computed`);
    let total = 0;
    for (const w of g.weights) {
      const data = m.weights.get(w.id);
      expectThat(
        data !== undefined && data.length === numel(w.shape),
        `weight '${w.id}' holds the wrong count`,
      );
      total += numel(w.shape);
    }
    for (const [id, c] of g.constants) {
      expectThat(c.data.length === numel(c.shape), `constant '${id}' holds the wrong count`);
    }
    // Export again (skipped only for models too big to be worth re-encoding in a fuzz loop).
    if (total < 4_000_000) exportOnnx(g, m.weights, { name: 'fuzz' });
    let imported: ReturnType<typeof importedToDocument> | undefined;
    try {
      imported = importedToDocument(m, 'fuzz.onnx');
    } catch (e) {
      if (!(e instanceof NetloomError)) throw e;
    }
    if (imported) lowerDocument(imported.doc);
  },

  safetensors(input) {
    const tensors = decodeSafetensors(input, 'fuzz.safetensors');
    const n = Number(new DataView(input.buffer, input.byteOffset, input.byteLength).getBigUint64(0, true));
    let bytes = 0;
    for (const t of tensors.values()) bytes += t.data.length * 4;
    expectThat(8 + n + bytes === input.length, `${input.length - 8 - n - bytes} bytes belong to no tensor`);
    const header = JSON.parse(text(input.subarray(8, 8 + n))) as Record<
      string,
      { data_offsets: [number, number] }
    >;
    for (const [name, t] of tensors) {
      const [b, e] = header[name]!.data_offsets;
      const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      expectThat(sameBytes(raw, input.subarray(8 + n + b, 8 + n + e)), `tensor '${name}' is not its bytes`);
    }
    const again = decodeSafetensors(encodeSafetensors(tensors), 'again.safetensors');
    expectThat(
      isDeepStrictEqual([...again.keys()].sort(), [...tensors.keys()].sort()) &&
        [...tensors].every(([k, t]) => {
          const u = again.get(k)!;
          return (
            isDeepStrictEqual([...u.shape], [...t.shape]) &&
            sameBytes(new Uint8Array(u.data.buffer), new Uint8Array(t.data.slice().buffer))
          );
        }),
      'encode → decode changes the tensors',
    );
  },

  npy(input) {
    const t = readNpy(input, 'fuzz.npy');
    const data = t.data as Float32Array | BigInt64Array | Uint8Array;
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    expectThat(numel(t.shape) === data.length, 'the shape does not match the values');
    const offset = input.length - raw.length;
    expectThat(offset >= 10, 'more data than file');
    expectThat(sameBytes(raw, input.subarray(offset)), 'the values are not the file’s data bytes');
    // The header ends where the data starts: what the header says it is.
    const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
    const major = input[6]!;
    const headerEnd = major === 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true);
    expectThat(
      headerEnd === offset,
      `${offset - headerEnd} bytes between the header and the data are ignored`,
    );
  },

  csv(input) {
    const d = parseCsv(text(input), { path: 'fuzz.csv', name: 'fuzz' });
    const nf = d.featureShape.reduce((p, v) => p * v, 1);
    expectThat(d.x.length === d.size * nf, 'features and examples disagree');
    expectThat(
      d.x.every((v) => Number.isFinite(v)),
      'a feature is not finite',
    );
    if (d.task === 'classification') {
      expectThat(d.y.length === d.size, 'labels and examples disagree');
      expectThat(
        d.y.every((v) => Number.isInteger(v) && v >= 0 && v < (d.classes ?? 0)),
        'a label is not a class index',
      );
      // A two-class model must refuse a file with more classes, by NetloomError.
      if ((d.classes ?? 0) > 2) {
        let refused = false;
        try {
          checkLabels(d, twoClassModel(nf));
        } catch (e) {
          if (!(e instanceof NetloomError)) throw e;
          refused = true;
        }
        expectThat(refused, `${d.classes} classes accepted by a 2-class model`);
      }
    } else {
      expectThat(
        d.y.every((v) => Number.isFinite(v)),
        'a regression target is not finite',
      );
    }
  },

  ipc: (input) => ipcTarget(input),
};

function twoClassModel(features: number): Parameters<typeof checkLabels>[1] {
  const values = new Map([
    ['x', { id: 'x', shape: [1, features], dtype: 'float32' as const }],
    ['logits', { id: 'logits', shape: [1, 2], dtype: 'float32' as const }],
    ['label', { id: 'label', shape: [1], dtype: 'int64' as const }],
  ]);
  return {
    graph: { values, ops: [], inputs: [], outputs: [], weights: [], constants: new Map() },
    loss: 'loss',
    prediction: 'logits',
    features: 'x',
    targets: 'label',
  };
}

// ── IPC ────────────────────────────────────────────────────────────────────────────────────────

let ipcDir: string | undefined;

/** A folder with files the renderer was never given, and a link to one disguised as a project. */
function ipcFixtures(): { dir: string; victims: string[]; link: string; chosen: string } {
  if (!ipcDir) {
    ipcDir = nodeFs.realpathSync(nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'netloom-fuzz-ipc-')));
    nodeFs.writeFileSync(nodePath.join(ipcDir, 'victim.json'), '{"secret":1}');
    nodeFs.writeFileSync(nodePath.join(ipcDir, 'victim.onnx'), 'onnx secret');
    nodeFs.writeFileSync(nodePath.join(ipcDir, 'notes.txt'), 'my notes');
    nodeFs.symlinkSync(nodePath.join(ipcDir, 'notes.txt'), nodePath.join(ipcDir, 'x.json'));
    nodeFs.writeFileSync(nodePath.join(ipcDir, 'chosen.json'), '{"mine":1}');
  }
  const d = ipcDir;
  return {
    dir: d,
    victims: ['victim.json', 'victim.onnx', 'notes.txt'].map((f) => nodePath.join(d, f)),
    link: nodePath.join(d, 'x.json'),
    chosen: nodePath.join(d, 'chosen.json'),
  };
}

const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** A hostile or malformed value for a payload field, chosen by the input's bytes. */
function hostileValue(rng: Rng, f: ReturnType<typeof ipcFixtures>, proven: Set<string>): unknown {
  const paths = [
    ...f.victims,
    f.link,
    f.chosen,
    'victim.json',
    `${f.dir}/../${nodePath.basename(f.dir)}/victim.json`,
    `${f.victims[0]}\0.png`,
    '/etc/passwd',
    'x'.repeat(5000),
    '',
  ];
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  switch (rng.int(12)) {
    case 0:
      return pick(paths);
    case 1:
      return rng.int(2) === 0 ? 42 : -1;
    case 2:
      return null;
    case 3:
      return new Uint8Array(rng.int(64));
    case 4:
      return [pick(paths)];
    case 5:
      return { __proto__: { path: pick(paths) } };
    case 6:
      return JSON.parse('{"__proto__": {"polluted": true}, "path": "x"}') as unknown;
    case 7:
      return { files: [{ path: pick(paths), size: rng.int(20), sha256: sha(String(rng.next())) }] };
    case 8: {
      // A drop proof with the right hash of a victim: what a renderer knowing the bytes could send.
      const p = pick([...f.victims, f.link]);
      const bytes = nodeFs.readFileSync(p);
      proven.add(sha(bytes));
      return { files: [{ path: p, size: bytes.length, sha256: sha(bytes) }] };
    }
    case 9:
      return { filters: [{ name: 'x', extensions: [pick(['json', '../x', '*', 'a'.repeat(40)])] }] };
    case 10:
      return 'x'.repeat(rng.int(3) === 0 ? 100_000 : 10);
    default:
      return undefined;
  }
}

async function ipcTarget(input: Uint8Array): Promise<void> {
  const f = ipcFixtures();
  const rng = new Rng(input.reduce((h, b) => Math.imul(h ^ b, 16777619) >>> 0, 2166136261));
  const before = f.victims.map((v) => nodeFs.readFileSync(v));
  const rig = makeRig();
  rig.dialog.openAnswers.push([f.chosen]);
  // The user: saves new files only in a folder of their own, and never agrees to overwrite a file
  // that was (said to be) dropped.
  rig.dialog.saveAnswers.push(nodePath.join(rig.dir, 'new.json'));
  rig.dialog.boxAnswers.push(...new Array<number>(50).fill(1));
  const proven = new Set<string>();
  await rig.ipc.invoke(invokeChannels.openFile, { filters: [] });
  try {
    await attackRig(rig, rng, f, proven, before);
  } finally {
    nodeFs.rmSync(rig.dir, { recursive: true, force: true });
  }
}

async function attackRig(
  rig: ReturnType<typeof makeRig>,
  rng: Rng,
  f: ReturnType<typeof ipcFixtures>,
  proven: Set<string>,
  before: Buffer[],
): Promise<void> {
  const channels = [...Object.values(invokeChannels), ...Object.values(sendChannels)];
  for (let k = 0; k < 3; k++) {
    const channel = channels[rng.int(channels.length)]!;
    const payload: Record<string, unknown> = {};
    for (const key of [
      'path',
      'paths',
      'files',
      'bytes',
      'filters',
      'suggestedName',
      'meta',
      'title',
      'dirty',
      'command',
    ]) {
      if (rng.int(3) === 0) payload[key] = hostileValue(rng, f, proven);
    }
    if (rng.int(4) === 0) payload['bytes'] = new Uint8Array([1, 2, 3]);
    const sent: unknown = rng.int(5) === 0 ? hostileValue(rng, f, proven) : payload;
    const url = rng.int(10) === 0 ? 'https://evil.example/' : undefined;
    try {
      if ((Object.values(invokeChannels) as string[]).includes(channel))
        await rig.ipc.invoke(channel, sent, url);
      else rig.ipc.send(channel, sent, url);
    } catch (e) {
      if (!(e instanceof IpcPayloadError)) throw e;
    }
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  }
  f.victims.forEach((v, i) => {
    expectThat(sameBytes(nodeFs.readFileSync(v), before[i]!), `${nodePath.basename(v)} was changed`);
    // notes.txt may be read only as what it is; none of them may be granted.
    expectThat(!rig.grants.canWrite(v), `${nodePath.basename(v)} may be overwritten`);
    // Read access only for a renderer that showed it already holds the file's bytes.
    expectThat(
      !rig.grants.isAllowed(v) || proven.has(sha(before[i]!)),
      `${nodePath.basename(v)} was granted`,
    );
  });
  expectThat(nodeFs.lstatSync(f.link).isSymbolicLink(), 'the link was replaced');
  // The recent list grants writing at the next start.
  expectThat(
    !rig.recent.list().some((p) => f.victims.includes(p) || p === f.link),
    'a victim is on the recent list',
  );
  for (const s of rig.win.sent) {
    const bytes = (s.payload as { bytes?: Uint8Array } | undefined)?.bytes;
    if (!bytes) continue;
    expectThat(
      !before.some((b) => sameBytes(b, bytes) && !proven.has(sha(b))),
      'a victim’s bytes were sent to a page that did not hold them',
    );
  }
}

export type { NetloomDocument };

// `netloom run`: runs an ONNX model (or a project, exported on the fly) with onnxruntime-web WASM
// on .npy inputs and writes one .npy per output.
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-web';
import { exportDocument } from '../onnx/from-document.ts';
import { createSession, runSession } from '../runtime/ort-session.ts';
import { readNpy, writeNpy } from '../runtime/npy.ts';
import type { HostTensor } from '../runtime/tensors.ts';
import { NetloomError } from '../util/errors.ts';
import { oneFile, parse } from './args.ts';
import type { Command } from './command.ts';
import { UsageError } from './io.ts';
import type { CliIO } from './io.ts';
import { loadProject } from './project.ts';

function modelBytes(io: CliIO, file: string): Uint8Array {
  return /\.onnx$/i.test(file) ? io.readFile(file) : exportDocument(loadProject(io, file)).bytes;
}

/** NAME=file.npy pairs. */
export function parseBindings(list: readonly string[], flag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1)
      throw new UsageError(`${flag} expects NAME=file.npy; got '${item}'`);
    out.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return out;
}

const shapeText = (dims: readonly (number | string)[]) => `[${dims.join(', ')}]`;

/**
 * Checks a file's tensor against what the model declares for the input, so a mismatch names the
 * file and both shapes instead of surfacing as an onnxruntime error code.
 */
function checkFeed(meta: InferenceSession.ValueMetadata | undefined, t: HostTensor, file: string): void {
  if (!meta?.isTensor) return;
  const want = meta.shape;
  const fits =
    meta.type === t.dtype &&
    (want.length === 0 ||
      (want.length === t.shape.length && want.every((d, i) => typeof d !== 'number' || d === t.shape[i])));
  if (!fits)
    throw new NetloomError(
      'invalid-file',
      `${file}: input '${meta.name}' takes ${meta.type} ${shapeText(want)}; the file holds ${t.dtype} ${shapeText(t.shape)}`,
      { path: file },
    );
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a model on .npy inputs with onnxruntime-web (WASM); one .npy per output',
  usage: 'netloom run <model.onnx|project.json|template-name> --input NAME=file.npy ... --out DIR',
  async run(args, io) {
    const { values, positionals } = parse(args, {
      input: { type: 'string', multiple: true },
      out: { type: 'string', short: 'o' },
    });
    const file = oneFile(positionals, 'model file (.onnx) or project');
    if (!values.out) throw new UsageError('missing --out DIR');
    const bindings = parseBindings(values.input ?? [], '--input');
    const session = await createSession(modelBytes(io, file), { threads: 1 });
    try {
      const expected = session.inputNames;
      const unknown = [...bindings.keys()].filter((k) => !expected.includes(k));
      if (unknown.length)
        throw new UsageError(
          `the model has no input '${unknown[0]}'; its inputs are: ${expected.join(', ')}`,
        );
      const missing = expected.filter((k) => !bindings.has(k));
      if (missing.length)
        throw new UsageError(
          `give every input: missing ${missing.map((m) => `--input ${m}=file.npy`).join(' ')}`,
        );
      const feeds: Record<string, HostTensor> = {};
      for (const [k, f] of bindings) {
        const t = readNpy(io.readFile(f), f);
        checkFeed(
          session.inputMetadata.find((m) => m.name === k),
          t,
          f,
        );
        feeds[k] = t;
      }
      let outputs: Record<string, HostTensor>;
      try {
        outputs = await runSession(session, feeds);
      } catch (e) {
        const why = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
        throw new NetloomError('runtime', `running ${file} failed: ${why}`);
      }
      io.mkdir(values.out);
      for (const [name, t] of Object.entries(outputs)) {
        const path = join(values.out, `${name.replace(/[^\w.-]/g, '_')}.npy`);
        await io.writeFile(path, writeNpy(t));
        io.out(`${path}: ${t.dtype} [${t.shape.join(', ')}]`);
      }
      return 0;
    } finally {
      await session.release();
    }
  },
};

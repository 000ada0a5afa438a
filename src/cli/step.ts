// `netloom step`: one optimizer step on any model — a project, a template or an ONNX file (a
// torch export included) — with a batch from .npy files, written back as an updated model.
import type { Graph, Weight } from '../ir/types.ts';
import type { WeightValues } from '../ir/weights.ts';
import { lowerOrThrow } from '../compile/diagnostics.ts';
import { materializeWeights } from '../ir/weights.ts';
import { GraphEditor } from '../autodiff/graph-editor.ts';
import { appendLoss, lossKinds, targetType } from '../autodiff/losses.ts';
import type { LossKind } from '../autodiff/losses.ts';
import { optimizerNames } from '../autodiff/optimizers.ts';
import type { OptimizerName } from '../autodiff/optimizers.ts';
import { buildStepGraph } from '../autodiff/step-graph.ts';
import { exportOnnx } from '../onnx/export.ts';
import { importOnnx } from '../onnx/import.ts';
import { exportDocument } from '../onnx/from-document.ts';
import { readNpy } from '../runtime/npy.ts';
import { assertFiniteWeights, StepRunner, TensorStore } from '../runtime/step-runner.ts';
import type { HostTensor } from '../runtime/tensors.ts';
import { NetloomError } from '../util/errors.ts';
import { oneFile, parse } from './args.ts';
import type { Command } from './command.ts';
import type { CliIO } from './io.ts';
import { UsageError } from './io.ts';
import { loadProject } from './project.ts';

/** An ONNX file as an IR graph (built for `batch`) with its weight values. */
export type OnnxImporter = (
  bytes: Uint8Array,
  path: string,
  batch: number,
) => { graph: Graph; weights: WeightValues } | Promise<{ graph: Graph; weights: WeightValues }>;

/** src/onnx/import.ts, with a symbolic batch axis sized to the batch in the .npy files. */
export const importForStep: OnnxImporter = (bytes, path, batch) => importOnnx(bytes, { path, batch });

function namedFile(v: string, flag: string): { name: string; file: string } {
  const i = v.indexOf('=');
  if (i <= 0 || i === v.length - 1) throw new UsageError(`${flag} takes NAME=file.npy; got '${v}'`);
  return { name: v.slice(0, i), file: v.slice(i + 1) };
}

interface Model {
  readonly graph: Graph;
  readonly weights: Map<string, Float32Array>;
  /** Writes the model with updated weights. */
  save(weights: WeightValues): Uint8Array;
}

function checkInput(graph: Graph, name: string, t: HostTensor, file: string): void {
  const inp = graph.inputs.find((i) => i.name === name || i.value === name);
  if (!inp) {
    throw new NetloomError(
      'bad-argument',
      `The model has no input "${name}" (inputs: ${graph.inputs.map((i) => i.name).join(', ')})`,
    );
  }
  const v = graph.values.get(inp.value)!;
  const want = [t.shape[0], ...v.shape.slice(1)];
  if (v.dtype !== t.dtype || t.shape.length !== v.shape.length || t.shape.some((d, k) => d !== want[k])) {
    throw new NetloomError(
      'bad-argument',
      `${file}: input "${name}" takes ${v.dtype} [N, ${v.shape.slice(1).join(', ')}]; the file holds ${t.dtype} [${t.shape.join(', ')}]`,
      { path: file },
    );
  }
}

export function stepCommand(importer: OnnxImporter | undefined = importForStep): Command {
  return {
    name: 'step',
    summary: 'run one training step on a model with a batch from .npy files',
    usage:
      'netloom step <model.onnx|project.json|template-name> --input NAME=x.npy --target NAME=y.npy\n' +
      `    --loss ${lossKinds.join('|')} [--optimizer ${optimizerNames.join('|')}] [--lr X] [--output NAME] -o updated.onnx`,
    async run(args, io) {
      const { values, positionals } = parse(args, {
        input: { type: 'string', multiple: true },
        target: { type: 'string' },
        loss: { type: 'string' },
        optimizer: { type: 'string' },
        lr: { type: 'string' },
        output: { type: 'string' },
        out: { type: 'string', short: 'o' },
      });
      const source = oneFile(positionals, 'model file, project file or template name');
      if (!values.out) throw new UsageError('missing -o updated.onnx');
      if (!values.input?.length) throw new UsageError('missing --input NAME=x.npy');
      if (!values.target) throw new UsageError('missing --target NAME=y.npy');
      const loss = (values.loss ?? '') as LossKind;
      if (!(lossKinds as readonly string[]).includes(loss)) {
        throw new UsageError(`--loss must be one of ${lossKinds.join(', ')}; got '${values.loss ?? ''}'`);
      }
      const opt = (values.optimizer ?? 'sgd') as OptimizerName;
      if (!(optimizerNames as readonly string[]).includes(opt)) {
        throw new UsageError(`--optimizer must be one of ${optimizerNames.join(', ')}; got '${opt}'`);
      }
      const lr = values.lr === undefined ? 0.01 : Number(values.lr);
      if (!(lr > 0)) throw new UsageError(`--lr must be a positive number; got '${values.lr}'`);
      const inputs = values.input.map((v) => namedFile(v, '--input'));
      const target = namedFile(values.target, '--target');
      const batch: Record<string, HostTensor> = {};
      for (const f of [...inputs, target]) batch[f.name] = readNpy(io.readFile(f.file), f.file);
      const n = batch[inputs[0]!.name]!.shape[0] ?? 1;

      const model = await loadModel(io, source, n, importer);
      for (const f of inputs) checkInput(model.graph, f.name, batch[f.name]!, f.file);
      const outs = model.graph.outputs.filter((o) => o.role === 'output');
      const out = values.output ? outs.find((o) => o.name === values.output) : outs[0];
      if (!out) {
        throw new NetloomError(
          'bad-argument',
          values.output
            ? `The model has no output "${values.output}" (outputs: ${outs.map((o) => o.name).join(', ')})`
            : 'The model has no output to put a loss on',
        );
      }
      const g = new GraphEditor(model.graph, 'loss');
      const predShape = g.shape(out.value);
      const tt = targetType(loss, predShape);
      const t = batch[target.name]!;
      if (t.dtype !== tt.dtype || t.shape.join(',') !== tt.shape.join(',')) {
        throw new NetloomError(
          'bad-argument',
          `${target.file}: ${loss} on output "${out.name}" [${predShape.join(', ')}] needs a ${tt.dtype} target [${tt.shape.join(', ')}]; the file holds ${t.dtype} [${t.shape.join(', ')}]`,
          { path: target.file },
        );
      }
      const tname = model.graph.values.has(target.name) ? `${target.name}::target` : target.name;
      if (tname !== target.name) batch[tname] = t;
      const lossValue = appendLoss(g, loss, out.value, g.input(tname, tt, true));
      const params = model.graph.weights.filter((w: Weight) => w.role === 'param').map((w) => w.id);
      const step = buildStepGraph({
        forward: g.build(),
        loss: lossValue,
        params,
        optimizer: { name: opt, lr },
      });
      if (params.length > 0 && step.unreached.length === params.length) {
        throw new NetloomError(
          'unsupported-op',
          `The ${loss} loss on output "${out.name}" reaches none of the ${params.length} parameters through differentiable ops`,
        );
      }
      const store = TensorStore.fromWeights(
        model.weights,
        new Map(model.graph.weights.map((w) => [w.id, w.shape])),
      );
      const runner = await StepRunner.create(step, store);
      try {
        const r = await runner.run(batch, lr);
        const updated = await store.read(model.graph.weights.map((w) => w.id));
        // Nothing is written when the update overflowed: the culprit is named instead.
        assertFiniteWeights(updated, model.graph.weights, r.step);
        await io.writeFile(values.out, model.save(updated));
        const updatedCount = params.length - step.unreached.length;
        io.out(
          `loss ${r.loss.toPrecision(6)} before the step; ${updatedCount} parameters updated (${opt}, lr ${lr}) → ${values.out}`,
        );
      } finally {
        await runner.release();
        store.dispose();
      }
      return 0;
    },
  };
}

async function loadModel(io: CliIO, source: string, batch: number, importer?: OnnxImporter): Promise<Model> {
  if (/\.onnx$/i.test(source)) {
    if (!importer) throw new NetloomError('unsupported-op', 'ONNX import is not available in this build');
    const { graph, weights } = await importer(io.readFile(source), source, batch);
    const values = materializeWeights(graph.weights, 0, weights);
    return { graph, weights: values, save: (w) => exportOnnx(graph, w, { name: 'netloom-step' }) };
  }
  const doc = loadProject(io, source);
  const lowered = lowerOrThrow(doc, { mode: 'training', batch });
  const weights = materializeWeights(lowered.graph.weights, 0);
  return {
    graph: lowered.graph,
    weights,
    save: (w) => exportDocument(doc, { weights: w }).bytes,
  };
}

// "Try it": draw a digit with the mouse and see what the trained model says, from the same ONNX
// bytes the export writes (run through the runtime's session seam, one WASM thread on the page).
import { useRef, useState } from 'react';
import { exportDocument } from '../../src/onnx/from-document.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { mnistMean, mnistSide, mnistStd } from '../../src/runtime/datasets/mnist.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import { generateText, openTextModel } from '../../src/runtime/generate.ts';
import { loadPageRuntime } from './page-runtime.ts';

const BOX = 168;

/**
 * The drawing as MNIST would have it: the ink's bounding box scaled to fit 20×20, centred in
 * 28×28, grey levels in [0, 1], then standardised as the training data was.
 */
export function digitFromCanvas(canvas: HTMLCanvasElement): Float32Array | undefined {
  const ctx = canvas.getContext('2d')!;
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let x0 = canvas.width;
  let y0 = canvas.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < canvas.height; y++)
    for (let x = 0; x < canvas.width; x++)
      if (data[(y * canvas.width + x) * 4 + 3]! > 20) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
  if (x1 < 0) return undefined;
  const side = Math.max(x1 - x0, y1 - y0) + 1;
  const small = document.createElement('canvas');
  small.width = mnistSide;
  small.height = mnistSide;
  const sctx = small.getContext('2d')!;
  const fit = 20;
  const w = ((x1 - x0 + 1) / side) * fit;
  const h = ((y1 - y0 + 1) / side) * fit;
  sctx.drawImage(canvas, x0, y0, x1 - x0 + 1, y1 - y0 + 1, (28 - w) / 2, (28 - h) / 2, w, h);
  const px = sctx.getImageData(0, 0, mnistSide, mnistSide).data;
  const out = new Float32Array(mnistSide * mnistSide);
  for (let i = 0; i < out.length; i++) out[i] = (px[i * 4 + 3]! / 255 - mnistMean) / mnistStd;
  return out;
}

export function TryIt(props: { doc: NetloomDocument; weights: Record<string, Float32Array> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [probs, setProbs] = useState<number[]>();
  const [error, setError] = useState<string>();

  function at(e: React.PointerEvent<HTMLCanvasElement>): [number, number] {
    const r = e.currentTarget.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * BOX, ((e.clientY - r.top) / r.height) * BOX];
  }

  function stroke(e: React.PointerEvent<HTMLCanvasElement>, start: boolean): void {
    const ctx = canvas.current!.getContext('2d')!;
    const [x, y] = at(e);
    ctx.lineWidth = 14;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#f8fafc';
    if (start) {
      ctx.beginPath();
      ctx.moveTo(x, y);
    }
    ctx.lineTo(x, y);
    ctx.stroke();
  }

  async function predict(): Promise<void> {
    const x = canvas.current && digitFromCanvas(canvas.current);
    if (!x) return;
    try {
      const { bytes, lowered } = exportDocument(props.doc, {
        weights: new Map(Object.entries(props.weights)),
      });
      const input = lowered.graph.inputs.find((i) => i.batched) ?? lowered.graph.inputs[0];
      const output = lowered.graph.outputs.find((o) => o.role === 'output');
      if (!input || !output) throw new Error('The model has no input or output to try');
      const shape = lowered.graph.values.get(input.value)!.shape.slice(1);
      // Threads on the page would start workers from the page's own bundle; one is plenty here.
      await loadPageRuntime();
      const res = await runOnnx(
        bytes,
        { [input.name]: { dtype: 'float32', shape: [1, ...shape], data: x } },
        { backend: 'wasm', threads: 1 },
      );
      const logits = res[output.name]!.data as Float32Array;
      // Softmax over the classes (one output is a logit: class 1 by its sigmoid).
      const mx = Math.max(...logits);
      const e = Array.from(logits, (v) => Math.exp(v - mx));
      const s = e.reduce((a, b) => a + b, 0);
      const p1 = 1 / (1 + Math.exp(-logits[0]!));
      setProbs(logits.length === 1 ? [1 - p1, p1] : e.map((v) => v / s));
      setError(undefined);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  const best = probs ? probs.indexOf(Math.max(...probs)) : undefined;
  return (
    <div className="try-it" data-testid="try-it">
      <h4>Try it: draw a digit</h4>
      <div className="try-row">
        <canvas
          ref={canvas}
          width={BOX}
          height={BOX}
          className="draw-box"
          data-testid="draw-box"
          onPointerDown={(e) => {
            drawing.current = true;
            e.currentTarget.setPointerCapture(e.pointerId);
            stroke(e, true);
          }}
          onPointerMove={(e) => drawing.current && stroke(e, false)}
          onPointerUp={() => {
            drawing.current = false;
            void predict();
          }}
        />
        <div className="try-result">
          <div className="try-digit" data-testid="try-prediction">
            {best ?? '?'}
          </div>
          {probs && (
            <div className="bars">
              {probs.map((p, i) => (
                <div key={i} className="bar-row">
                  <span>{i}</span>
                  <span className="bar" style={{ width: `${Math.round(p * 100)}%` }} />
                </div>
              ))}
            </div>
          )}
          <button
            onClick={() => {
              canvas.current?.getContext('2d')?.clearRect(0, 0, BOX, BOX);
              setProbs(undefined);
            }}
          >
            Clear
          </button>
        </div>
      </div>
      {error && <p className="diag error">{error}</p>}
    </div>
  );
}

/**
 * Whether a document reads character tokens: an int64 Input of a sequence into an Embedding, and
 * no class label per example (an int64 Input of shape []: a text classifier, which generates nothing).
 */
export function isTextModel(doc: NetloomDocument): boolean {
  const int64Inputs = doc.nodes
    .filter((n) => n.kind === 'Input' && (n.params as { dtype?: unknown }).dtype === 'int64')
    .map((n) => (n.params as { shape?: unknown }).shape);
  const seqInput = int64Inputs.some((s) => Array.isArray(s) && s.length === 1);
  const label = int64Inputs.some((s) => Array.isArray(s) && s.length === 0);
  return seqInput && !label && doc.nodes.some((n) => n.kind === 'Embedding');
}

/**
 * "Try it" for a character language model: a prompt, Generate, and the continuation streaming in
 * as the runtime's sampler (src/runtime/generate.ts) draws each character from the exported ONNX.
 */
export function TryText(props: { doc: NetloomDocument; weights: Record<string, Float32Array> }) {
  const [prompt, setPrompt] = useState('Shall I ');
  const [temperature, setTemperature] = useState(0.8);
  const [topK, setTopK] = useState(10);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const stop = useRef(false);

  async function generate(): Promise<void> {
    setBusy(true);
    setError(undefined);
    setText('');
    stop.current = false;
    try {
      await loadPageRuntime();
      const model = await openTextModel(props.doc, {
        weights: new Map(Object.entries(props.weights)),
        backend: 'wasm',
        threads: 1,
      });
      try {
        let shown = '';
        await generateText(model, prompt, 300, {
          temperature,
          topK,
          seed: Date.now() % 100000,
          shouldStop: () => stop.current,
          onText: async (c) => {
            shown += c;
            setText(shown);
            // Let React paint the new character before the next model run.
            await new Promise((r) => setTimeout(r, 0));
          },
        });
      } finally {
        await model.release();
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="try-it" data-testid="try-text">
      <h4>Try it: continue a prompt</h4>
      <textarea
        value={prompt}
        rows={2}
        aria-label="Prompt"
        data-testid="try-prompt"
        onChange={(e) => setPrompt(e.target.value)}
      />
      <div className="try-row">
        <label>
          Temperature{' '}
          <input
            type="number"
            min={0}
            max={10}
            step={0.1}
            value={temperature}
            data-testid="try-temperature"
            onChange={(e) => setTemperature(Number(e.target.value))}
          />
        </label>
        <label>
          Top-k{' '}
          <input
            type="number"
            min={0}
            step={1}
            value={topK}
            data-testid="try-top-k"
            onChange={(e) => setTopK(Math.max(0, Math.round(Number(e.target.value))))}
          />
        </label>
        {busy ? (
          <button onClick={() => (stop.current = true)}>Stop</button>
        ) : (
          <button data-testid="try-generate" onClick={() => void generate()}>
            Generate
          </button>
        )}
      </div>
      <pre className="try-generated" data-testid="try-generated">
        <span className="prompt">{prompt}</span>
        {text}
      </pre>
      {error && <p className="diag error">{error}</p>}
    </div>
  );
}

// "Try it" for a conditional generator: press a digit, see eight fresh samples of it, from the
// same ONNX bytes the export writes (run on the page, one WASM thread).
import { useRef, useState } from 'react';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { conditionalSamples } from '../../src/runtime/conditional-samples.ts';

const CELL = 36;

export function DrawDigit(props: { doc: NetloomDocument; weights: Record<string, Float32Array> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const seed = useRef(1);
  const [asked, setAsked] = useState<number>();
  const [error, setError] = useState<string>();

  async function draw(label: number): Promise<void> {
    try {
      const s = await conditionalSamples(props.doc, new Map(Object.entries(props.weights)), label, {
        count: 8,
        seed: seed.current++,
        backends: ['wasm'],
        threads: 1,
      });
      const ctx = canvas.current!.getContext('2d')!;
      const img = ctx.createImageData(s.side, s.side);
      const scratch = document.createElement('canvas');
      scratch.width = s.side;
      scratch.height = s.side;
      const sctx = scratch.getContext('2d')!;
      ctx.imageSmoothingEnabled = false;
      ctx.clearRect(0, 0, canvas.current!.width, canvas.current!.height);
      const px = s.side * s.side;
      for (let i = 0; i < s.count; i++) {
        for (let j = 0; j < px; j++) {
          // The generator's pixels are in [0, 1] (a sigmoid); clamp anything outside.
          const g = Math.round(Math.min(1, Math.max(0, s.images[i * px + j]!)) * 255);
          img.data.set([g, g, g, 255], j * 4);
        }
        sctx.putImageData(img, 0, 0);
        ctx.drawImage(scratch, i * CELL + 1, 1, CELL - 2, CELL - 2);
      }
      setAsked(label);
      setError(undefined);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <div className="try-it" data-testid="draw-digit">
      <h4>Try it: ask for a digit</h4>
      <div className="digit-buttons">
        {Array.from({ length: 10 }, (_, d) => (
          <button key={d} onClick={() => void draw(d)} data-testid={`draw-digit-${d}`}>
            {d}
          </button>
        ))}
      </div>
      <canvas ref={canvas} width={CELL * 8} height={CELL} data-testid="drawn-digits" />
      <p className="caption" data-testid="drawn-caption">
        {asked === undefined ? 'press a digit' : `eight fresh draws of ${asked}, new noise each press`}
      </p>
      {error && <p className="diag error">{error}</p>}
    </div>
  );
}

import { PNG } from 'pngjs';
import { writeFileSync } from 'node:fs';
import { generateShapes, shapeClasses } from './src/runtime/datasets/shapes.ts';
const t0 = performance.now();
const s = generateShapes(6000);
console.log('generate 6000:', (performance.now() - t0).toFixed(0), 'ms');
const cols = 10, rows = 8, side = 32, scale = 3;
const png = new PNG({ width: cols * side * scale, height: rows * 2 * side * scale });
for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
  const n = r * cols + c;
  for (let y = 0; y < side * scale; y++) for (let x = 0; x < side * scale; x++) {
    const i = Math.floor(y / scale) * side + Math.floor(x / scale);
    const o = (((r * 2) * side * scale + y) * png.width + c * side * scale + x) * 4;
    for (let ch = 0; ch < 3; ch++) png.data[o + ch] = s.pixels[n * 3 * 1024 + ch * 1024 + i]!;
    png.data[o + 3] = 255;
    const o2 = (((r * 2 + 1) * side * scale + y) * png.width + c * side * scale + x) * 4;
    const m = s.masks[n * 1024 + i]!;
    png.data[o2] = m ? 40 + 20 * m : 0; png.data[o2 + 1] = m ? 255 - 20 * m : 0; png.data[o2 + 2] = m ? 128 : 0; png.data[o2 + 3] = 255;
  }
}
writeFileSync('/tmp/i16/shapes.png', PNG.sync.write(png));
console.log(shapeClasses.join(' '));

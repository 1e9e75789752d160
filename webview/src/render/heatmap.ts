// Heatmaps (2-D maps, and [C] vectors as a 1-row strip) and line plots (1-D signals) on canvas.
import { diverging } from './colors';

// Pixels are coloured through a table of the diverging scale (TABLE_SIZE steps over [-1, 1]),
// written as whole 32-bit RGBA words: a resnet's first layers are ~1M pixels per screen, and a
// per-pixel call returning an [r, g, b] array kept the page's main thread busy while the worker
// ran. Adjacent steps differ by at most 0.13 of a colour level, so each channel is within one
// level of diverging(v).
const TABLE_SIZE = 4096;
let table: Uint32Array | null = null;
let nanColour = 0;

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** RGBA packed as the 32-bit word an ImageData buffer holds on this machine's byte order. */
function pack(r: number, g: number, b: number): number {
  return littleEndian ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
}

function colourTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(TABLE_SIZE);
  for (let i = 0; i < TABLE_SIZE; i++) {
    const [r, g, b] = diverging(-1 + (2 * i) / (TABLE_SIZE - 1));
    table[i] = pack(r, g, b);
  }
  const [r, g, b] = diverging(NaN);
  nanColour = pack(r, g, b);
  return table;
}

/** Colours n values (data[offset…offset+n), divided by scale) into packed RGBA words. */
export function colourize(data: ArrayLike<number>, offset: number, n: number, scale: number, out: Uint32Array): void {
  const t = colourTable();
  const half = (TABLE_SIZE - 1) / 2;
  const k = half / scale;
  const top = TABLE_SIZE - 1;
  for (let i = 0; i < n; i++) {
    const v = data[offset + i];
    if (v !== v) {
      out[i] = nanColour;
      continue;
    }
    const f = v * k + half + 0.5;
    out[i] = t[f <= 0 ? 0 : f >= top ? top : f | 0];
  }
}

/** Paints an H×W map (row-major, at `offset` in data) into a canvas of intrinsic size W×H. */
export function paintHeatmap(canvas: HTMLCanvasElement, data: ArrayLike<number>, offset: number, H: number, W: number, scale: number): void {
  // Every pixel is overwritten below, so a canvas that already has the size is not reset.
  if (canvas.width !== W) canvas.width = W;
  if (canvas.height !== H) canvas.height = H;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(W, H);
  colourize(data, offset, H * W, scale, new Uint32Array(img.data.buffer));
  ctx.putImageData(img, 0, 0);
}

/** Draws a 1-D signal of length L as a line plot into a canvas of size w×h (y range ±scale). */
export function paintLine(canvas: HTMLCanvasElement, data: ArrayLike<number>, offset: number, L: number, scale: number, w: number, h: number, color: string): void {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = 'rgba(128,128,128,0.5)';
  ctx.beginPath();
  ctx.moveTo(0, h / 2);
  ctx.lineTo(w, h / 2);
  ctx.stroke();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let i = 0; i < L; i++) {
    const x = L === 1 ? w / 2 : ((i + 0.5) / L) * w;
    const y = h / 2 - (data[offset + i] / scale) * (h / 2 - 2);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.stroke();
}

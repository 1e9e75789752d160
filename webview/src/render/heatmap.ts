// Heatmaps (2-D maps, and [C] vectors as a 1-row strip) and line plots (1-D signals) on canvas.
import { colourOf, diverging, type Colormap } from './colors';

// Pixels are coloured through a table of each colour scale (TABLE_SIZE steps over its domain),
// written as whole 32-bit RGBA words: a resnet's first layers are ~1M pixels per screen, and a
// per-pixel call returning an [r, g, b] array kept the page's main thread busy while the worker
// ran. Adjacent steps differ by at most a fraction of a colour level, so each channel is within
// one level of the scale's own colour.
const TABLE_SIZE = 4096;
const tables = new Map<Colormap, Uint32Array>();
let nanColour = 0;

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** RGBA packed as the 32-bit word an ImageData buffer holds on this machine's byte order. */
function pack(r: number, g: number, b: number): number {
  return littleEndian ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
}

/** The table of a scale: entry i is the colour at i / (TABLE_SIZE − 1) of its domain. */
function colourTable(map: Colormap): Uint32Array {
  let table = tables.get(map);
  if (table) return table;
  table = new Uint32Array(TABLE_SIZE);
  for (let i = 0; i < TABLE_SIZE; i++) {
    const f = i / (TABLE_SIZE - 1);
    const [r, g, b] = colourOf(map, map === 'viridis' ? f : 2 * f - 1, 1);
    table[i] = pack(r, g, b);
  }
  tables.set(map, table);
  const [r, g, b] = diverging(NaN);
  nanColour = pack(r, g, b);
  return table;
}

/**
 * Colours n values (data[offset…offset+n)) into packed RGBA words: viridis over [0, scale],
 * diverging over [-scale, scale]; values beyond are clamped, NaN is grey.
 */
export function colourize(data: ArrayLike<number>, offset: number, n: number, scale: number, out: Uint32Array, map: Colormap = 'diverging', outOffset = 0): void {
  const t = colourTable(map);
  const top = TABLE_SIZE - 1;
  // Table index = v·k + base (+ 0.5 to round): viridis maps [0, scale], diverging [-scale, scale].
  const k = map === 'viridis' ? top / scale : top / (2 * scale);
  const base = (map === 'viridis' ? 0 : top / 2) + 0.5;
  for (let i = 0; i < n; i++) {
    const v = data[offset + i];
    if (v !== v) {
      out[outOffset + i] = nanColour;
      continue;
    }
    const f = v * k + base;
    out[outOffset + i] = t[f <= 0 ? 0 : f >= top ? top : f | 0];
  }
}

/** A rectangle of a map: columns x0…x0+w, rows y0…y0+h. */
export interface MapWindow {
  x0: number;
  y0: number;
  w: number;
  h: number;
}

/**
 * Paints the window `win` of a map with W columns (row-major, at `offset` in data) into a canvas
 * of intrinsic size win.w × win.h.
 */
export function paintHeatmap(canvas: HTMLCanvasElement, data: ArrayLike<number>, offset: number, W: number, win: MapWindow, scale: number, map: Colormap): void {
  // Every pixel is overwritten below, so a canvas that already has the size is not reset.
  if (canvas.width !== win.w) canvas.width = win.w;
  if (canvas.height !== win.h) canvas.height = win.h;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(win.w, win.h);
  const words = new Uint32Array(img.data.buffer);
  for (let y = 0; y < win.h; y++) colourize(data, offset + (win.y0 + y) * W + win.x0, win.w, scale, words, map, y * win.w);
  ctx.putImageData(img, 0, 0);
}

/** Paints three planes (R, G, B values, each H×W at offsets) as a colour image, [lo, hi] → [0, 255]. */
export function paintRgb(canvas: HTMLCanvasElement, data: ArrayLike<number>, offsets: [number, number, number], W: number, win: MapWindow, lo: number, hi: number): void {
  canvas.width = win.w;
  canvas.height = win.h;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(win.w, win.h);
  const px = img.data;
  const k = hi > lo ? 255 / (hi - lo) : 0;
  for (let y = 0; y < win.h; y++) {
    for (let x = 0; x < win.w; x++) {
      const src = (win.y0 + y) * W + win.x0 + x;
      const o = (y * win.w + x) * 4;
      for (let c = 0; c < 3; c++) px[o + c] = (data[offsets[c] + src] - lo) * k;
      px[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
}

/**
 * Draws samples x0…x0+n of a 1-D signal (at `offset` in data) as a line plot into a w×h canvas:
 * y from -scale to scale about a middle axis when signed, otherwise from 0 (the bottom) to scale.
 */
export function paintLine(canvas: HTMLCanvasElement, data: ArrayLike<number>, offset: number, x0: number, n: number, scale: number, w: number, h: number, color: string, signed: boolean): void {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, w, h);
  const axis = signed ? h / 2 : h - 2;
  const span = signed ? h / 2 - 2 : h - 4;
  ctx.strokeStyle = 'rgba(128,128,128,0.5)';
  ctx.beginPath();
  ctx.moveTo(0, axis);
  ctx.lineTo(w, axis);
  ctx.stroke();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    const x = n === 1 ? w / 2 : ((i + 0.5) / n) * w;
    const y = axis - (data[offset + x0 + i] / scale) * span;
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.stroke();
}

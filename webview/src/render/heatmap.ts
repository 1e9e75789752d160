// Heatmaps (2-D maps, and [C] vectors as a 1-row strip) and line plots (1-D signals) on canvas.
import { diverging } from './colors';

/** Paints an H×W map (row-major, at `offset` in data) into a canvas of intrinsic size W×H. */
export function paintHeatmap(canvas: HTMLCanvasElement, data: ArrayLike<number>, offset: number, H: number, W: number, scale: number): void {
  canvas.width = W;
  canvas.height = H;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(W, H);
  for (let i = 0; i < H * W; i++) {
    const [r, g, b] = diverging(data[offset + i] / scale);
    img.data[i * 4] = r;
    img.data[i * 4 + 1] = g;
    img.data[i * 4 + 2] = b;
    img.data[i * 4 + 3] = 255;
  }
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

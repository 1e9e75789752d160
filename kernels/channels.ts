// Kernels that only move channels or elements: slicing channels (torch.chunk / split, darknet
// route groups, the values of multi-head attention) and darknet's reorg.
import { Tensor, numel } from './tensor';

/** Channels [start, end) of each block of `period` channels (period = C: one plain range). */
export function sliceChannels(x: Tensor, start: number, end: number, period = x.shape[0]): Tensor {
  const C = x.shape[0];
  if (!(C % period === 0 && 0 <= start && start < end && end <= period)) throw new RangeError(`slice [${start}, ${end}) of period ${period} does not fit ${C} channels`);
  const per = numel(x.shape.slice(1));
  const take = end - start;
  const blocks = C / period;
  const out = new Float32Array(blocks * take * per);
  for (let b = 0; b < blocks; b++) out.set(x.data.subarray((b * period + start) * per, (b * period + end) * per), b * take * per);
  return { shape: [blocks * take, ...x.shape.slice(1)], data: out };
}

/**
 * Darknet's reorg layer (reorg_cpu with forward = 0, as forward_reorg_layer calls it): output
 * element n = i + W·(j + H·k), for i < W, j < H, k < C of the INPUT's sizes, is input element
 * w2 + s·W·(h2 + s·H·c2), where c2 = k mod C/s², offset = k div C/s², w2 = i·s + offset mod s,
 * h2 = j·s + offset div s. The result is read as [C·s², H/s, W/s]: a reshape of memory, so
 * neighbouring outputs come from scattered inputs.
 */
export function reorg(x: Tensor, s: number): Tensor {
  const [C, H, W] = x.shape;
  if (x.shape.length !== 3 || H % s || W % s || C % (s * s)) throw new RangeError(`reorg ${s} does not fit [${x.shape.join(', ')}]`);
  const outC = C / (s * s);
  const out = new Float32Array(x.data.length);
  for (let k = 0; k < C; k++) {
    const c2 = k % outC;
    const offset = Math.floor(k / outC);
    for (let j = 0; j < H; j++) {
      const h2 = j * s + Math.floor(offset / s);
      for (let i = 0; i < W; i++) {
        const w2 = i * s + (offset % s);
        out[i + W * (j + H * k)] = x.data[w2 + W * s * (h2 + H * s * c2)];
      }
    }
  }
  return { shape: [C * s * s, H / s, W / s], data: out };
}

/**
 * AlexeyAB's [reorg3d] (reorg_layer.c: reorg_cpu with forward = 0 on the OUTPUT's sizes): output
 * channel k = offset·C + c, offset = dy·s + dx, at (y, x) is input channel c at (s·y + dy, s·x + dx):
 * a space-to-depth, blocks of s×s positions stacked offset by offset.
 */
export function spaceToDepth(x: Tensor, s: number): Tensor {
  const [C, H, W] = x.shape;
  if (x.shape.length !== 3 || H % s || W % s) throw new RangeError(`reorg3d ${s} does not fit [${x.shape.join(', ')}]`);
  const [h, w] = [H / s, W / s];
  const out = new Float32Array(x.data.length);
  for (let k = 0; k < C * s * s; k++) {
    const c = k % C;
    const offset = Math.floor(k / C);
    const [dy, dx] = [Math.floor(offset / s), offset % s];
    for (let y = 0; y < h; y++) for (let i = 0; i < w; i++) out[i + w * (y + h * k)] = x.data[s * i + dx + W * (s * y + dy + H * c)];
  }
  return { shape: [C * s * s, h, w], data: out };
}

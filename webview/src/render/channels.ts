// Per-channel summaries of a layer's output [C, ...spatial] (channel c is data[c·per … (c+1)·per)):
// how active each channel is, the order the page shows them in, and the mean over channels.
// Pure: no DOM.

/** Channels shown at once in a section (a page of them; the pager turns to the next). */
export const CHANNELS_PER_PAGE = 16;

/** Mean |value| of each channel. */
export function channelActivity(data: ArrayLike<number>, C: number, per: number): Float64Array {
  const out = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let i = c * per, end = i + per; i < end; i++) s += Math.abs(data[i]);
    out[c] = s / per;
  }
  return out;
}

/** Channel indices, most active first (ties and NaN by index), or in index order. */
export function channelOrder(activity: ArrayLike<number>, order: 'activity' | 'index'): number[] {
  const idx = Array.from({ length: activity.length }, (_, c) => c);
  if (order === 'index') return idx;
  const key = (c: number): number => (activity[c] === activity[c] ? activity[c] : -Infinity);
  return idx.sort((a, b) => key(b) - key(a) || a - b);
}

/** The mean over channels: one map of `per` values. */
export function meanOverChannels(data: ArrayLike<number>, C: number, per: number): Float32Array {
  const sum = new Float64Array(per);
  for (let c = 0; c < C; c++) for (let i = 0, o = c * per; i < per; i++) sum[i] += data[o + i];
  return Float32Array.from(sum, (s) => s / C);
}

/** Smallest and largest value of data[from…to). */
export function rangeOf(data: ArrayLike<number>, from: number, to: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = from; i < to; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

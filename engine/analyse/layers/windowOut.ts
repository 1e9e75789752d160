// The output length of a sliding window along one axis: conv and pooling share it.

/** Output size of a window op along one axis (conv and pooling share it). */
export function windowOut(W: number, p: [number, number], K: number, s: number, ceil: boolean): number {
  const span = W + p[0] + p[1] - K;
  if (span < 0) return span >= -s ? 0 : Math.floor(span / s) + 1;
  let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // PyTorch: with ceil_mode, a last window that would start inside the right padding is dropped.
  if (ceil && (o - 1) * s >= W + p[0]) o--;
  return o;
}

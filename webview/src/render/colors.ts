// Diverging colour scale centred on 0 (blue — white — red), as CNN Explainer uses.

/** RGB for v in [-1, 1] (clamped): -1 blue, 0 white, +1 red. */
export function diverging(v: number): [number, number, number] {
  if (v !== v) return [128, 128, 128];
  const t = Math.max(-1, Math.min(1, v));
  if (t >= 0) return [255, Math.round(255 * (1 - t * 0.85)), Math.round(255 * (1 - t))];
  const u = -t;
  return [Math.round(255 * (1 - u)), Math.round(255 * (1 - u * 0.6)), 255];
}

/** Largest |value| of a slice of data (at least a tiny positive number, so 0 maps to white). */
export function maxAbs(data: ArrayLike<number>, from = 0, to = data.length): number {
  let m = 0;
  for (let i = from; i < to; i++) {
    const a = Math.abs(data[i]);
    if (a > m) m = a;
  }
  return m > 0 ? m : 1e-30;
}

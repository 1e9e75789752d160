// Upsampling (torch.nn.functional.interpolate) for modes 'nearest', 'linear' (1-D linear, 2-D
// bilinear, 3-D trilinear) and 'cubic' (bicubic, and ONNX Resize's cubic for any rank), with
// PyTorch 1.13's CPU index formulas.
//
// Every mode is separable: 2-D bilinear equals 1-D linear along H then along W, so we resample
// one axis at a time with a per-axis table of (source index, weight) pairs.

import { Tensor, numel, spatialRank } from './tensor';

/** Where output index i samples the input (ONNX Resize's coordinate_transformation_mode). */
export type CubicCoordinates = 'half_pixel' | 'pytorch_half_pixel' | 'align_corners' | 'asymmetric';

export interface UpsampleOptions {
  mode?: 'nearest' | 'linear' | 'cubic';
  /** Target spatial size (one per axis or one for all). Exactly one of size/scale. */
  size?: number | number[];
  /** Scale factor(s); output = floor(in · scale), and the kernel then uses 1/scale as PyTorch does. */
  scale?: number | number[];
  alignCorners?: boolean;
  /** Cubic only: the kernel's a (PyTorch's bicubic: −0.75), the coordinates (default from alignCorners: align_corners or half_pixel), and whether taps outside the input are dropped and the rest renormalised (ONNX exclude_outside) instead of reading the edge. */
  cubicA?: number;
  coordinates?: CubicCoordinates;
  excludeOutside?: boolean;
}

const f32 = Math.fround;

/** Output size for a scale factor: floor(in · scale) (computed in double, as in interpolate()). */
export function scaledSize(n: number, scale: number): number {
  return Math.floor(n * scale);
}

/** PyTorch's compute_scales_value<float>: 1/scale if a scale was given, else in/out. */
function scaleValue(n: number, out: number, scale: number | undefined): number {
  return scale !== undefined && scale > 0 ? f32(1 / scale) : f32(n / out);
}

/** Source index of output index i for 'nearest' (legacy nearest, floor rule). */
export function nearestSourceIndex(i: number, n: number, out: number, scale?: number): number {
  if (out === n) return i;
  if (out === 2 * n) return i >> 1;
  const s = scaleValue(n, out, scale);
  return Math.min(Math.floor(f32(i * s)), n - 1);
}

/** Two source indices and their weights for output index i in 'linear' mode. */
export function linearSource(i: number, n: number, out: number, alignCorners: boolean, scale?: number): [number, number, number, number] {
  let s: number;
  if (alignCorners) s = out > 1 ? f32((n - 1) / (out - 1)) : 0;
  else s = scaleValue(n, out, scale);
  let src: number;
  if (alignCorners) src = f32(s * i);
  else {
    src = f32(s * (i + 0.5) - 0.5);
    if (src < 0) src = 0;
  }
  const i0 = Math.floor(src);
  const i1 = i0 < n - 1 ? i0 + 1 : i0;
  const l1 = f32(src - i0);
  const l0 = f32(1 - l1);
  return [i0, i1, l0, l1];
}

/** Keys' cubic convolution weights of the four taps around a source position at fraction t (PyTorch's get_cubic_upsample_coefficients). */
export function cubicCoefficients(t: number, A: number): [number, number, number, number] {
  const near = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1; // |x| ≤ 1
  const far = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; // 1 < |x| < 2
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/**
 * Four source indices and their weights for output index i in 'cubic' mode: the source position
 * as PyTorch's bicubic computes it (float32; not clamped at 0, unlike linear) or as ONNX's other
 * coordinate modes do; indices outside the input read its edge, or with excludeOutside are
 * dropped and the other weights renormalised.
 */
export function cubicSource(i: number, n: number, out: number, coords: CubicCoordinates, A: number, excludeOutside: boolean, scale?: number): [number[], number[]] {
  let src: number;
  if (coords === 'align_corners') src = out > 1 ? f32(f32((n - 1) / (out - 1)) * i) : 0;
  else {
    const s = scaleValue(n, out, scale);
    if (coords === 'asymmetric') src = f32(s * i);
    else if (coords === 'pytorch_half_pixel' && out === 1) src = 0;
    else src = f32(s * (i + 0.5) - 0.5);
  }
  const i0 = Math.floor(src);
  const w = cubicCoefficients(f32(src - i0), A);
  const idx = [i0 - 1, i0, i0 + 1, i0 + 2];
  if (!excludeOutside) return [idx.map((k) => Math.min(Math.max(k, 0), n - 1)), w];
  const inside = idx.map((k) => k >= 0 && k < n);
  const total = w.reduce((acc, v, k) => acc + (inside[k] ? v : 0), 0);
  return [idx.map((k) => Math.min(Math.max(k, 0), n - 1)), w.map((v, k) => (inside[k] ? v / total : 0))];
}

/** Resamples axis `ax` of x to length `out`, each output = Σ weight·x[src] over taps. */
function resampleAxis(x: Tensor, ax: number, out: number, taps: (i: number) => [number[], number[]]): Tensor {
  const n = x.shape[ax];
  const outer = numel(x.shape.slice(0, ax));
  const inner = numel(x.shape.slice(ax + 1));
  const shape = x.shape.slice();
  shape[ax] = out;
  const dst = new Float32Array(outer * out * inner);
  const table = Array.from({ length: out }, (_, i) => taps(i));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < out; i++) {
      const [idx, wts] = table[i];
      const dBase = (o * out + i) * inner;
      for (let t = 0; t < idx.length; t++) {
        const sBase = (o * n + idx[t]) * inner;
        const w = wts[t];
        for (let k = 0; k < inner; k++) dst[dBase + k] += w * x.data[sBase + k];
      }
    }
  }
  return { shape, data: dst };
}

export function upsample(x: Tensor, opts: UpsampleOptions): Tensor {
  const rank = spatialRank(x, 'upsample');
  const mode = opts.mode ?? 'nearest';
  if (mode === 'nearest' && opts.alignCorners) {
    throw new RangeError('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  }
  if ((opts.size === undefined) === (opts.scale === undefined)) throw new RangeError('upsample: give exactly one of size and scale');
  const inSp = x.shape.slice(1);
  const list = (v: number | number[]): number[] => (typeof v === 'number' ? new Array(rank).fill(v) : v.length === 1 ? new Array(rank).fill(v[0]) : v);
  let outSp: number[];
  let scales: (number | undefined)[];
  if (opts.size !== undefined) {
    outSp = list(opts.size);
    scales = new Array(rank).fill(undefined);
  } else {
    scales = list(opts.scale!);
    outSp = inSp.map((n, a) => scaledSize(n, scales[a]!));
  }
  if (outSp.length !== rank || outSp.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new RangeError(`upsample: invalid output size [${outSp.join(', ')}]`);
  }
  let y: Tensor = x;
  for (let a = 0; a < rank; a++) {
    const n = inSp[a];
    const out = outSp[a];
    const sc = scales[a];
    if (mode === 'nearest') {
      y = resampleAxis(y, a + 1, out, (i) => [[nearestSourceIndex(i, n, out, sc)], [1]]);
    } else if (mode === 'cubic') {
      const coords = opts.coordinates ?? (opts.alignCorners ? 'align_corners' : 'half_pixel');
      y = resampleAxis(y, a + 1, out, (i) => cubicSource(i, n, out, coords, opts.cubicA ?? -0.75, !!opts.excludeOutside, sc));
    } else {
      const ac = !!opts.alignCorners;
      y = resampleAxis(y, a + 1, out, (i) => {
        const [i0, i1, l0, l1] = linearSource(i, n, out, ac, ac ? undefined : sc);
        return [[i0, i1], [l0, l1]];
      });
    }
  }
  return y === x ? { shape: x.shape.slice(), data: x.data.slice() } : y;
}

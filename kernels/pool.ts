// Pooling over the spatial axes of a [C, ...spatial] tensor (rank 1..3), PyTorch semantics.
// Written once for 3-D; 1-D/2-D inputs are volumes with leading size-1 axes.

import { Tensor, perAxis, paddingPairs, PaddingSpec, spatialRank, to3 } from './tensor';
import { wasmKernels, reserve, heap, align4, takeOutput, WASM_ELEMENTWISE_MIN } from './wasm/backend';

export interface PoolOptions {
  kernel: number | number[];
  /** Defaults to the kernel size (as in PyTorch). */
  stride?: number | number[];
  padding?: PaddingSpec;
  /** Max pooling only. */
  dilation?: number | number[];
  ceilMode?: boolean;
}

export interface AvgPoolOptions extends PoolOptions {
  /** Count the padded zeros in the divisor (PyTorch default true). */
  countIncludePad?: boolean;
  /** Divide every window by this number instead. */
  divisorOverride?: number;
}

/**
 * PyTorch's pooling_output_shape for one axis:
 *   out = floor_or_ceil((W + p0 + p1 − d·(k−1) − 1) / s) + 1,
 * and with ceil_mode a last window that would START inside the right padding is dropped.
 */
export function poolOutSize(n: number, k: number, s: number, p: [number, number], d: number, ceil: boolean): number {
  const span = n + p[0] + p[1] - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= n + p[0]) out--;
  return out;
}

interface Geometry {
  C: number;
  rank: number;
  in3: [number, number, number];
  out3: [number, number, number];
  k3: [number, number, number];
  s3: [number, number, number];
  d3: [number, number, number];
  pb3: [number, number, number]; // padding before
  pa3: [number, number, number]; // padding after
  outSp: number[];
}

function geometry(x: Tensor, o: PoolOptions, what: string, anyPadding = false): Geometry {
  const rank = spatialRank(x, what);
  const k = perAxis(o.kernel, rank, 1, 'kernel');
  const s = o.stride === undefined || (Array.isArray(o.stride) && o.stride.length === 0) ? k.slice() : perAxis(o.stride, rank, 1, 'stride');
  const d = perAxis(o.dilation, rank, 1, 'dilation');
  const p = paddingPairs(o.padding, rank);
  for (let a = 0; a < rank; a++) {
    if (k[a] < 1 || s[a] < 1 || d[a] < 1) throw new RangeError(`${what}: kernel, stride and dilation must be >= 1`);
    if (!anyPadding && (p[a][0] > k[a] / 2 || p[a][1] > k[a] / 2)) {
      throw new RangeError(`${what}: pad should be at most half of kernel size, but got pad=${Math.max(...p[a])} and kernel_size=${k[a]}`);
    }
  }
  const inSp = x.shape.slice(1);
  const outSp = inSp.map((n, a) => poolOutSize(n, k[a], s[a], p[a], d[a], !!o.ceilMode));
  if (outSp.some((n) => n < 1)) throw new RangeError(`${what}: output size [${outSp.join(', ')}] is too small`);
  const pad3 = (i: 0 | 1): [number, number, number] => to3(p.map((q) => q[i]), 0);
  return {
    C: x.shape[0], rank, in3: to3(inSp, 1), out3: to3(outSp, 1), k3: to3(k, 1), s3: to3(s, 1), d3: to3(d, 1),
    pb3: pad3(0), pa3: pad3(1), outSp,
  };
}

/** Max pooling (with dilation). NaN wins, as in PyTorch. Padding never wins (it is −∞). */
export function maxPool(x: Tensor, opts: PoolOptions): Tensor {
  const g = geometry(x, opts, 'max_pool');
  const [iD, iH, iW] = g.in3;
  const [oD, oH, oW] = g.out3;
  const [kD, kH, kW] = g.k3;
  const [sD, sH, sW] = g.s3;
  const [dD, dH, dW] = g.d3;
  const [pD, pH, pW] = g.pb3;
  const nIn = g.C * iD * iH * iW;
  const nOut = g.C * oD * oH * oW;
  const k = nIn >= WASM_ELEMENTWISE_MIN ? wasmKernels() : null;
  const q = k ? reserve(k, align4(nIn) + nOut) : -1;
  if (k && q >= 0) {
    // wasm SIMD: the same comparisons in the same order, a row of outputs at a time.
    const h = heap(k);
    h.set(x.data.subarray(0, nIn), q);
    const po = q + align4(nIn);
    k.maxpool3d(q * 4, po * 4, g.C, iD, iH, iW, oD, oH, oW, kD, kH, kW, sD, sH, sW, dD, dH, dW, pD, pH, pW);
    return { shape: [g.C, ...g.outSp], data: takeOutput(k, po, nOut) };
  }
  // NaN wins: a comparison with NaN is false, so NaN is taken when seen and never replaced.
  return reduceWindows(x, g, -Infinity, (m, v) => (v > m || v !== v ? v : m), (m) => m);
}

/**
 * Average pooling. The divisor follows PyTorch's avg_pool kernel exactly:
 *  - the window is first clipped to the padded input (end ≤ W + p_after; with ceil_mode a window
 *    may reach past it), giving pool_size, which is the divisor when count_include_pad;
 *  - otherwise the divisor is the number of real (unpadded) elements in the window;
 *  - divisor_override replaces both.
 */
export function avgPool(x: Tensor, opts: AvgPoolOptions): Tensor {
  if (opts.dilation !== undefined && perAxis(opts.dilation, x.shape.length - 1, 1, 'dilation').some((d) => d !== 1)) {
    throw new RangeError('avg_pool: dilation is not supported (PyTorch has none for average pooling)');
  }
  const g = geometry(x, opts, 'avg_pool');
  const includePad = opts.countIncludePad ?? true;
  const override = opts.divisorOverride;
  if (override !== undefined && (override === 0 || !Number.isFinite(override))) throw new RangeError('avg_pool: divisor must be not zero');
  const [iD, iH, iW] = g.in3;
  const [oD, oH, oW] = g.out3;
  const [kD, kH, kW] = g.k3;
  const [sD, sH, sW] = g.s3;
  const [pD, pH, pW] = g.pb3;
  const [qD, qH, qW] = g.pa3;
  const out = new Float32Array(g.C * oD * oH * oW);
  const src = x.data;
  let o = 0;
  for (let c = 0; c < g.C; c++) {
    const base = c * iD * iH * iW;
    for (let od = 0; od < oD; od++) {
      let d0 = od * sD - pD;
      let d1 = Math.min(d0 + kD, iD + qD);
      const sizeD = d1 - d0;
      d0 = Math.max(d0, 0);
      d1 = Math.min(d1, iD);
      for (let oh = 0; oh < oH; oh++) {
        let h0 = oh * sH - pH;
        let h1 = Math.min(h0 + kH, iH + qH);
        const sizeH = h1 - h0;
        h0 = Math.max(h0, 0);
        h1 = Math.min(h1, iH);
        for (let ow = 0; ow < oW; ow++, o++) {
          let w0 = ow * sW - pW;
          let w1 = Math.min(w0 + kW, iW + qW);
          const sizeW = w1 - w0;
          w0 = Math.max(w0, 0);
          w1 = Math.min(w1, iW);
          let sum = 0;
          for (let id = d0; id < d1; id++) {
            for (let ih = h0; ih < h1; ih++) {
              const row = base + (id * iH + ih) * iW;
              for (let iw = w0; iw < w1; iw++) sum += src[row + iw];
            }
          }
          const divisor =
            override !== undefined ? override
            : includePad ? sizeD * sizeH * sizeW
            : Math.max(0, d1 - d0) * Math.max(0, h1 - h0) * Math.max(0, w1 - w0);
          out[o] = sum / divisor;
        }
      }
    }
  }
  return { shape: [g.C, ...g.outSp], data: out };
}

/**
 * Lp pooling as ONNX's LpPool defines it: (Σ |x|^p)^(1/p) over each window (dilated taps),
 * padding counting as zeros, sums in float64. Any padding is allowed (ONNX's pads). PyTorch's
 * LPPool (no padding) gives the same for an even p or non-negative inputs.
 */
export function lpPool(x: Tensor, p: number, opts: PoolOptions): Tensor {
  if (!(p > 0) || !Number.isFinite(p)) throw new RangeError(`lp_pool: p must be a positive number, got ${p}`);
  const g = geometry(x, opts, 'lp_pool', true);
  const power = p === 2 ? (v: number) => v * v : p === 1 ? Math.abs : (v: number) => Math.pow(Math.abs(v), p);
  const root = p === 1 ? (t: number) => t : p === 2 ? Math.sqrt : (t: number) => Math.pow(t, 1 / p);
  return reduceWindows(x, g, 0, (sum, v) => sum + power(v), root);
}

/**
 * Folds every window's taps that fall inside the input (dilated; padding is skipped) into one
 * value per output: acc = step(acc, x) from `init`, then finish(acc).
 */
function reduceWindows(x: Tensor, g: Geometry, init: number, step: (acc: number, v: number) => number, finish: (acc: number) => number): Tensor {
  const { in3: [iD, iH, iW], out3: [oD, oH, oW], k3: [kD, kH, kW], s3: [sD, sH, sW], d3: [dD, dH, dW], pb3: [pD, pH, pW] } = g;
  const out = new Float32Array(g.C * oD * oH * oW);
  const src = x.data;
  let o = 0;
  for (let c = 0; c < g.C; c++) {
    const base = c * iD * iH * iW;
    for (let od = 0; od < oD; od++) {
      const d0 = od * sD - pD;
      for (let oh = 0; oh < oH; oh++) {
        const h0 = oh * sH - pH;
        for (let ow = 0; ow < oW; ow++, o++) {
          const w0 = ow * sW - pW;
          let acc = init;
          for (let a = 0; a < kD; a++) {
            const id = d0 + a * dD;
            if (id < 0 || id >= iD) continue;
            for (let b = 0; b < kH; b++) {
              const ih = h0 + b * dH;
              if (ih < 0 || ih >= iH) continue;
              const row = base + (id * iH + ih) * iW;
              for (let e = 0; e < kW; e++) {
                const iw = w0 + e * dW;
                if (iw >= 0 && iw < iW) acc = step(acc, src[row + iw]);
              }
            }
          }
          out[o] = finish(acc);
        }
      }
    }
  }
  return { shape: [g.C, ...g.outSp], data: out };
}

/** Adaptive pooling bin for output index i: [floor(i·W/out), ceil((i+1)·W/out)). */
export function adaptiveBin(i: number, n: number, out: number): [number, number] {
  return [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)];
}

/** Output size per axis for adaptive pooling; null (or undefined) keeps the input size. */
function adaptiveSizes(x: Tensor, size: number | readonly (number | null)[] | null, what: string): number[] {
  const rank = spatialRank(x, what);
  const inSp = x.shape.slice(1);
  const raw: (number | null)[] = size === null || typeof size === 'number' ? new Array(rank).fill(size) : size.length === 1 ? new Array(rank).fill(size[0]) : size.slice();
  if (raw.length !== rank) throw new RangeError(`${what}: expected ${rank} output sizes, got ${raw.length}`);
  const outSp = raw.map((v, a) => (v === null || v === undefined ? inSp[a] : v));
  if (outSp.some((v) => !Number.isInteger(v) || v < 0)) throw new RangeError(`${what}: invalid output size [${outSp.join(', ')}]`);
  if (inSp.some((n) => n === 0)) throw new RangeError(`${what}: empty input`);
  return outSp;
}

function adaptivePool(x: Tensor, size: number | readonly (number | null)[] | null, kind: 'avg' | 'max'): Tensor {
  const outSp = adaptiveSizes(x, size, `adaptive_${kind}_pool`);
  const C = x.shape[0];
  const [iD, iH, iW] = to3(x.shape.slice(1), 1);
  const [oD, oH, oW] = to3(outSp, 1);
  const out = new Float32Array(C * oD * oH * oW);
  const src = x.data;
  let o = 0;
  for (let c = 0; c < C; c++) {
    const base = c * iD * iH * iW;
    for (let od = 0; od < oD; od++) {
      const [d0, d1] = adaptiveBin(od, iD, oD);
      for (let oh = 0; oh < oH; oh++) {
        const [h0, h1] = adaptiveBin(oh, iH, oH);
        for (let ow = 0; ow < oW; ow++, o++) {
          const [w0, w1] = adaptiveBin(ow, iW, oW);
          let acc = kind === 'max' ? -Infinity : 0;
          for (let id = d0; id < d1; id++) {
            for (let ih = h0; ih < h1; ih++) {
              const row = base + (id * iH + ih) * iW;
              for (let iw = w0; iw < w1; iw++) {
                const v = src[row + iw];
                if (kind === 'avg') acc += v;
                else if (v > acc || v !== v) acc = v;
              }
            }
          }
          out[o] = kind === 'avg' ? acc / ((d1 - d0) * (h1 - h0) * (w1 - w0)) : acc;
        }
      }
    }
  }
  return { shape: [C, ...outSp], data: out };
}

export function adaptiveAvgPool(x: Tensor, size: number | readonly (number | null)[] | null): Tensor {
  return adaptivePool(x, size, 'avg');
}
export function adaptiveMaxPool(x: Tensor, size: number | readonly (number | null)[] | null): Tensor {
  return adaptivePool(x, size, 'max');
}

/**
 * Global pooling: one value per channel. Returns [C] (the format's global_avgpool output);
 * pass keepDims to get [C, 1, ...] like adaptive pooling to size 1.
 */
export function globalAvgPool(x: Tensor, keepDims = false): Tensor {
  return globalPool(x, 'avg', keepDims);
}
export function globalMaxPool(x: Tensor, keepDims = false): Tensor {
  return globalPool(x, 'max', keepDims);
}

function globalPool(x: Tensor, kind: 'avg' | 'max', keepDims: boolean): Tensor {
  const rank = spatialRank(x, `global_${kind}_pool`);
  const C = x.shape[0];
  const n = x.data.length / Math.max(C, 1);
  const out = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let acc = kind === 'max' ? -Infinity : 0;
    for (let i = c * n, end = i + n; i < end; i++) {
      const v = x.data[i];
      if (kind === 'avg') acc += v;
      else if (v > acc || v !== v) acc = v;
    }
    out[c] = kind === 'avg' ? acc / n : acc;
  }
  return { shape: keepDims ? [C, ...new Array(rank).fill(1)] : [C], data: out };
}

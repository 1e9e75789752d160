// Normalisation layers in inference form. Channels are axis 0 of a [C, ...spatial] tensor.

import { Tensor } from './tensor';
import { wasmKernels, reserve, heap, align4, takeOutput, WASM_ELEMENTWISE_MIN } from './wasm/backend';

type Vec = ArrayLike<number> | null | undefined;

export interface BatchNormParams {
  /** running_mean (default 0), running_var (default 1), weight γ (default 1), bias β (default 0). */
  mean?: Vec;
  var?: Vec;
  weight?: Vec;
  bias?: Vec;
  eps?: number;
}

function vec(v: Vec, C: number, dflt: number, what: string): ArrayLike<number> {
  if (v === null || v === undefined) return new Float32Array(C).fill(dflt);
  if (v.length !== C) throw new RangeError(`${what}: ${v.length} values for ${C} channels`);
  return v;
}

/**
 * BatchNorm at inference folded into one scale and shift per channel (float64):
 * y = (x − mean) / sqrt(var + eps) · γ + β = x · scale + shift.
 */
export function batchNormAffine(C: number, p: BatchNormParams = {}): { scale: Float64Array; shift: Float64Array } {
  const eps = p.eps ?? 1e-5;
  const mean = vec(p.mean, C, 0, 'batchnorm mean');
  const variance = vec(p.var, C, 1, 'batchnorm var');
  const w = vec(p.weight, C, 1, 'batchnorm weight');
  const b = vec(p.bias, C, 0, 'batchnorm bias');
  const scale = new Float64Array(C);
  const shift = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    scale[c] = w[c] / Math.sqrt(variance[c] + eps);
    shift[c] = b[c] - mean[c] * scale[c];
  }
  return { scale, shift };
}

/**
 * BatchNorm at inference: y = (x − mean) / sqrt(var + eps) · γ + β per channel (batchNormAffine).
 * Missing statistics give the freshly constructed PyTorch layer (mean 0, var 1, γ 1, β 0),
 * i.e. y = x / sqrt(1 + eps).
 */
export function batchNorm(x: Tensor, p: BatchNormParams = {}): Tensor {
  const C = x.shape[0];
  const { scale, shift } = batchNormAffine(C, p);
  const per = x.data.length / Math.max(C, 1);
  const n = x.data.length;
  const k = n >= WASM_ELEMENTWISE_MIN && Number.isInteger(per) ? wasmKernels() : null;
  const q = k ? reserve(k, align4(n) + 4 * C) : -1;
  if (k && q >= 0) {
    // Same float64 arithmetic as the loop below, 4 elements at a time in wasm.
    const h = heap(k);
    h.set(x.data, q);
    const pS = (q + align4(n)) * 4;
    const ss = new Float64Array(k.memory.buffer, pS, 2 * C);
    ss.set(scale);
    ss.set(shift, C);
    k.affine_channels(q * 4, q * 4, C, per, pS, pS + 8 * C);
    return { shape: x.shape.slice(), data: takeOutput(k, q, n) };
  }
  const out = new Float32Array(x.data.length);
  const src = x.data;
  for (let c = 0; c < C; c++) {
    const sc = scale[c];
    const sh = shift[c];
    for (let i = c * per, end = i + per; i < end; i++) out[i] = src[i] * sc + sh;
  }
  return { shape: x.shape.slice(), data: out };
}

export interface AffineNormParams {
  weight?: Vec;
  bias?: Vec;
  eps?: number;
}

/**
 * LayerNorm over the channel axis, separately at every spatial position (ConvNeXt's
 * "channels" LayerNorm; for a [C] vector this is plain nn.LayerNorm(C)). Biased variance.
 */
export function layerNorm(x: Tensor, p: AffineNormParams = {}): Tensor {
  const C = x.shape[0];
  const eps = p.eps ?? 1e-5;
  const w = vec(p.weight, C, 1, 'layernorm weight');
  const b = vec(p.bias, C, 0, 'layernorm bias');
  const per = x.data.length / Math.max(C, 1);
  const src = x.data;
  const out = new Float32Array(src.length);
  for (let s = 0; s < per; s++) {
    let mean = 0;
    for (let c = 0; c < C; c++) mean += src[c * per + s];
    mean /= C;
    let v = 0;
    for (let c = 0; c < C; c++) {
      const d = src[c * per + s] - mean;
      v += d * d;
    }
    const inv = 1 / Math.sqrt(v / C + eps);
    for (let c = 0; c < C; c++) out[c * per + s] = (src[c * per + s] - mean) * inv * w[c] + b[c];
  }
  return { shape: x.shape.slice(), data: out };
}

/**
 * LayerNorm over every axis from `axis` (0 = channels) to the last together, as
 * nn.LayerNorm(x.shape[axis:]) and ONNX LayerNormalization: each block of the trailing axes is
 * normalised by its own mean and biased variance (float64 sums), then scaled and shifted element
 * by element (γ and β have the trailing axes' shape, flattened; absent: 1 and 0).
 */
export function layerNormAxes(x: Tensor, axis: number, p: AffineNormParams = {}): Tensor {
  if (!Number.isInteger(axis) || axis < 0 || axis >= x.shape.length) throw new RangeError(`layernorm: axis ${axis} is out of range for a tensor of rank ${x.shape.length}`);
  const n = x.shape.slice(axis).reduce((a, b) => a * b, 1);
  const eps = p.eps ?? 1e-5;
  const w = vec(p.weight, n, 1, 'layernorm weight');
  const b = vec(p.bias, n, 0, 'layernorm bias');
  const src = x.data;
  const out = new Float32Array(src.length);
  for (let start = 0; start < src.length; start += n) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += src[start + i];
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const d = src[start + i] - mean;
      v += d * d;
    }
    const inv = 1 / Math.sqrt(v / n + eps);
    for (let i = 0; i < n; i++) out[start + i] = (src[start + i] - mean) * inv * w[i] + b[i];
  }
  return { shape: x.shape.slice(), data: out };
}

/**
 * GroupNorm: channels split into `groups` consecutive groups; each group is normalised over its
 * channels and all spatial positions together, then a per-channel affine γ, β is applied.
 */
export function groupNorm(x: Tensor, groups: number, p: AffineNormParams = {}): Tensor {
  const C = x.shape[0];
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0) throw new RangeError(`groupnorm: ${C} channels not divisible by ${groups} groups`);
  const eps = p.eps ?? 1e-5;
  const w = vec(p.weight, C, 1, 'groupnorm weight');
  const b = vec(p.bias, C, 0, 'groupnorm bias');
  const per = x.data.length / Math.max(C, 1);
  const cpg = C / groups;
  const src = x.data;
  const out = new Float32Array(src.length);
  for (let g = 0; g < groups; g++) {
    const start = g * cpg * per;
    const end = start + cpg * per;
    let mean = 0;
    for (let i = start; i < end; i++) mean += src[i];
    mean /= cpg * per;
    let v = 0;
    for (let i = start; i < end; i++) {
      const d = src[i] - mean;
      v += d * d;
    }
    const inv = 1 / Math.sqrt(v / (cpg * per) + eps);
    for (let c = g * cpg; c < (g + 1) * cpg; c++) {
      for (let i = c * per, e = i + per; i < e; i++) out[i] = (src[i] - mean) * inv * w[c] + b[c];
    }
  }
  return { shape: x.shape.slice(), data: out };
}

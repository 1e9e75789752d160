// The unrolled convolution matrix of the lecture: vec(out) = C·vec(in) (+ bias), row-major vec,
// rows = output positions (channel-major), columns = input positions. A transposed convolution
// with the same kernel, stride, padding and dilation is exactly Cᵀ (plus output_padding rows).
// Meant for small layers (the page offers it for inputs up to 8×8): the matrix is dense.
import { Tensor, numel, to3 } from '..';

export interface ConvGeometry {
  /** Input shape [C, ...spatial] of the convolution whose matrix is built. */
  inShape: number[];
  /** Output spatial size (computed from the arguments when omitted). */
  outSpatial?: number[];
  kernel: number[];
  stride: number[];
  dilation: number[];
  /** [before, after] per axis (only `before` matters for the matrix; `after` sizes the output). */
  padding: Array<[number, number]>;
  groups: number;
}

export interface Matrix {
  rows: number;
  cols: number;
  /** Row-major, rows × cols. */
  data: Float64Array;
}

export function at(m: Matrix, r: number, c: number): number {
  return m.data[r * m.cols + c];
}

/** Output spatial size of a convolution (PyTorch's formula). */
export function convOut(inSp: number[], g: Omit<ConvGeometry, 'inShape' | 'outSpatial' | 'groups'>): number[] {
  return inSp.map((n, a) => Math.floor((n + g.padding[a][0] + g.padding[a][1] - g.dilation[a] * (g.kernel[a] - 1) - 1) / g.stride[a]) + 1);
}

/**
 * C for a convolution with weight [C_out, C_in/groups, k...]: C[(co, o), (ci, i)] is the kernel
 * tap through which input pixel i of channel ci reaches output pixel o of channel co (0 when none).
 */
export function convMatrix(weight: Tensor, g: ConvGeometry): Matrix {
  const Cin = g.inShape[0];
  const inSp = g.inShape.slice(1);
  const Cout = weight.shape[0];
  const CinG = Cin / g.groups;
  const CoutG = Cout / g.groups;
  if (weight.shape[1] !== CinG) throw new RangeError(`convMatrix: weight [${weight.shape.join(', ')}] does not fit ${Cin} input channels in ${g.groups} groups`);
  const outSp = g.outSpatial ?? convOut(inSp, g);
  const [iD, iH, iW] = to3(inSp, 1);
  const [oD, oH, oW] = to3(outSp, 1);
  const [kD, kH, kW] = to3(g.kernel, 1);
  const [sD, sH, sW] = to3(g.stride, 1);
  const [dD, dH, dW] = to3(g.dilation, 1);
  const [pD, pH, pW] = to3(g.padding.map((p) => p[0]), 0);
  const inP = iD * iH * iW;
  const outP = oD * oH * oW;
  const rows = Cout * outP;
  const cols = Cin * inP;
  const data = new Float64Array(rows * cols);
  const taps = kD * kH * kW;
  for (let co = 0; co < Cout; co++) {
    const grp = Math.floor(co / CoutG);
    for (let cj = 0; cj < CinG; cj++) {
      const ci = grp * CinG + cj;
      const wBase = (co * CinG + cj) * taps;
      for (let od = 0; od < oD; od++) for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
        const r = co * outP + (od * oH + oh) * oW + ow;
        for (let a = 0; a < kD; a++) {
          const id = od * sD - pD + a * dD;
          if (id < 0 || id >= iD) continue;
          for (let b = 0; b < kH; b++) {
            const ih = oh * sH - pH + b * dH;
            if (ih < 0 || ih >= iH) continue;
            for (let e = 0; e < kW; e++) {
              const iw = ow * sW - pW + e * dW;
              if (iw < 0 || iw >= iW) continue;
              const c = ci * inP + (id * iH + ih) * iW + iw;
              data[r * cols + c] += weight.data[wBase + (a * kH + b) * kW + e];
            }
          }
        }
      }
    }
  }
  return { rows, cols, data };
}

/**
 * The matrix of a transposed convolution with weight [C_in, C_out/groups, k...] on an input
 * [C_in, ...inSpatial] giving [C_out, ...outSpatial]: the transpose of the matrix of the conv that
 * maps [C_out, ...outSpatial] back to [C_in, ...inSpatial] with the same weight.
 */
export function convTransposeMatrix(weight: Tensor, inShape: number[], outShape: number[], g: Omit<ConvGeometry, 'inShape' | 'outSpatial'>): Matrix {
  const fwd = convMatrix(weight, { ...g, inShape: outShape, outSpatial: inShape.slice(1) });
  return transpose(fwd);
}

export function transpose(m: Matrix): Matrix {
  const data = new Float64Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) data[c * m.rows + r] = m.data[r * m.cols + c];
  return { rows: m.cols, cols: m.rows, data };
}

/** y = M·x (+ bias per output channel, `perChannel` rows each), in float64. */
export function matVec(m: Matrix, x: ArrayLike<number>, bias?: ArrayLike<number> | null, perChannel = 1): Float64Array {
  if (x.length !== m.cols) throw new RangeError(`matVec: vector of ${x.length} for ${m.cols} columns`);
  const y = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    const base = r * m.cols;
    for (let c = 0; c < m.cols; c++) s += m.data[base + c] * x[c];
    y[r] = s + (bias ? bias[Math.floor(r / perChannel)] : 0);
  }
  return y;
}

export interface ProductCheck {
  ok: boolean;
  maxAbsDiff: number;
  tolerance: number;
}

/** Compares M·x (+ bias) with a kernel's output: |diff| ≤ 1e-4·max(1, |want|) everywhere. */
export function checkProduct(m: Matrix, x: Tensor, kernelOut: Tensor, bias?: ArrayLike<number> | null): ProductCheck {
  const per = numel(kernelOut.shape.slice(1));
  const y = matVec(m, x.data, bias, per);
  let maxAbsDiff = 0;
  let ok = y.length === kernelOut.data.length;
  for (let i = 0; ok && i < y.length; i++) {
    const d = Math.abs(y[i] - kernelOut.data[i]);
    maxAbsDiff = Math.max(maxAbsDiff, d);
    if (d > 1e-4 * Math.max(1, Math.abs(kernelOut.data[i]))) ok = false;
  }
  return { ok, maxAbsDiff, tolerance: 1e-4 };
}

// Transposed convolution ("deconvolution"), PyTorch semantics.
// Weight layout [C_in, C_out/groups, k...]; output size per axis
//   out = (W − 1)·s − p0 − p1 + d·(k − 1) + output_padding + 1.
//
// Method (the adjoint of im2col + GEMM used by conv): per group,
//   col [C_out/g · ∏k, ∏in] = W_gᵀ · x_g,
// i.e. every input pixel spreads a weighted copy of the kernel; then col2im scatters and sums
// each column into the output at position in·s − p0 + k·d ("stamp and add").

import { Tensor, perAxis, paddingPairs, PaddingSpec, spatialRank, to3 } from './tensor';
import { gemm } from './gemm';
import { wasmKernels, reserve, heap, align4 } from './wasm/backend';
import { Bias, biasArray, addChannelBias } from './conv';

export interface ConvTransposeOptions {
  stride?: number | number[];
  /** int, per-axis list or per-axis [before, after] pairs: removed from the output's borders. */
  padding?: PaddingSpec;
  outputPadding?: number | number[];
  dilation?: number | number[];
  groups?: number;
}

export function convTransposeOutSize(n: number, k: number, s: number, p: [number, number], d: number, op: number): number {
  return (n - 1) * s - p[0] - p[1] + d * (k - 1) + op + 1;
}

let colBuf = new Float32Array(0);
let wtBuf = new Float32Array(0);

export function convTranspose(input: Tensor, weight: Tensor, bias?: Bias, opts: ConvTransposeOptions = {}): Tensor {
  const rank = spatialRank(input, 'conv_transpose');
  if (weight.shape.length !== rank + 2) {
    throw new RangeError(`conv_transpose: weight [${weight.shape.join(', ')}] does not fit a ${rank}-D input`);
  }
  const groups = opts.groups ?? 1;
  const Cin = input.shape[0];
  if (weight.shape[0] !== Cin) throw new RangeError(`conv_transpose: weight expects ${weight.shape[0]} input channels, got ${Cin}`);
  if (!Number.isInteger(groups) || groups < 1 || Cin % groups !== 0) {
    throw new RangeError(`conv_transpose: input channels ${Cin} not divisible by groups ${groups}`);
  }
  const CinG = Cin / groups;
  const CoutG = weight.shape[1];
  const Cout = CoutG * groups;
  const kernel = weight.shape.slice(2);
  const stride = perAxis(opts.stride, rank, 1, 'stride');
  const dilation = perAxis(opts.dilation, rank, 1, 'dilation');
  const outPad = perAxis(opts.outputPadding, rank, 0, 'output_padding');
  const pads = paddingPairs(opts.padding, rank);
  for (let a = 0; a < rank; a++) {
    // PyTorch's rule: the extra rows must not form a whole extra stride step.
    if (outPad[a] < 0 || (outPad[a] >= stride[a] && outPad[a] >= dilation[a])) {
      throw new RangeError(`conv_transpose: output padding must be smaller than either stride or dilation, but got output_padding=${outPad[a]}, stride=${stride[a]}, dilation=${dilation[a]}`);
    }
  }
  const b = biasArray(bias, Cout, 'conv_transpose');
  const inSp = input.shape.slice(1);
  const outSp = inSp.map((n, a) => convTransposeOutSize(n, kernel[a], stride[a], pads[a], dilation[a], outPad[a]));
  if (outSp.some((n) => n < 1)) throw new RangeError(`conv_transpose: output size [${outSp.join(', ')}] is too small`);

  const [iD, iH, iW] = to3(inSp, 1);
  const [oD, oH, oW] = to3(outSp, 1);
  const [kD, kH, kW] = to3(kernel, 1);
  const [sD, sH, sW] = to3(stride, 1);
  const [dD, dH, dW] = to3(dilation, 1);
  const p3 = [0, 1, 2].map((k) => (rank - 3 + k >= 0 ? pads[rank - 3 + k][0] : 0));
  const inP = iD * iH * iW;
  const outP = oD * oH * oW;
  const kP = kD * kH * kW;
  const rows = CoutG * kP; // rows of col: (co, kd, kh, kw)

  const out = new Float32Array(Cout * outP);
  const w = weight.data;

  // WebAssembly SIMD: input and weight are copied into the wasm memory once; the product reads
  // W_g transposed in place (no transposed copy); col2im below reads col from the wasm memory.
  const wk = wasmKernels();
  let base = -1;
  let pX = 0, pW = 0, pCol = 0;
  if (wk) {
    pX = 0;
    pW = align4(Cin * inP);
    pCol = pW + align4(Cin * rows);
    base = reserve(wk, pCol + rows * inP);
    if (base >= 0) {
      pX += base;
      pW += base;
      pCol += base;
      const h = heap(wk);
      h.set(input.data.subarray(0, Cin * inP), pX);
      h.set(w.subarray(0, Cin * rows), pW);
    }
  }
  if (base < 0) {
    if (colBuf.length < rows * inP) colBuf = new Float32Array(rows * inP);
    if (wtBuf.length < rows * CinG) wtBuf = new Float32Array(rows * CinG);
  }
  const wt = wtBuf;

  for (let g = 0; g < groups; g++) {
    let col: Float32Array;
    let src: number;
    if (wk && base >= 0) {
      wk.gemm(rows, inP, CinG, (pW + g * CinG * rows) * 4, rows, 1, (pX + g * CinG * inP) * 4, inP, 0, pCol * 4, inP, 0);
      col = heap(wk);
      src = pCol;
    } else {
      // W_g is [CinG, rows] row-major; transpose it to [rows, CinG] for the product.
      const wOff = g * CinG * rows;
      for (let ci = 0; ci < CinG; ci++) for (let r = 0; r < rows; r++) wt[r * CinG + ci] = w[wOff + ci * rows + r];
      col = colBuf;
      src = 0;
      gemm(rows, inP, CinG, { data: wt, off: 0, ld: CinG }, { data: input.data, off: g * CinG * inP, ld: inP }, { data: col, off: 0, ld: inP });
    }
    // col2im: scatter-add each column into the output.
    for (let co = 0; co < CoutG; co++) {
      const outC = (g * CoutG + co) * outP;
      for (let a = 0; a < kD; a++) {
        for (let bb = 0; bb < kH; bb++) {
          for (let e = 0; e < kW; e++) {
            for (let id = 0; id < iD; id++) {
              const od = id * sD - p3[0] + a * dD;
              const dOK = od >= 0 && od < oD;
              for (let ih = 0; ih < iH; ih++) {
                const oh = ih * sH - p3[1] + bb * dH;
                if (!dOK || oh < 0 || oh >= oH) {
                  src += iW;
                  continue;
                }
                const row = outC + (od * oH + oh) * oW;
                let ow = -p3[2] + e * dW;
                for (let iw = 0; iw < iW; iw++, src++, ow += sW) {
                  if (ow >= 0 && ow < oW) out[row + ow] += col[src];
                }
              }
            }
          }
        }
      }
    }
  }
  if (b) addChannelBias(out, b, outP);
  return { shape: [Cout, ...outSp], data: out };
}

export function convTranspose1d(x: Tensor, w: Tensor, bias?: Bias, opts?: ConvTransposeOptions): Tensor {
  if (x.shape.length !== 2) throw new RangeError('conv_transpose1d: expected [C, L]');
  return convTranspose(x, w, bias, opts);
}
export function convTranspose2d(x: Tensor, w: Tensor, bias?: Bias, opts?: ConvTransposeOptions): Tensor {
  if (x.shape.length !== 3) throw new RangeError('conv_transpose2d: expected [C, H, W]');
  return convTranspose(x, w, bias, opts);
}
export function convTranspose3d(x: Tensor, w: Tensor, bias?: Bias, opts?: ConvTransposeOptions): Tensor {
  if (x.shape.length !== 4) throw new RangeError('conv_transpose3d: expected [C, D, H, W]');
  return convTranspose(x, w, bias, opts);
}

// Fully connected layer and flatten.

import { Tensor, numel } from './tensor';
import { gemm } from './gemm';
import { wasmKernels, reserve, heap, align4 } from './wasm/backend';
import { DrawnTensor } from './init';
import { Bias, biasArray } from './conv';

let wtBuf = new Float32Array(0);
/** Floats of W per block streamed through the wasm memory. */
const W_BLOCK = 1 << 20;

/**
 * y = x·Wᵀ + b over the LAST axis, like torch.nn.Linear: x [..., in], weight [out, in] → [..., out].
 * All leading axes are treated as rows of one matrix, so a [C, H, in] input is C·H rows.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Bias): Tensor {
  if (x.shape.length < 1) throw new RangeError('linear: input needs at least one axis');
  if (weight.shape.length !== 2) throw new RangeError('linear: weight must be [out, in]');
  const [outF, inF] = weight.shape;
  const lastAx = x.shape[x.shape.length - 1];
  if (lastAx !== inF) throw new RangeError(`linear: input has ${lastAx} features on its last axis, weight expects ${inF}`);
  const rows = numel(x.shape.slice(0, -1));
  const b = biasArray(bias, outF, 'linear');
  const wk = wasmKernels();
  if (wk && rows > 0 && outF > 0) {
    // WebAssembly SIMD: the product reads W transposed in place (B = Wᵀ, stored [out, in]).
    // W is streamed through the wasm memory a block of output features at a time (≤ 4 MB), so
    // a classifier's 100M-parameter weight is not copied (and kept) whole: Y[:, o0:o1] = X·W[o0:o1]ᵀ.
    const R = Math.max(4, Math.min(outF, Math.floor(W_BLOCK / Math.max(inF, 1))));
    const pX = reserve(wk, align4(rows * inF) + align4(inF * R) + rows * outF);
    if (pX >= 0) {
      const pW = pX + align4(rows * inF);
      const pY = pW + align4(inF * R);
      const h = heap(wk);
      h.set(x.data.subarray(0, rows * inF), pX);
      for (let o0 = 0; o0 < outF; o0 += R) {
        const r = Math.min(R, outF - o0);
        if (weight instanceof DrawnTensor) weight.drawInto(wk, pW, o0 * inF, r * inF);
        else h.set(weight.data.subarray(o0 * inF, (o0 + r) * inF), pW);
        wk.gemm(rows, r, inF, pX * 4, inF, 0, pW * 4, inF, 1, (pY + o0) * 4, outF, 0);
      }
      const out = h.slice(pY, pY + rows * outF);
      if (b) for (let r = 0; r < rows; r++) for (let o = 0; o < outF; o++) out[r * outF + o] += b[o];
      return { shape: [...x.shape.slice(0, -1), outF], data: out };
    }
  }
  // Transpose W once to [in, out] so the product is a plain row-major GEMM: Y = X · Wᵀ.
  if (wtBuf.length < inF * outF) wtBuf = new Float32Array(inF * outF);
  const wt = wtBuf;
  const w = weight.data;
  for (let o = 0; o < outF; o++) for (let i = 0; i < inF; i++) wt[i * outF + o] = w[o * inF + i];
  const out = new Float32Array(rows * outF);
  gemm(rows, outF, inF, { data: x.data, off: 0, ld: inF }, { data: wt, off: 0, ld: outF }, { data: out, off: 0, ld: outF });
  if (b) {
    for (let r = 0; r < rows; r++) for (let o = 0; o < outF; o++) out[r * outF + o] += b[o];
  }
  return { shape: [...x.shape.slice(0, -1), outF], data: out };
}

/**
 * Merges axes startDim..endDim (inclusive; negative counts from the end) into one.
 * Our tensors have no batch axis, so the default (0, -1) is torch.nn.Flatten's (1, -1):
 * [C, H, W] → [C·H·W]. The data is already row-major, so nothing is copied.
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  const r = x.shape.length;
  if (r === 0) return { shape: [1], data: x.data };
  const s = startDim < 0 ? startDim + r : startDim;
  const e = endDim < 0 ? endDim + r : endDim;
  if (s < 0 || e >= r || s > e) throw new RangeError(`flatten: bad dims (${startDim}, ${endDim}) for rank ${r}`);
  const merged = numel(x.shape.slice(s, e + 1));
  return { shape: [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)], data: x.data };
}

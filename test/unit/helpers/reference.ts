// Reference arithmetic shared by the kernel and executor tests: independent of the kernels'
// im2col/GEMM, so a test compares two different computations.
import * as K from '../../../kernels';
import type { Tensor } from '../../../kernels';

/** Direct convolution in float64 (plain loops), spatial rank 1-3, PyTorch semantics. */
export function naiveConv(x: Tensor, w: Tensor, bias: Float32Array | null, s: number[], p: [number, number][], d: number[], g: number): Tensor {
  const r = x.shape.length - 1;
  const lift = (v: number[], fill: number) => [...new Array(3 - r).fill(fill), ...v];
  const [iD, iH, iW] = lift(x.shape.slice(1), 1);
  const [kD, kH, kW] = lift(w.shape.slice(2), 1);
  const [sD, sH, sW] = lift(s, 1);
  const [dD, dH, dW] = lift(d, 1);
  const [pD, pH, pW] = lift(p.map((q) => q[0]), 0);
  const [qD, qH, qW] = lift(p.map((q) => q[1]), 0);
  const o = (n: number, k: number, st: number, a: number, b: number, di: number) => Math.floor((n + a + b - di * (k - 1) - 1) / st) + 1;
  const oD = o(iD, kD, sD, pD, qD, dD), oH = o(iH, kH, sH, pH, qH, dH), oW = o(iW, kW, sW, pW, qW, dW);
  const Cout = w.shape[0], cig = x.shape[0] / g, cog = Cout / g;
  const out = new Float32Array(Cout * oD * oH * oW);
  let n = 0;
  for (let co = 0; co < Cout; co++) {
    const gi = Math.floor(co / cog);
    for (let a = 0; a < oD; a++) for (let b = 0; b < oH; b++) for (let c = 0; c < oW; c++) {
      let acc = bias ? bias[co] : 0;
      for (let ci = 0; ci < cig; ci++) for (let u = 0; u < kD; u++) for (let v = 0; v < kH; v++) for (let q = 0; q < kW; q++) {
        const id = a * sD - pD + u * dD, ih = b * sH - pH + v * dH, iw = c * sW - pW + q * dW;
        if (id < 0 || id >= iD || ih < 0 || ih >= iH || iw < 0 || iw >= iW) continue;
        acc += x.data[(((gi * cig + ci) * iD + id) * iH + ih) * iW + iw] * w.data[(((co * cig + ci) * kD + u) * kH + v) * kW + q];
      }
      out[n++] = acc;
    }
  }
  return { shape: [Cout, ...[oD, oH, oW].slice(3 - r)], data: out };
}

/** U(−1, 1) values drawn one at a time from mulberry32(seed) (not through K.uniform). */
export function randomTensor(shape: number[], seed: number): Tensor {
  const rng = K.mulberry32(seed);
  return { shape, data: Float32Array.from({ length: K.numel(shape) }, () => rng() * 2 - 1) };
}

/** Row-major multi-index of flat index k in dims. */
export function unravel(k: number, dims: number[]): number[] {
  const idx = new Array(dims.length);
  for (let d = dims.length - 1; d >= 0; d--) {
    idx[d] = k % dims[d];
    k = Math.floor(k / dims[d]);
  }
  return idx;
}

/** Asserts `got` within `rel` of `want`'s largest magnitude, element by element (the oracles' ≤ 1e-4 relative). */
export function assertCloseRelative(got: ArrayLike<number>, want: ArrayLike<number>, rel: number, what = 'output'): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} values, the reference has ${want.length}`);
  let scale = 0;
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    err = Math.max(err, Math.abs(got[i] - want[i]));
  }
  if (!(err <= rel * scale)) throw new Error(`${what}: max difference ${err} for values up to ${scale}`);
}

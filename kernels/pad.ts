// Explicit padding of the spatial axes of a [C, ...spatial] tensor.
//
// Every mode is written as "for each output index, which input index does it copy?", so the
// same loop serves zero padding (copy or write 0), reflect, replicate and circular padding.
// Negative padding crops (as torch.nn.functional.pad allows for constant mode).

import { Tensor, PaddingSpec, paddingPairs, spatialRank, to3 } from './tensor';

export type PadMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/**
 * Maps an output index o (0-based, in the padded axis) to the input index it copies from,
 * or -1 for "padding value". `before` is the number of padded positions in front, n the input size.
 */
export function padSourceIndex(o: number, before: number, n: number, mode: PadMode): number {
  const i = o - before;
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'zeros':
      return -1;
    case 'replicate':
      return i < 0 ? 0 : n - 1; // repeat the edge value
    case 'reflect':
      // Mirror around the edge element without repeating it: [a b c] -> c b [a b c] b a.
      return i < 0 ? -i : 2 * (n - 1) - i;
    case 'circular':
      // Wrap around, as if the signal were periodic.
      return ((i % n) + n) % n;
  }
}

/**
 * Pads the spatial axes of `x` ([C, ...spatial]) by per-axis [before, after] amounts.
 * `value` is used by 'zeros' mode (constant padding).
 */
export function pad(x: Tensor, padding: PaddingSpec, mode: PadMode = 'zeros', value = 0): Tensor {
  const rank = spatialRank(x, 'pad');
  const pairs = paddingPairs(padding, rank, 'pad');
  const C = x.shape[0];
  const inSp = x.shape.slice(1);
  for (let a = 0; a < rank; a++) {
    const [b, e] = pairs[a];
    const n = inSp[a];
    if (mode === 'reflect' && (b >= n || e >= n)) {
      throw new RangeError(`pad: reflect padding (${b}, ${e}) must be smaller than the input size ${n}`);
    }
    if (mode === 'circular' && (b > n || e > n)) {
      throw new RangeError(`pad: circular padding (${b}, ${e}) must not exceed the input size ${n}`);
    }
    if (mode !== 'zeros' && (b < 0 || e < 0)) throw new RangeError(`pad: negative padding needs mode 'zeros'`);
    if (n + b + e < 0) throw new RangeError(`pad: padding (${b}, ${e}) leaves a negative size on an axis of size ${n}`);
    if (mode !== 'zeros' && n === 0) throw new RangeError(`pad: cannot ${mode}-pad an empty axis`);
  }
  const outSp = inSp.map((n, a) => n + pairs[a][0] + pairs[a][1]);
  // Work in 3-D (1-D and 2-D are volumes with leading size-1 axes).
  const [iD, iH, iW] = to3(inSp, 1);
  const [oD, oH, oW] = to3(outSp, 1);
  const p3 = [0, 0, 0].map((_, k) => {
    const a = rank - 3 + k;
    return a >= 0 ? pairs[a][0] : 0;
  });
  // Precompute the source index along each axis once (a lookup table per axis).
  const mapD = Int32Array.from({ length: oD }, (_, o) => padSourceIndex(o, p3[0], iD, mode));
  const mapH = Int32Array.from({ length: oH }, (_, o) => padSourceIndex(o, p3[1], iH, mode));
  const mapW = Int32Array.from({ length: oW }, (_, o) => padSourceIndex(o, p3[2], iW, mode));
  const out = new Float32Array(C * oD * oH * oW);
  const src = x.data;
  let k = 0;
  for (let c = 0; c < C; c++) {
    for (let d = 0; d < oD; d++) {
      const sd = mapD[d];
      for (let h = 0; h < oH; h++) {
        const sh = mapH[h];
        if (sd < 0 || sh < 0) {
          out.fill(value, k, k + oW);
          k += oW;
          continue;
        }
        const row = ((c * iD + sd) * iH + sh) * iW;
        for (let w = 0; w < oW; w++, k++) {
          const sw = mapW[w];
          out[k] = sw < 0 ? value : src[row + sw];
        }
      }
    }
  }
  return { shape: [C, ...outSp], data: out };
}

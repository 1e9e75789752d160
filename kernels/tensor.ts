// Tensor type and small helpers shared by every kernel.
//
// A Tensor has NO batch axis: its shape is [C, ...spatial] with spatial rank 1, 2 or 3
// (a linear layer's output may also be [features]). Data is row-major (C-order) float32,
// exactly like a contiguous PyTorch tensor, so index (c, y, x) lives at (c*H + y)*W + x.

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** Nested JS arrays of numbers, as in the oracle JSON: [[1, 2], [3, 4]]. */
export type Nested = number | Nested[];

/** Number of elements of a shape (product of its sizes; 1 for a scalar shape []). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Throws unless every size is a non-negative integer (catches NaN/fractional shapes early). */
export function checkShape(shape: readonly number[], what = 'shape'): void {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new RangeError(`${what}: invalid size ${s} in [${shape.join(', ')}]`);
  }
}

export function zeros(shape: readonly number[]): Tensor {
  checkShape(shape);
  return { shape: shape.slice(), data: new Float32Array(numel(shape)) };
}

export function full(shape: readonly number[], value: number): Tensor {
  const t = zeros(shape);
  t.data.fill(value);
  return t;
}

/** Wraps existing data (copied into float32) with a shape, checking the sizes agree. */
export function tensor(shape: readonly number[], data: ArrayLike<number>): Tensor {
  checkShape(shape);
  if (data.length !== numel(shape)) {
    throw new RangeError(`tensor: ${data.length} values do not fill shape [${shape.join(', ')}]`);
  }
  return { shape: shape.slice(), data: Float32Array.from(data) };
}

export function clone(t: Tensor): Tensor {
  return { shape: t.shape.slice(), data: t.data.slice() };
}

/** Same data, new shape (like torch.reshape on a contiguous tensor; shares the buffer). */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  checkShape(shape);
  if (numel(shape) !== t.data.length) {
    throw new RangeError(`reshape: cannot view [${t.shape.join(', ')}] as [${shape.join(', ')}]`);
  }
  return { shape: shape.slice(), data: t.data };
}

/** Builds a tensor from nested arrays; the shape is read from the nesting (must be rectangular). */
export function fromNested(nested: Nested): Tensor {
  const shape: number[] = [];
  let probe: Nested = nested;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const data = new Float32Array(numel(shape));
  let k = 0;
  const walk = (v: Nested, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') throw new TypeError('fromNested: ragged nesting');
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) throw new TypeError('fromNested: ragged nesting');
    for (const e of v) walk(e, depth + 1);
  };
  walk(nested, 0);
  return { shape, data };
}

/** Inverse of fromNested: nested arrays of plain numbers (handy for tests and JSON). */
export function toNested(t: Tensor): Nested {
  let k = 0;
  const build = (depth: number): Nested => {
    if (depth === t.shape.length) return t.data[k++];
    const out: Nested[] = [];
    for (let i = 0; i < t.shape[depth]; i++) out.push(build(depth + 1));
    return out;
  };
  return build(0);
}

export interface Stats {
  min: number;
  max: number;
  mean: number;
}

// Statistics the wasm kernels computed while an output was still in their memory (see
// takeOutput in wasm/backend.ts): the same numbers as the loop below, without a second pass.
// (Kernel outputs are never written after they are returned, so the numbers stay true.)
const knownStats = new WeakMap<Float32Array, Stats>();

export function rememberStats(data: Float32Array, s: Stats): void {
  knownStats.set(data, s);
}

/** min / max / mean over all elements (mean accumulated in float64). NaN for an empty tensor. */
export function stats(t: Tensor): Stats {
  const known = knownStats.get(t.data);
  if (known) return { ...known };
  const d = t.data;
  if (d.length === 0) return { min: NaN, max: NaN, mean: NaN };
  let min = Infinity;
  let max = -Infinity;
  // Four partial sums: one running sum waits on the previous addition at every element (the
  // preview computes these for every layer output, ~8M values per resnet18 run).
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const n4 = d.length & ~3;
  for (let i = 0; i < n4; i += 4) {
    const a = d[i], b = d[i + 1], c = d[i + 2], e = d[i + 3];
    if (a < min) min = a;
    if (a > max) max = a;
    if (b < min) min = b;
    if (b > max) max = b;
    if (c < min) min = c;
    if (c > max) max = c;
    if (e < min) min = e;
    if (e > max) max = e;
    s0 += a;
    s1 += b;
    s2 += c;
    s3 += e;
  }
  for (let i = n4; i < d.length; i++) {
    const v = d[i];
    if (v < min) min = v;
    if (v > max) max = v;
    s0 += v;
  }
  return { min, max, mean: (s0 + s1 + s2 + s3) / d.length };
}

/** Per-axis argument: one number for all axes or one per axis -> an array of length `rank`. */
export function perAxis(v: number | readonly number[] | undefined, rank: number, dflt: number, what: string): number[] {
  if (v === undefined) return new Array(rank).fill(dflt);
  if (typeof v === 'number') return new Array(rank).fill(v);
  if (v.length === 1) return new Array(rank).fill(v[0]);
  if (v.length !== rank) throw new RangeError(`${what}: expected ${rank} values, got ${v.length}`);
  return v.slice();
}

/** Per-axis [before, after] padding pairs. Accepts p, [p0, p1, ...] or [[b0, a0], [b1, a1], ...]. */
export type PaddingSpec = number | readonly number[] | readonly (readonly [number, number])[];

export function paddingPairs(p: PaddingSpec | undefined, rank: number, what = 'padding'): [number, number][] {
  if (p === undefined) return Array.from({ length: rank }, () => [0, 0] as [number, number]);
  if (typeof p === 'number') return Array.from({ length: rank }, () => [p, p] as [number, number]);
  const arr = p as readonly (number | readonly [number, number])[];
  if (arr.length !== rank && arr.length !== 1) throw new RangeError(`${what}: expected ${rank} entries, got ${arr.length}`);
  const out: [number, number][] = [];
  for (let i = 0; i < rank; i++) {
    const e = arr.length === 1 ? arr[0] : arr[i];
    if (typeof e === 'number') out.push([e, e]);
    else out.push([e[0], e[1]]);
  }
  return out;
}

/** Checks a [C, ...spatial] tensor with spatial rank 1..3 and returns the spatial rank. */
export function spatialRank(t: Tensor, what: string): number {
  const r = t.shape.length - 1;
  if (r < 1 || r > 3) throw new RangeError(`${what}: expected [C, spatial...] with 1-3 spatial axes, got [${t.shape.join(', ')}]`);
  return r;
}

/**
 * Lifts a spatial shape of rank 1..3 to rank 3 by prepending size-1 axes, so most kernels can be
 * written once for 3-D and still serve 1-D and 2-D (a length-L signal is a 1x1xL volume).
 */
export function to3(vals: readonly number[], fill: number): [number, number, number] {
  const r = vals.length;
  return [r >= 3 ? vals[r - 3] : fill, r >= 2 ? vals[r - 2] : fill, vals[r - 1]];
}

// Activations and other element-wise / shape-preserving operations, plus add, mul and concat.
// Every function returns a new tensor (inputs are never modified).

import { Tensor, numel } from './tensor';
import { wasmKernels, reserve, heap, align4, takeOutput, WASM_ELEMENTWISE_MIN } from './wasm/backend';

/** Applies f to every element. */
export function map(x: Tensor, f: (v: number) => number): Tensor {
  const src = x.data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
  return { shape: x.shape.slice(), data: out };
}

// NaN-preserving comparisons: PyTorch's relu(NaN) is NaN, so avoid Math.max (which is fine too,
// Math.max(NaN, 0) = NaN) but keep the formulas explicit for readers.
// relu, relu6 and add follow most convs: they get their own loops (a call through `map`'s
// shared callback is not inlined once map has seen several functions, ~3× slower).
export function relu(x: Tensor): Tensor {
  const src = x.data;
  const n = src.length;
  const w = unaryWasm(x, 'relu_f32');
  if (w) return w;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = src[i];
    out[i] = v > 0 ? v : v !== v ? v : 0;
  }
  return { shape: x.shape.slice(), data: out };
}
export function relu6(x: Tensor): Tensor {
  const src = x.data;
  const n = src.length;
  const w = unaryWasm(x, 'relu6_f32');
  if (w) return w;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = src[i];
    out[i] = v !== v ? v : Math.min(Math.max(v, 0), 6);
  }
  return { shape: x.shape.slice(), data: out };
}

/**
 * relu, relu6 (same bits as the loops), sigmoid or SiLU (same numbers as the loops but for ~1 value
 * in 2²⁸, one float32 ulp apart: c/sigmoid.c) in wasm SIMD for large tensors; null to use the loop.
 */
function unaryWasm(x: Tensor, f: 'relu_f32' | 'relu6_f32' | 'sigmoid_f32' | 'silu_f32'): Tensor | null {
  const n = x.data.length;
  const k = n >= WASM_ELEMENTWISE_MIN ? wasmKernels() : null;
  const p = k ? reserve(k, n) : -1;
  if (!k || p < 0) return null;
  const h = heap(k);
  h.set(x.data, p);
  // In blocks: V8 switches to its optimised code between two calls (WebAssembly has no on-stack
  // replacement), and a YOLO layer's 6.5M values in one call ran wholly in the baseline code.
  for (let at = 0; at < n; at += UNARY_BLOCK) k[f]((p + at) * 4, (p + at) * 4, Math.min(UNARY_BLOCK, n - at));
  return { shape: x.shape.slice(), data: takeOutput(k, p, n) };
}
const UNARY_BLOCK = 1 << 16;
export const leakyRelu = (x: Tensor, slope = 0.01): Tensor => map(x, (v) => (v > 0 ? v : v * slope));
export const sigmoid = (x: Tensor): Tensor => unaryWasm(x, 'sigmoid_f32') ?? map(x, sigmoidScalar);
export const tanh = (x: Tensor): Tensor => map(x, Math.tanh);
/** SiLU / swish: x·sigmoid(x). */
export const silu = (x: Tensor): Tensor => unaryWasm(x, 'silu_f32') ?? map(x, (v) => v * sigmoidScalar(v));
/** Mish: x·tanh(softplus(x)), as PyTorch computes it (x·tanh(log1p(eˣ)), no threshold). */
export const mish = (x: Tensor): Tensor => map(x, (v) => v * Math.tanh(Math.log1p(Math.exp(v))));
/** hardsigmoid: relu6(x + 3) / 6 (PyTorch's definition). */
export const hardsigmoid = (x: Tensor): Tensor => map(x, (v) => (v !== v ? v : Math.min(Math.max(v + 3, 0), 6) / 6));
/** hardswish: x · relu6(x + 3) / 6. */
export const hardswish = (x: Tensor): Tensor => map(x, (v) => (v !== v ? v : (v * Math.min(Math.max(v + 3, 0), 6)) / 6));
/** GELU, exact erf form (PyTorch's default approximate='none'): x·Φ(x) = x/2·(1 + erf(x/√2)). */
export const gelu = (x: Tensor): Tensor => map(x, (v) => 0.5 * v * (1 + erf(v * Math.SQRT1_2)));
export const identity = (x: Tensor): Tensor => ({ shape: x.shape.slice(), data: x.data.slice() });
/** Dropout at inference is the identity (PyTorch scales during training instead). */
export const dropout = (x: Tensor, _p = 0.5): Tensor => identity(x);

function sigmoidScalar(v: number): number {
  // Two branches so exp never overflows for large |v|.
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/**
 * erf(x), JS has none. Uses the complementary error function from Numerical Recipes
 * (Chebyshev fit, fractional error < 1.2e-7 everywhere), which is far below float32 tolerance.
 */
export function erf(x: number): number {
  if (x !== x) return x;
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/** Softmax along `axis` (default 0 = channels), stabilised by subtracting the max. */
export function softmax(x: Tensor, axis = 0): Tensor {
  return normaliseAlong(x, axis, false);
}

/** log(softmax(x)) along `axis`, as x − max − log Σ e^(x − max): exact where the softmax underflows to 0. */
export function logSoftmax(x: Tensor, axis = 0): Tensor {
  return normaliseAlong(x, axis, true);
}

function normaliseAlong(x: Tensor, axis: number, log: boolean): Tensor {
  const r = x.shape.length;
  const ax = axis < 0 ? axis + r : axis;
  if (ax < 0 || ax >= r) throw new RangeError(`softmax: axis ${axis} out of range for rank ${r}`);
  const n = x.shape[ax];
  const inner = numel(x.shape.slice(ax + 1)); // stride between consecutive elements along axis
  const outer = numel(x.shape.slice(0, ax));
  const src = x.data;
  const out = new Float32Array(src.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let k = 0; k < n; k++) m = Math.max(m, src[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < n; k++) sum += Math.exp(src[base + k * inner] - m);
      const logSum = Math.log(sum);
      for (let k = 0; k < n; k++) out[base + k * inner] = log ? src[base + k * inner] - m - logSum : Math.exp(src[base + k * inner] - m) / sum;
    }
  }
  return { shape: x.shape.slice(), data: out };
}

/** PReLU: v if v > 0 else a·v, with one slope for all channels or one per channel (axis 0). */
export function prelu(x: Tensor, weight: ArrayLike<number> | Tensor): Tensor {
  const w = 'data' in (weight as object) && !ArrayBuffer.isView(weight) ? (weight as Tensor).data : (weight as ArrayLike<number>);
  const C = x.shape[0] ?? 1;
  if (w.length !== 1 && w.length !== C) throw new RangeError(`prelu: ${w.length} slopes for ${C} channels`);
  const per = x.data.length / Math.max(C, 1);
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i];
    const a = w.length === 1 ? w[0] : w[Math.floor(i / per)];
    out[i] = v > 0 ? v : a * v;
  }
  return { shape: x.shape.slice(), data: out };
}

/**
 * ShuffleNet's channel shuffle: view channels as [groups, C/groups], transpose, flatten.
 * Output channel i·groups + j takes input channel j·(C/groups) + i.
 */
export function channelShuffle(x: Tensor, groups: number): Tensor {
  const C = x.shape[0];
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0) throw new RangeError(`channel_shuffle: ${C} channels not divisible by ${groups} groups`);
  const per = x.data.length / C;
  const cpg = C / groups;
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < cpg; i++) {
    for (let j = 0; j < groups; j++) {
      out.set(x.data.subarray((j * cpg + i) * per, (j * cpg + i + 1) * per), (i * groups + j) * per);
    }
  }
  return { shape: x.shape.slice(), data: out };
}

/**
 * Shape of b as it broadcasts against a. Equal ranks use NumPy rules (sizes equal or 1).
 * A rank-1 [C] operand against a higher-rank [C, ...] tensor is read as per-channel [C, 1, ...]
 * (the format's squeeze-excite rule), not NumPy's align-to-the-last-axis.
 */
function broadcastShapes(a: readonly number[], b: readonly number[], what: string): { out: number[]; a: number[]; b: number[] } {
  let sa = a.slice();
  let sb = b.slice();
  if (sa.length !== sb.length) {
    if (sb.length === 1 && sa.length > 1 && sb[0] === sa[0]) sb = [sb[0], ...new Array(sa.length - 1).fill(1)];
    else if (sa.length === 1 && sb.length > 1 && sa[0] === sb[0]) sa = [sa[0], ...new Array(sb.length - 1).fill(1)];
    else {
      // Fall back to NumPy's right alignment (covers scalars [1] and [] too).
      const r = Math.max(sa.length, sb.length);
      sa = [...new Array(r - sa.length).fill(1), ...sa];
      sb = [...new Array(r - sb.length).fill(1), ...sb];
    }
  }
  const out = sa.map((n, i) => {
    if (n === sb[i] || sb[i] === 1) return n;
    if (n === 1) return sb[i];
    throw new RangeError(`${what}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
  });
  return { out, a: sa, b: sb };
}

function binary(x: Tensor, y: Tensor, f: (p: number, q: number) => number, what: string): Tensor {
  const sh = broadcastShapes(x.shape, y.shape, what);
  const n = numel(sh.out);
  const out = new Float32Array(n);
  const same = (s: number[]) => s.every((v, i) => v === sh.out[i]);
  if (same(sh.a) && same(sh.b)) {
    for (let i = 0; i < n; i++) out[i] = f(x.data[i], y.data[i]);
    return { shape: sh.out, data: out };
  }
  // General case: walk the output index and map it to each operand (stride 0 on broadcast axes).
  const r = sh.out.length;
  const strides = (s: number[]) => {
    const st = new Array(r).fill(0);
    let acc = 1;
    for (let i = r - 1; i >= 0; i--) {
      st[i] = s[i] === 1 ? 0 : acc;
      acc *= s[i];
    }
    return st;
  };
  const stA = strides(sh.a);
  const stB = strides(sh.b);
  const idx = new Array(r).fill(0);
  let ia = 0;
  let ib = 0;
  for (let k = 0; k < n; k++) {
    out[k] = f(x.data[ia], y.data[ib]);
    // Increment the multi-index like an odometer.
    for (let ax = r - 1; ax >= 0; ax--) {
      idx[ax]++;
      ia += stA[ax];
      ib += stB[ax];
      if (idx[ax] < sh.out[ax]) break;
      ia -= stA[ax] * idx[ax];
      ib -= stB[ax] * idx[ax];
      idx[ax] = 0;
    }
  }
  return { shape: sh.out, data: out };
}

/** Element-wise sum (residual connections); broadcasts as described in broadcastShapes. */
export function add(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length === b.shape.length && a.shape.every((n, i) => n === b.shape[i])) {
    const x = a.data, y = b.data;
    const n = numel(a.shape);
    const k = n >= WASM_ELEMENTWISE_MIN ? wasmKernels() : null;
    const p = k ? reserve(k, 2 * align4(n)) : -1;
    if (k && p >= 0) {
      const h = heap(k);
      const q = p + align4(n);
      h.set(x.subarray(0, n), p);
      h.set(y.subarray(0, n), q);
      k.add_f32(p * 4, q * 4, p * 4, n);
      return { shape: a.shape.slice(), data: takeOutput(k, p, n) };
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = x[i] + y[i];
    return { shape: a.shape.slice(), data: out };
  }
  return binary(a, b, (p, q) => p + q, 'add');
}
/** Element-wise product; a [C] or [C, 1, ...] gate may be either operand (squeeze-excite). */
export function mul(a: Tensor, b: Tensor): Tensor {
  return binary(a, b, (p, q) => p * q, 'mul');
}

/** Concatenates along `axis` (default 0 = channels); all other axes must match. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new RangeError('concat: no operands');
  const r = xs[0].shape.length;
  const ax = axis < 0 ? axis + r : axis;
  if (ax < 0 || ax >= r) throw new RangeError(`concat: axis ${axis} out of range for rank ${r}`);
  for (const t of xs) {
    if (t.shape.length !== r || t.shape.some((n, i) => i !== ax && n !== xs[0].shape[i])) {
      throw new RangeError(`concat: shape [${t.shape.join(', ')}] does not match [${xs[0].shape.join(', ')}] off axis ${ax}`);
    }
  }
  const outer = numel(xs[0].shape.slice(0, ax));
  const inner = numel(xs[0].shape.slice(ax + 1));
  const total = xs.reduce((s, t) => s + t.shape[ax], 0);
  const shape = xs[0].shape.slice();
  shape[ax] = total;
  const out = new Float32Array(outer * total * inner);
  // For each outer index, copy each operand's contiguous block in turn.
  let dst = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of xs) {
      const len = t.shape[ax] * inner;
      out.set(t.data.subarray(o * len, (o + 1) * len), dst);
      dst += len;
    }
  }
  return { shape, data: out };
}

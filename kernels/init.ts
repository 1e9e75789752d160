// PyTorch's default parameter initialisation, from a seeded deterministic PRNG.
// We match torch's DISTRIBUTIONS (not its random stream):
//  - Conv/ConvTranspose/Linear weights: kaiming_uniform_(a = √5), i.e. U(−b, b) with
//      gain = √(2 / (1 + a²)) = √(1/3),  std = gain / √fan_in,  b = √3 · std = 1 / √fan_in;
//  - biases: U(−1/√fan_in, 1/√fan_in);
//  - fan_in = size(1) · ∏ size(2:) of the weight (torch's _calculate_fan_in_and_fan_out), so for a
//    conv it is C_in/groups · ∏k, for a transposed conv C_out/groups · ∏k, for linear `in`;
//  - BatchNorm / LayerNorm / GroupNorm: weight 1, bias 0, running mean 0, running var 1.

import { Tensor, numel } from './tensor';
import type { WasmKernels } from './wasm/backend';

/** mulberry32's state advances by this constant per draw. */
const MULBERRY_STEP = 0x6d2b79f5;

/**
 * The state of each PRNG made by mulberry32, so that `uniform` can hand a long run of draws to
 * a DrawnTensor and move the stream past them: the values and the stream are exactly those of
 * calling the function once per element.
 */
const prngState = new WeakMap<() => number, { get(): number; set(v: number): void }>();

/** mulberry32: a tiny, fast 32-bit PRNG with good statistical quality; returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + MULBERRY_STEP) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  prngState.set(next, { get: () => a, set: (v) => (a = v >>> 0) });
  return next;
}

/**
 * A tensor of U(−bound, bound) draws that are made only when they are needed. conv writes
 * them straight into the WebAssembly memory where it multiplies them (drawInto), so a layer's
 * weights are never allocated in JavaScript: in Chromium a fresh multi-megabyte ArrayBuffer
 * costs ~0.4 ms per MB (every page is faulted in and zeroed), which for resnet18's 47 MB of
 * weights was a fifth of a run. Reading `data` draws and keeps them: the values are the same.
 */
export class DrawnTensor implements Tensor {
  readonly shape: number[];
  /** The mulberry32 state before the first draw. */
  readonly state: number;
  readonly bound: number;
  declare readonly data: Float32Array;

  constructor(shape: readonly number[], state: number, bound: number) {
    this.shape = shape.slice();
    this.state = state >>> 0;
    this.bound = bound;
    let values: Float32Array | null = null;
    // An own, enumerable accessor, so that spreading or structured-cloning the tensor draws it.
    Object.defineProperty(this, 'data', {
      enumerable: true,
      // (In TypeScript, not wasm: a kernel may read `data` while it holds the wasm scratch.)
      get: () => (values ??= drawUniform(numel(this.shape), this.bound, this.state)),
    });
  }

  /**
   * Writes draws [from, from + count) into the wasm memory at float index `at` (inside the
   * caller's reservation; nothing else is touched).
   */
  drawInto(k: WasmKernels, at: number, from = 0, count = numel(this.shape) - from): void {
    let a = (this.state + Math.imul(from, MULBERRY_STEP)) >>> 0;
    // In blocks, so that V8 can switch to its optimised code of fill_uniform between two calls
    // (WebAssembly has no on-stack replacement).
    for (let off = 0; off < count; off += DRAW_BLOCK) {
      a = k.fill_uniform((at + off) * 4, Math.min(DRAW_BLOCK, count - off), a, this.bound);
    }
  }

  /**
   * Draws rows [row0, row0 + rows) of this tensor seen as a matrix of K columns straight into
   * the GEMM's packed layout at float index `at` (c/gemm.c, pack_a_full): a conv's weights,
   * never laid out row by row.
   */
  drawPackedInto(k: WasmKernels, at: number, row0: number, rows: number, K: number): void {
    k.fill_uniform_packed(at * 4, rows, K, (this.state + Math.imul(row0 * K, MULBERRY_STEP)) >>> 0, this.bound);
  }
}
const DRAW_BLOCK = 1 << 16;

/** Fills a new tensor of `shape` with U(−bound, bound) (drawn when read, for long runs of draws). */
export function uniform(shape: readonly number[], bound: number, rng: () => number): Tensor {
  const n = numel(shape);
  const state = prngState.get(rng);
  if (state && n >= 64) {
    const t = new DrawnTensor(shape, state.get(), bound);
    state.set(state.get() + Math.imul(n, MULBERRY_STEP)); // the stream continues after the n draws
    return t;
  }
  const data = new Float32Array(n);
  for (let i = 0; i < data.length; i++) data[i] = (rng() * 2 - 1) * bound;
  return { shape: shape.slice(), data };
}

/** n draws of (u·2 − 1)·bound from a mulberry32 state, as float32: the loop of mulberry32, inlined. */
function drawUniform(n: number, bound: number, state: number): Float32Array {
  const data = new Float32Array(n);
  let a = state >>> 0;
  for (let i = 0; i < n; i++) {
    a = (a + MULBERRY_STEP) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * bound;
  }
  return data;
}

/** fan_in of a weight tensor, as torch computes it: size(1) · ∏ size(2:). */
export function fanIn(weightShape: readonly number[]): number {
  if (weightShape.length < 2) throw new RangeError('fan_in needs a weight with at least 2 axes');
  return numel(weightShape.slice(1));
}

/** kaiming_uniform_ with a = √5 (torch's default for conv and linear weights). */
export function kaimingUniformDefault(weightShape: readonly number[], rng: () => number): Tensor {
  const fan = fanIn(weightShape);
  const a = Math.sqrt(5);
  const gain = Math.sqrt(2 / (1 + a * a));
  const bound = fan > 0 ? Math.sqrt(3) * (gain / Math.sqrt(fan)) : 0;
  return uniform(weightShape, bound, rng);
}

export interface LayerParams {
  weight: Tensor;
  bias: Tensor | null;
}

/** Weight (and bias) for a given weight shape, as reset_parameters() of Conv*d / Linear does. */
export function initWeightAndBias(weightShape: readonly number[], biasSize: number, withBias: boolean, seed: number): LayerParams {
  const rng = mulberry32(seed);
  const weight = kaimingUniformDefault(weightShape, rng);
  const fan = fanIn(weightShape);
  const bias = withBias ? uniform([biasSize], fan > 0 ? 1 / Math.sqrt(fan) : 0, rng) : null;
  return { weight, bias };
}

/** Conv weight [C_out, C_in/groups, k...] and bias [C_out]. */
export function initConv(cOut: number, cIn: number, kernel: readonly number[], groups: number, bias: boolean, seed: number): LayerParams {
  return initWeightAndBias([cOut, cIn / groups, ...kernel], cOut, bias, seed);
}

/** Transposed conv weight [C_in, C_out/groups, k...] and bias [C_out]. */
export function initConvTranspose(cIn: number, cOut: number, kernel: readonly number[], groups: number, bias: boolean, seed: number): LayerParams {
  return initWeightAndBias([cIn, cOut / groups, ...kernel], cOut, bias, seed);
}

/** Linear weight [out, in] and bias [out]. */
export function initLinear(outF: number, inF: number, bias: boolean, seed: number): LayerParams {
  return initWeightAndBias([outF, inF], outF, bias, seed);
}

/** Fresh normalisation layer: γ = 1, β = 0, running mean 0, running var 1. */
export function initNorm(C: number): { weight: Float32Array; bias: Float32Array; mean: Float32Array; var: Float32Array } {
  return { weight: new Float32Array(C).fill(1), bias: new Float32Array(C), mean: new Float32Array(C), var: new Float32Array(C).fill(1) };
}

/** PReLU's default slope 0.25 per parameter. */
export function initPrelu(channels: number): Float32Array {
  return new Float32Array(channels).fill(0.25);
}

/**
 * How layers without trained weights are drawn: 'torch' is PyTorch's default (above; the tests
 * that compare with PyTorch use it), 'scaled' keeps the activations' scale through a deep stack
 * for the preview. torch's default has variance 1/(3·fan_in), so with ReLU-family activations
 * each conv shrinks the signal by about √6 and a 60-layer YOLO's head ends near 1e-9.
 */
export type InitMode = 'torch' | 'scaled';

/**
 * He (Kaiming) uniform with zero bias: U(±√(3·gain/fan)), variance gain/fan. gain 2 keeps the
 * second moment through a conv followed by ReLU (BatchNorm as identity); gain 1 through a conv
 * with no activation after it. `fan` is the number of inputs each output sums.
 */
export function initScaled(weightShape: readonly number[], biasSize: number, withBias: boolean, seed: number, fan = fanIn(weightShape), gain = 2): LayerParams {
  const rng = mulberry32(seed);
  const weight = uniform(weightShape, fan > 0 ? Math.sqrt((3 * gain) / fan) : 0, rng);
  return { weight, bias: withBias ? { shape: [biasSize], data: new Float32Array(biasSize) } : null };
}

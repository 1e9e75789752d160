// Loads the WebAssembly SIMD kernels (c/*.c, embedded as base64 in
// kernelsWasm.generated.ts) and manages their memory. Everything here is synchronous: the
// module is compiled on first use with `new WebAssembly.Module` (fine in a Web Worker and in
// Node; Chromium refuses synchronous compilation of modules over 4 KB on a page's main thread,
// and a CSP without 'wasm-unsafe-eval' refuses it everywhere — in both cases we fall back to
// the pure TypeScript kernels, which compute the same results).
//
// Memory: the kernels work on operands copied into the module's linear memory. Each kernel
// call reserves one region above __heap_base for all of its operands (a bump allocator reset
// per call: the worker is single-threaded and calls never nest), growing the memory when a
// call needs more than ever before; the memory is kept (never shrinks) so steady-state calls
// allocate nothing.

import { KERNELS_WASM_BASE64 } from './kernelsWasm.generated';
import { rememberStats } from '../tensor';

export type KernelBackend = 'wasm' | 'js';

export interface WasmKernels {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  gemm(M: number, N: number, K: number, A: number, lda: number, transA: number, B: number, ldb: number, transB: number, C: number, ldc: number, accumulate: number): void;
  im2col3d(
    x: number, c0: number, nC: number, iD: number, iH: number, iW: number, kD: number, kH: number, kW: number,
    sD: number, sH: number, sW: number, dD: number, dH: number, dW: number, pD: number, pH: number, pW: number,
    oD: number, oH: number, oW: number, col: number,
  ): void;
  pack_a_full(A: number, lda: number, M: number, K: number, P: number): void;
  conv_gemm(M: number, N: number, K: number, PA: number, B: number, ldb: number, C: number, ldc: number, j0: number, j1: number, epilogue: number): void;
  epilogue_rows(epilogue: number, M: number, N: number, C: number, ldc: number): void;
  winograd_weights(w: number, U: number, Cout: number, Cin: number, state: number, bound: number): void;
  winograd_input(x: number, xp: number, V: number, C: number, H: number, W: number, pT: number, pL: number, tH: number, tW: number): void;
  winograd_output(M: number, out: number, Cout: number, tH: number, tW: number, oH: number, oW: number, epilogue: number): void;
  fill_uniform(dst: number, n: number, state: number, bound: number): number;
  fill_uniform_packed(P: number, M: number, K: number, state: number, bound: number): void;
  stats_f32(src: number, n: number): number;
  relu_f32(src: number, dst: number, n: number): void;
  add_f32(a: number, b: number, dst: number, n: number): void;
  affine_channels(src: number, dst: number, C: number, per: number, scale: number, shift: number): void;
  relu6_f32(src: number, dst: number, n: number): void;
  sigmoid_f32(src: number, dst: number, n: number): void;
  silu_f32(src: number, dst: number, n: number): void;
  maxpool3d(
    x: number, out: number, C: number, iD: number, iH: number, iW: number, oD: number, oH: number, oW: number,
    kD: number, kH: number, kW: number, sD: number, sH: number, sW: number, dD: number, dH: number, dW: number,
    pD: number, pH: number, pW: number,
  ): void;
}

/**
 * Below this many elements an element-wise pass stays in TypeScript (copying into and out of
 * the wasm memory costs ~0.2 ns per element, the TS loops ~1 ns; the calls cost ~1 µs).
 */
export const WASM_ELEMENTWISE_MIN = 4096;

let preference: 'auto' | KernelBackend = 'auto';
let loaded: WasmKernels | null | undefined; // undefined: not tried yet
let failure = '';
let heapBase = 0; // byte offset of the first free byte
let f32 = new Float32Array(0); // view of the memory, renewed when it grows

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const g = globalThis as unknown as { Buffer?: { from(s: string, enc: string): Uint8Array }; atob?: (s: string) => string };
  if (g.Buffer) {
    const buf = g.Buffer.from(b64, 'base64');
    const out = new Uint8Array(buf.length);
    out.set(buf);
    return out;
  }
  const bin = g.atob!(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function load(): WasmKernels | null {
  if (loaded !== undefined) return loaded;
  try {
    if (typeof WebAssembly !== 'object') throw new Error('WebAssembly is not available');
    const bytes = decodeBase64(KERNELS_WASM_BASE64);
    // validate() is false when the engine lacks the SIMD (or bulk-memory) proposal.
    if (!WebAssembly.validate(bytes)) throw new Error('WebAssembly SIMD is not supported by this engine');
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const k = instance.exports as unknown as WasmKernels;
    heapBase = (k.__heap_base.value as number + 15) & ~15;
    f32 = new Float32Array(k.memory.buffer);
    loaded = k;
  } catch (err) {
    failure = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    loaded = null;
  }
  return loaded;
}

/** The wasm kernels when they are to be used (preference not 'js' and the module loads), else null. */
export function wasmKernels(): WasmKernels | null {
  return preference === 'js' ? null : load();
}

/**
 * Chooses the kernel implementation: 'auto' (default: wasm when it loads, else TypeScript),
 * 'js' (always the TypeScript kernels) or 'wasm' (throws if WebAssembly SIMD cannot be used).
 */
export function setKernelBackend(b: 'auto' | KernelBackend): void {
  if (b === 'wasm' && !load()) throw new Error(`WebAssembly SIMD kernels unavailable: ${failure}`);
  preference = b;
}

/** Which implementation conv / convTranspose / linear / gemm use right now. */
export function kernelBackend(): KernelBackend {
  return wasmKernels() ? 'wasm' : 'js';
}

/** Why the wasm kernels could not be loaded ('' if they loaded or were never tried). */
export function wasmUnavailableReason(): string {
  load();
  return failure;
}

/**
 * Reserves `floats` float32 slots for one kernel call and returns the float index where they
 * start (16-byte aligned), or -1 when the memory cannot grow that far or the operands pass
 * 2 GiB (the caller then uses the TypeScript kernels). Invalidates earlier reservations.
 */
export function reserve(k: WasmKernels, floats: number): number {
  const need = heapBase + floats * 4;
  const mem = k.memory;
  if (need > mem.buffer.byteLength) {
    // Stay below 2 GiB: the C kernels index with 32-bit signed ints.
    if (need > 2 ** 31) return -1;
    try {
      mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
    } catch {
      return -1;
    }
  }
  return heapBase >> 2;
}

/** The current Float32Array view of the wasm memory (renewed after the memory grew). */
export function heap(k: WasmKernels): Float32Array {
  if (f32.buffer !== k.memory.buffer) f32 = new Float32Array(k.memory.buffer);
  return f32;
}

/** Rounds a float count up to a multiple of 4 (keeps each operand 16-byte aligned). */
export const align4 = (n: number): number => (n + 3) & ~3;

/**
 * One reservation (see reserve) cut into consecutive 16-byte aligned regions of the given float
 * counts: their float indices, or null when the memory cannot hold them.
 */
export function regions(k: WasmKernels, ...floats: number[]): number[] | null {
  const base = reserve(k, floats.reduce((s, n) => s + align4(n), 0));
  if (base < 0) return null;
  let at = base;
  return floats.map((n) => {
    const p = at;
    at += align4(n);
    return p;
  });
}

// Output buffers handed back by the runtime once nothing reads them (recycle), reused for
// kernel outputs of the same length. A fresh multi-megabyte ArrayBuffer is expensive: every page
// is faulted in and zeroed (~0.4 ms per MB in a Chromium worker; on this project's VM a fresh
// 0.8 MB buffer in Node took 2.8–41 ms, a reused one 0.07 ms).
const spare = new Map<number, Float32Array[]>();
let spareBytes = 0;
const MAX_SPARE_BYTES = 256 << 20; // resnet50's outputs, every stage kept: ~130 MB
let reusedCount = 0;

/** How many outputs went into kept buffers since the last call (the preview reports it per run). */
export function takeReusedCount(): number {
  const n = reusedCount;
  reusedCount = 0;
  return n;
}

/** Drops the kept buffers (e.g. a previous network's, whose sizes may never come again). */
export function forgetSpares(): void {
  spare.clear();
  spareBytes = 0;
}

/** Keeps a whole, unshared buffer that nobody reads any more for a later output of its length. */
export function recycle(data: Float32Array): void {
  if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength || data.byteLength === 0) return;
  if (spareBytes + data.byteLength > MAX_SPARE_BYTES) return;
  const list = spare.get(data.length) ?? [];
  list.push(data);
  spare.set(data.length, list);
  spareBytes += data.byteLength;
}

/** The n floats at float index p in a recycled buffer, else in a new one (slice: no zeroing). */
function copyOut(k: WasmKernels, p: number, n: number): Float32Array {
  const b = spare.get(n)?.pop();
  if (!b) return heap(k).slice(p, p + n);
  spareBytes -= b.byteLength;
  reusedCount++;
  b.set(heap(k).subarray(p, p + n));
  return b;
}

/**
 * A kernel's output: the n floats at float index p copied out of the wasm memory, with their
 * min / max / mean computed on the way while they are still in the cache (the preview shows them
 * for every layer; stats() then needs no second pass over a copy). The output must be final.
 */
export function takeOutput(k: WasmKernels, p: number, n: number): Float32Array {
  const out = copyOut(k, p, n);
  if (n > 0) {
    const at = k.stats_f32(p * 4, n);
    const s = new Float64Array(k.memory.buffer, at, 3);
    rememberStats(out, { min: s[0], max: s[1], mean: s[2] / n });
  }
  return out;
}

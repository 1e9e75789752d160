// Matrix multiply C = A·B (+ C) over Float32Array, the workhorse behind conv, transposed conv
// and linear layers.
//
// Why it is written this way: a naive triple loop streams the whole of B from main memory once
// per row of A, which is slow for conv-sized matrices (B = im2col, often tens of MB). Here we
// follow the classic GotoBLAS/BLIS scheme, simplified:
//   1. cut K and N into blocks so a block of B stays in cache while it is reused,
//   2. copy ("pack") the blocks of A and B into small contiguous strips (MR rows / NR columns,
//      interleaved along k) so the innermost loop reads memory strictly sequentially,
//   3. a micro-kernel computes an MR×NR tile of C in local variables (registers), so each value
//      loaded from A or B is used NR or MR times.
// Accumulation is in float64 (JS numbers), which is both free and more accurate than float32.
// The pack buffers are module-level and reused between calls (no allocation per call).
//
// When WebAssembly SIMD is available, `gemm` runs the same scheme in wasm/c/gemm.c instead
// (f32x4, a 4×8 micro-kernel, float32 accumulation blocked by depth; see wasm/backend.ts);
// this file's TypeScript is the fallback, also selectable with setKernelBackend('js').

import { wasmKernels, reserve, heap, align4, WasmKernels } from './wasm/backend';

const MR = 4; // rows of C per micro-tile
const NR = 4; // columns of C per micro-tile
const KC = 256; // depth of a packed block
const MC = 64; // rows of A packed at a time (MC*KC floats = 64 KB, fits L2)
const NC = 2048; // columns of B packed at a time (KC*NC floats = 2 MB)

let packA = new Float32Array(MC * KC);
let packB = new Float32Array(KC * NC);

/** Matrix view: data[off + i*ld + j] is element (i, j). */
export interface MatView {
  data: Float32Array;
  off: number;
  ld: number;
}

/**
 * C[M×N] = A[M×K]·B[K×N], or C += A·B when `accumulate` is true.
 * All three are row-major views with leading dimensions (row strides) lda, ldb, ldc.
 */
export function gemm(M: number, N: number, K: number, A: MatView, B: MatView, C: MatView, accumulate = false): void {
  const k = wasmKernels();
  if (k && M > 0 && N > 0 && gemmWasm(k, M, N, K, A, B, C, accumulate)) return;
  gemmJs(M, N, K, A, B, C, accumulate);
}

/** Copies the rows×cols matrix `v` into the heap at float index `dst` (leading dimension cols). */
function copyIn(h: Float32Array, dst: number, v: MatView, rows: number, cols: number): void {
  if (v.ld === cols) h.set(v.data.subarray(v.off, v.off + rows * cols), dst);
  else for (let i = 0; i < rows; i++) h.set(v.data.subarray(v.off + i * v.ld, v.off + i * v.ld + cols), dst + i * cols);
}

/** gemm in wasm: copies A, B (and C when accumulating) in, C out. False if memory is short. */
function gemmWasm(k: WasmKernels, M: number, N: number, K: number, A: MatView, B: MatView, C: MatView, accumulate: boolean): boolean {
  const base = reserve(k, align4(M * K) + align4(K * N) + align4(M * N));
  if (base < 0) return false;
  const pA = base, pB = pA + align4(M * K), pC = pB + align4(K * N);
  const h = heap(k);
  copyIn(h, pA, A, M, K);
  copyIn(h, pB, B, K, N);
  if (accumulate) copyIn(h, pC, C, M, N);
  k.gemm(M, N, K, pA * 4, K, 0, pB * 4, N, 0, pC * 4, N, accumulate ? 1 : 0);
  if (C.ld === N) C.data.set(h.subarray(pC, pC + M * N), C.off);
  else for (let i = 0; i < M; i++) C.data.set(h.subarray(pC + i * N, pC + (i + 1) * N), C.off + i * C.ld);
  return true;
}

/** The pure TypeScript gemm (float64 accumulation), used when WebAssembly SIMD is unavailable. */
export function gemmJs(M: number, N: number, K: number, A: MatView, B: MatView, C: MatView, accumulate = false): void {
  const c = C.data;
  if (!accumulate) {
    for (let i = 0; i < M; i++) c.fill(0, C.off + i * C.ld, C.off + i * C.ld + N);
  }
  if (M === 0 || N === 0 || K === 0) return;
  if (M < MR) {
    // A few rows only (e.g. depthwise conv has one output channel per group): packing would
    // waste most of each micro-tile, so do row-by-row axpy updates instead.
    gemmSmallM(M, N, K, A, B, C);
    return;
  }
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packBlockB(B, pc, jc, kc, nc);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packBlockA(A, ic, pc, mc, kc);
        macroKernel(mc, nc, kc, C, ic, jc);
      }
    }
  }
}

/** Copies B[pc:pc+kc, jc:jc+nc] into NR-wide strips: strip s holds (k, j) at s*kc*NR + k*NR + j. */
function packBlockB(B: MatView, pc: number, jc: number, kc: number, nc: number): void {
  const need = kc * Math.ceil(nc / NR) * NR;
  if (packB.length < need) packB = new Float32Array(need);
  const pb = packB;
  const b = B.data;
  const ldb = B.ld;
  let dst = 0;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = Math.min(NR, nc - j0);
    let src = B.off + pc * ldb + jc + j0;
    if (w === NR) {
      for (let k = 0; k < kc; k++, src += ldb, dst += NR) {
        pb[dst] = b[src];
        pb[dst + 1] = b[src + 1];
        pb[dst + 2] = b[src + 2];
        pb[dst + 3] = b[src + 3];
      }
    } else {
      // Ragged right edge: pad the strip with zeros so the micro-kernel needs no special case.
      for (let k = 0; k < kc; k++, src += ldb, dst += NR) {
        for (let j = 0; j < NR; j++) pb[dst + j] = j < w ? b[src + j] : 0;
      }
    }
  }
}

/** Copies A[ic:ic+mc, pc:pc+kc] into MR-tall strips: strip s holds (i, k) at s*kc*MR + k*MR + i. */
function packBlockA(A: MatView, ic: number, pc: number, mc: number, kc: number): void {
  const need = kc * Math.ceil(mc / MR) * MR;
  if (packA.length < need) packA = new Float32Array(need);
  const pa = packA;
  const a = A.data;
  const lda = A.ld;
  let dst = 0;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const h = Math.min(MR, mc - i0);
    const r0 = A.off + (ic + i0) * lda + pc;
    if (h === MR) {
      const r1 = r0 + lda;
      const r2 = r1 + lda;
      const r3 = r2 + lda;
      for (let k = 0; k < kc; k++, dst += MR) {
        pa[dst] = a[r0 + k];
        pa[dst + 1] = a[r1 + k];
        pa[dst + 2] = a[r2 + k];
        pa[dst + 3] = a[r3 + k];
      }
    } else {
      for (let k = 0; k < kc; k++, dst += MR) {
        for (let i = 0; i < MR; i++) pa[dst + i] = i < h ? a[r0 + i * lda + k] : 0;
      }
    }
  }
}

/** Runs the 4×4 micro-kernel over every tile of the packed block and adds the tiles into C. */
function macroKernel(mc: number, nc: number, kc: number, C: MatView, ic: number, jc: number): void {
  const pa = packA;
  const pb = packB;
  const c = C.data;
  const ldc = C.ld;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const bBase = (j0 / NR) * kc * NR;
    const w = Math.min(NR, nc - j0);
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const aBase = (i0 / MR) * kc * MR;
      const h = Math.min(MR, mc - i0);
      // 16 accumulators for the 4×4 tile of C.
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let ai = aBase;
      let bi = bBase;
      for (let k = 0; k < kc; k++, ai += MR, bi += NR) {
        const a0 = pa[ai], a1 = pa[ai + 1], a2 = pa[ai + 2], a3 = pa[ai + 3];
        const b0 = pb[bi], b1 = pb[bi + 1], b2 = pb[bi + 2], b3 = pb[bi + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const r = C.off + (ic + i0) * ldc + jc + j0;
      if (h === MR && w === NR) {
        c[r] += c00; c[r + 1] += c01; c[r + 2] += c02; c[r + 3] += c03;
        const r1 = r + ldc;
        c[r1] += c10; c[r1 + 1] += c11; c[r1 + 2] += c12; c[r1 + 3] += c13;
        const r2 = r1 + ldc;
        c[r2] += c20; c[r2 + 1] += c21; c[r2 + 2] += c22; c[r2 + 3] += c23;
        const r3 = r2 + ldc;
        c[r3] += c30; c[r3 + 1] += c31; c[r3 + 2] += c32; c[r3 + 3] += c33;
      } else {
        // Edge tile: write back only the rows/columns that exist.
        const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) c[r + i * ldc + j] += tile[i * NR + j];
      }
    }
  }
}

/**
 * C += A·B for M < MR: for each row of C, add A[i,k] times row k of B (sequential access),
 * summing in a float64 row buffer (a float32 row would round at every step of a long dot product).
 */
let rowAcc = new Float64Array(0);
function gemmSmallM(M: number, N: number, K: number, A: MatView, B: MatView, C: MatView): void {
  const a = A.data, b = B.data, c = C.data;
  if (rowAcc.length < N) rowAcc = new Float64Array(N);
  const acc = rowAcc;
  for (let i = 0; i < M; i++) {
    const cr = C.off + i * C.ld;
    for (let j = 0; j < N; j++) acc[j] = c[cr + j];
    for (let k = 0; k < K; k++) {
      const aik = a[A.off + i * A.ld + k];
      const br = B.off + k * B.ld;
      for (let j = 0; j < N; j++) acc[j] += aik * b[br + j];
    }
    for (let j = 0; j < N; j++) c[cr + j] = acc[j];
  }
}

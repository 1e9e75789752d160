// Shared by the WebAssembly SIMD kernels (128-bit, f32x4): every .c file here is compiled into
// one module by scripts/build-wasm.mjs, embedded in ../kernelsWasm.generated.ts; the TypeScript
// in ../../*.ts drives them and falls back to pure TypeScript when WebAssembly SIMD is missing.
//
// The module exports its memory. The TypeScript side owns everything above __heap_base (it
// places each call's operands there and grows the memory when needed, ../backend.ts); the
// packing buffers of gemm.c are static (.bss), so the binary stays small.
#ifndef CONVLENS_KERNELS_H
#define CONVLENS_KERNELS_H

#include <wasm_simd128.h>

typedef unsigned int u32;

#define EXPORT(name) __attribute__((export_name(#name)))

// The packed layout of a GEMM's left operand (gemm.c's pack_a_full; init.c and winograd.c
// write weights straight into it): depth blocks of KC, rows in strips of MR.
#define MR 4
#define KC 256

// The outputs ow (0 ≤ ow < oW) whose input position iw = ow·s + off lies inside 0 ≤ iw < n are
// lo ≤ ow < hi (an empty range has lo = hi): the hot loops then need no bounds test.
static inline void inside_range(int off, int s, int n, int oW, int *lo, int *hi) {
  int a = off < 0 ? (-off + s - 1) / s : 0;
  int b = n - 1 - off >= 0 ? (n - 1 - off) / s + 1 : 0;
  if (a > oW) a = oW;
  if (b > oW) b = oW;
  *lo = a;
  *hi = b < a ? a : b;
}

// Element-wise steps shared by elementwise.c and the epilogue, with the numbers of the TypeScript
// loops (../../norm.ts, ../../elementwise.ts).

/** float32(v·scale + shift) computed in float64, four lanes. */
static inline v128_t affine4(v128_t v, v128_t sc, v128_t sh) {
  v128_t lo = wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(v), sc), sh);
  v128_t hi = wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 2, 3)), sc), sh);
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** relu keeping NaN: v > 0 or v ≠ v keeps v, else +0 (so −0 becomes +0). */
static inline v128_t relu4(v128_t v) {
  v128_t keep = wasm_v128_or(wasm_f32x4_gt(v, wasm_f32x4_splat(0.0f)), wasm_f32x4_ne(v, v));
  return wasm_v128_and(v, keep);
}

static inline float relu1(float v) { return v > 0.0f ? v : v != v ? v : 0.0f; }

#endif

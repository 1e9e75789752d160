#include "kernels.h"

// Parameter initialisation: draws of mulberry32, each stored as (u/2^32·2 − 1)·bound rounded
// to float32 — bit for bit what ../../init.ts computes in JS. mulberry32's state only advances by
// a constant, so draw n (from 0) of a stream whose state is s hashes s + (n+1)·step: four draws
// are hashed at once in i32x4 lanes, and draws can be made in any order.
//
// The float64 arithmetic is the same as JS's: with t = u − 2³¹ (exact, a signed 32-bit integer),
// u/2³²·2 − 1 = t·2⁻³¹ exactly, so (u/2³²·2 − 1)·bound and t·(bound·2⁻³¹) are the same real
// number (bound·2⁻³¹ is exact) and round to the same float64; then one rounding to float32.
// The signed form converts with one instruction (cvtdq2pd) where the unsigned one takes several.

#define STEP 0x6d2b79f5u

static inline v128_t mulberry_hash(v128_t t) {
  t = wasm_i32x4_mul(wasm_v128_xor(t, wasm_u32x4_shr(t, 15)), wasm_v128_or(t, wasm_i32x4_splat(1)));
  t = wasm_v128_xor(t, wasm_i32x4_add(t, wasm_i32x4_mul(wasm_v128_xor(t, wasm_u32x4_shr(t, 7)), wasm_v128_or(t, wasm_i32x4_splat(61)))));
  return wasm_v128_xor(t, wasm_u32x4_shr(t, 14));
}

/** The draws for the four hashed states in `a`, as float32 lanes. */
static inline v128_t draw4(v128_t a, v128_t scaled_bound) {
  v128_t t = wasm_v128_xor(mulberry_hash(a), wasm_i32x4_splat((int)0x80000000u)); // u − 2³¹
  v128_t lo = wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(t), scaled_bound);
  v128_t hi = wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(t, t, 2, 3, 2, 3)), scaled_bound);
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5);
}

static inline float draw1(u32 a, double bound) {
  u32 t = a;
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + (t ^ (t >> 7)) * (t | 61u);
  double u = (double)(t ^ (t >> 14)) / 4294967296.0;
  return (float)((u * 2.0 - 1.0) * bound);
}

/** n draws from `state` into dst; returns the state after the last draw. */
EXPORT(fill_uniform)
u32 fill_uniform(float *dst, int n, u32 state, double bound) {
  const v128_t sb = wasm_f64x2_splat(bound * (1.0 / 2147483648.0));
  const v128_t step4 = wasm_i32x4_splat((int)(4 * STEP)), step8 = wasm_i32x4_splat((int)(8 * STEP));
  v128_t a = wasm_i32x4_make(state + STEP, state + 2 * STEP, state + 3 * STEP, state + 4 * STEP);
  int i = 0;
  // Two independent hashes per step: 17% faster than one (their multiplies overlap).
  for (; i + 8 <= n; i += 8, a = wasm_i32x4_add(a, step8)) {
    wasm_v128_store(dst + i, draw4(a, sb));
    wasm_v128_store(dst + i + 4, draw4(wasm_i32x4_add(a, step4), sb));
  }
  for (; i + 4 <= n; i += 4, a = wasm_i32x4_add(a, step4)) wasm_v128_store(dst + i, draw4(a, sb));
  state += (u32)i * STEP;
  for (; i < n; i++) dst[i] = draw1(state += STEP, bound);
  return state;
}

/**
 * The M×K matrix whose (i, k) is draw i·K + k from `state` (a weight [M, K] drawn row by row),
 * written straight into the packed layout of gemm.c's pack_a_full (rows past M are zeros).
 */
EXPORT(fill_uniform_packed)
void fill_uniform_packed(float *P, int M, int K, u32 state, double bound) {
  const v128_t sb = wasm_f64x2_splat(bound * (1.0 / 2147483648.0));
  const v128_t step = wasm_i32x4_splat((int)STEP), step2 = wasm_i32x4_splat((int)(2 * STEP));
  float *dst = P;
  for (int pc = 0; pc < K; pc += KC) {
    int kc = K - pc < KC ? K - pc : KC;
    for (int i0 = 0; i0 < M; i0 += MR) {
      // Lane l draws row i0 + l: state + ((i0 + l)·K + k + 1)·step at depth k.
      u32 s0 = state + ((u32)i0 * (u32)K + (u32)pc + 1u) * STEP;
      u32 rs = (u32)K * STEP;
      v128_t a = wasm_i32x4_make(s0, s0 + rs, s0 + 2 * rs, s0 + 3 * rs);
      int h = M - i0 < MR ? M - i0 : MR;
      v128_t keep = wasm_i32x4_gt(wasm_i32x4_splat(h), wasm_i32x4_make(0, 1, 2, 3));
      int k = 0;
      for (; k + 2 <= kc; k += 2, dst += 2 * MR, a = wasm_i32x4_add(a, step2)) {
        wasm_v128_store(dst, wasm_v128_and(draw4(a, sb), keep));
        wasm_v128_store(dst + MR, wasm_v128_and(draw4(wasm_i32x4_add(a, step), sb), keep));
      }
      for (; k < kc; k++, dst += MR, a = wasm_i32x4_add(a, step)) wasm_v128_store(dst, wasm_v128_and(draw4(a, sb), keep));
    }
  }
}

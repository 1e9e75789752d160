// Drawing parameters in wasm (init.c, winograd.c).
#ifndef CONVLENS_DRAW_H
#define CONVLENS_DRAW_H

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

/**
 * The states of draw row·K + k for rows row0 … row0+3 of a matrix with K columns drawn row by
 * row (a weight [rows, K]), one per lane; the next column's are these plus STEP.
 */
static inline v128_t row_states(u32 state, int row0, int K, int k) {
  u32 s0 = state + ((u32)row0 * (u32)K + (u32)k + 1u) * STEP, rs = (u32)K * STEP;
  return wasm_i32x4_make(s0, s0 + rs, s0 + 2 * rs, s0 + 3 * rs);
}

static inline float draw1(u32 a, double bound) {
  u32 t = a;
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + (t ^ (t >> 7)) * (t | 61u);
  double u = (double)(t ^ (t >> 14)) / 4294967296.0;
  return (float)((u * 2.0 - 1.0) * bound);
}

#endif

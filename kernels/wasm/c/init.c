#include "kernels.h"

// Parameter initialisation: n draws of mulberry32 from `state`, each stored as
// (u/2^32·2 − 1)·bound rounded to float32 — bit for bit what ../init.ts computes in JS.
// Returns the PRNG state after the last draw. mulberry32's state only advances by a constant,
// so four draws are hashed at once in i32x4 lanes; the float64 arithmetic is the same
// (u·2⁻³¹ − 1 is exact, then one rounding for ·bound and one to float32).

static inline v128_t mulberry_hash(v128_t t) {
  t = wasm_i32x4_mul(wasm_v128_xor(t, wasm_u32x4_shr(t, 15)), wasm_v128_or(t, wasm_i32x4_splat(1)));
  t = wasm_v128_xor(t, wasm_i32x4_add(t, wasm_i32x4_mul(wasm_v128_xor(t, wasm_u32x4_shr(t, 7)), wasm_v128_or(t, wasm_i32x4_splat(61)))));
  return wasm_v128_xor(t, wasm_u32x4_shr(t, 14));
}

EXPORT(fill_uniform)
u32 fill_uniform(float *dst, int n, u32 state, double bound) {
  const u32 step = 0x6d2b79f5u;
  int i = 0;
  if (n >= 4) {
    v128_t a = wasm_i32x4_make(state + step, state + 2 * step, state + 3 * step, state + 4 * step);
    const v128_t step4 = wasm_i32x4_splat(4 * step);
    const v128_t scale = wasm_f64x2_splat(1.0 / 2147483648.0), one = wasm_f64x2_splat(1.0);
    const v128_t bnd = wasm_f64x2_splat(bound);
    for (; i + 4 <= n; i += 4, a = wasm_i32x4_add(a, step4)) {
      v128_t u = mulberry_hash(a);
      v128_t lo = wasm_f64x2_convert_low_u32x4(u);
      v128_t hi = wasm_f64x2_convert_low_u32x4(wasm_i32x4_shuffle(u, u, 2, 3, 2, 3));
      lo = wasm_f64x2_mul(wasm_f64x2_sub(wasm_f64x2_mul(lo, scale), one), bnd);
      hi = wasm_f64x2_mul(wasm_f64x2_sub(wasm_f64x2_mul(hi, scale), one), bnd);
      wasm_v128_store(dst + i, wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5));
    }
    state += (u32)i * step;
  }
  for (; i < n; i++) {
    state += step;
    u32 t = state;
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    double u = (double)(t ^ (t >> 14)) / 4294967296.0;
    dst[i] = (float)((u * 2.0 - 1.0) * bound);
  }
  return state;
}

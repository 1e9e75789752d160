#include "kernels.h"

// The logistic sigmoid and SiLU (x·sigmoid(x), every Conv of a YOLO model), two lanes at a time
// in float64 as ../../elementwise.ts computes them: t = e^−|v|, then sigmoid = 1/(1 + t) for
// v ≥ 0 and t/(1 + t) below, rounded to float32 at the end. WebAssembly has no exp, and the
// TypeScript loop calling Math.exp was ~40% of a YOLO run.
//
// exp here: e^x = 2ⁿ·e^r with n = round(x/ln 2) and r = x − n·ln 2 (ln 2 in two parts, so r is
// exact to ~1e-19), |r| ≤ ln2/2, e^r by its Taylor series to r¹³/13! (truncation ~4e-18; with
// rounding, about one float64 ulp, as Math.exp). The results are rounded to float32, so they
// equal the TypeScript loop's unless the two float64 values straddle a float32 rounding
// boundary (~1 in 2²⁸ values; then they are one float32 ulp apart).

/** e^x for x ≤ 0 (both lanes); 0 where 2ⁿ would be subnormal (x < −708), where the float32 results
 *  are ±0 either way. */
static inline v128_t exp_nonpositive(v128_t x) {
  const v128_t log2e = wasm_f64x2_splat(1.4426950408889634);
  const v128_t ln2hi = wasm_f64x2_splat(6.93147180369123816490e-01), ln2lo = wasm_f64x2_splat(1.90821492927058770002e-10);
  const v128_t lo = wasm_f64x2_splat(-708.0);
  v128_t tiny = wasm_f64x2_lt(x, lo); // also −∞
  x = wasm_f64x2_max(x, lo);
  v128_t n = wasm_f64x2_nearest(wasm_f64x2_mul(x, log2e));
  v128_t r = wasm_f64x2_sub(wasm_f64x2_sub(x, wasm_f64x2_mul(n, ln2hi)), wasm_f64x2_mul(n, ln2lo));
  // The series' 14 terms by Estrin's scheme (pairs, then pairs of pairs…): four levels of
  // multiply-adds instead of Horner's chain of 13, which kept the loop waiting on latency.
#define C(k) wasm_f64x2_splat(k)
#define MA(a, b, x) wasm_f64x2_add(a, wasm_f64x2_mul(b, x))
  v128_t r2 = wasm_f64x2_mul(r, r), r4 = wasm_f64x2_mul(r2, r2), r8 = wasm_f64x2_mul(r4, r4);
  v128_t q0 = MA(C(1.0), C(1.0), r), q1 = MA(C(1.0 / 2), C(1.0 / 6), r), q2 = MA(C(1.0 / 24), C(1.0 / 120), r);
  v128_t q3 = MA(C(1.0 / 720), C(1.0 / 5040), r), q4 = MA(C(1.0 / 40320), C(1.0 / 362880), r);
  v128_t q5 = MA(C(1.0 / 3628800), C(1.0 / 39916800), r), q6 = MA(C(1.0 / 479001600), C(1.0 / 6227020800.0), r);
  v128_t u0 = MA(MA(q0, q1, r2), MA(q2, q3, r2), r4), u1 = MA(MA(q4, q5, r2), q6, r4);
  v128_t p = MA(u0, u1, r8);
#undef MA
#undef C
  // 2ⁿ from its exponent bits (n ≥ −1021 here).
  v128_t ni = wasm_i64x2_extend_low_i32x4(wasm_i32x4_trunc_sat_f64x2_zero(n));
  v128_t scale = wasm_i64x2_shl(wasm_i64x2_add(ni, wasm_i64x2_splat(1023)), 52);
  return wasm_v128_andnot(wasm_f64x2_mul(p, scale), tiny);
}

/** sigmoid of two float64 lanes holding float32 values (NaN stays NaN). */
static inline v128_t sigmoid2(v128_t v) {
  const v128_t one = wasm_f64x2_splat(1.0);
  v128_t t = exp_nonpositive(wasm_f64x2_neg(wasm_f64x2_abs(v)));
  // 1/(1 + t) for v ≥ 0, t/(1 + t) below: one division.
  v128_t s = wasm_f64x2_div(wasm_v128_bitselect(one, t, wasm_f64x2_ge(v, wasm_f64x2_splat(0.0))), wasm_f64x2_add(one, t));
  return wasm_v128_bitselect(v, s, wasm_f64x2_ne(v, v));
}

/** Four float32 lanes as two pairs of float64. */
static inline void widen(v128_t v, v128_t *a, v128_t *b) {
  *a = wasm_f64x2_promote_low_f32x4(v);
  *b = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 2, 3));
}

static inline v128_t narrow(v128_t a, v128_t b) {
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(a), wasm_f32x4_demote_f64x2_zero(b), 0, 1, 4, 5);
}

/** dst = sigmoid(src), or src·sigmoid(src) with silu (the product in float64, as the TypeScript loop). */
static inline void logistic(const float *src, float *dst, int n, int silu) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t a, b;
    widen(wasm_v128_load(src + i), &a, &b);
    v128_t sa = sigmoid2(a), sb = sigmoid2(b);
    wasm_v128_store(dst + i, silu ? narrow(wasm_f64x2_mul(a, sa), wasm_f64x2_mul(b, sb)) : narrow(sa, sb));
  }
  for (; i < n; i++) {
    v128_t v = wasm_f64x2_splat((double)src[i]), s = sigmoid2(v);
    dst[i] = (float)wasm_f64x2_extract_lane(silu ? wasm_f64x2_mul(v, s) : s, 0);
  }
}

EXPORT(sigmoid_f32)
void sigmoid_f32(const float *src, float *dst, int n) { logistic(src, dst, n, 0); }

EXPORT(silu_f32)
void silu_f32(const float *src, float *dst, int n) { logistic(src, dst, n, 1); }

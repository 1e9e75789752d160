#include "kernels.h"

// Element-wise passes of every residual block (bit-identical to the TypeScript loops in
// ../../elementwise.ts and ../../norm.ts; in place when dst == src).

/**
 * min, max and sum of n floats into statsOut (the preview shows them for every layer): min and
 * max skip NaN like the TypeScript loop (`if (v < min) min = v`); the sum is four float64
 * partial sums, one per element index mod 4, added in the same order as ../../tensor.ts stats().
 */
static double statsOut[3];
EXPORT(stats_f32)
double *stats_f32(const float *src, int n) {
  v128_t mn = wasm_f32x4_splat(__builtin_inff()), mx = wasm_f32x4_splat(-__builtin_inff());
  v128_t s01 = wasm_f64x2_splat(0.0), s23 = s01;
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(src + i);
    mn = wasm_f32x4_pmin(mn, v); // v < mn ? v : mn
    mx = wasm_f32x4_pmax(mx, v); // mx < v ? v : mx
    s01 = wasm_f64x2_add(s01, wasm_f64x2_promote_low_f32x4(v));
    s23 = wasm_f64x2_add(s23, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 2, 3)));
  }
  float lo = __builtin_inff(), hi = -__builtin_inff();
  for (int l = 0; l < 4; l++) {
    float a = ((float *)&mn)[l], b = ((float *)&mx)[l];
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  }
  double s0 = wasm_f64x2_extract_lane(s01, 0), s1 = wasm_f64x2_extract_lane(s01, 1);
  double s2 = wasm_f64x2_extract_lane(s23, 0), s3 = wasm_f64x2_extract_lane(s23, 1);
  for (; i < n; i++) {
    float v = src[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    s0 += v;
  }
  statsOut[0] = lo;
  statsOut[1] = hi;
  statsOut[2] = s0 + s1 + s2 + s3;
  return statsOut;
}

/** dst = relu(src): NaN stays NaN, −0 becomes +0 (as `v > 0 ? v : v !== v ? v : 0`). */
EXPORT(relu_f32)
void relu_f32(const float *src, float *dst, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, relu4(wasm_v128_load(src + i)));
  for (; i < n; i++) dst[i] = relu1(src[i]);
}

/** dst = a + b (a float32 sum; JS's float64 sum rounded to float32 is the same number). */
EXPORT(add_f32)
void add_f32(const float *a, const float *b, float *dst, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  for (; i < n; i++) dst[i] = a[i] + b[i];
}

/** dst[c, i] = float32(src[c, i]·scale[c] + shift[c]) in float64, per channel (batchnorm). */
EXPORT(affine_channels)
void affine_channels(const float *src, float *dst, int C, int per, const double *scale, const double *shift) {
  for (int c = 0; c < C; c++) {
    const float *s = src + (long)c * per;
    float *d = dst + (long)c * per;
    v128_t sc = wasm_f64x2_splat(scale[c]), sh = wasm_f64x2_splat(shift[c]);
    int i = 0;
    for (; i + 4 <= per; i += 4) wasm_v128_store(d + i, affine4(wasm_v128_load(s + i), sc, sh));
    for (; i < per; i++) d[i] = (float)((double)s[i] * scale[c] + shift[c]);
  }
}

/** dst = relu6(src) = min(max(v, 0), 6), NaN stays NaN, −0 becomes +0 (as ../../elementwise.ts). */
EXPORT(relu6_f32)
void relu6_f32(const float *src, float *dst, int n) {
  const v128_t zero = wasm_f32x4_splat(0.0f), six = wasm_f32x4_splat(6.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(src + i);
    v128_t r = wasm_f32x4_min(wasm_f32x4_max(v, zero), six);
    wasm_v128_store(dst + i, wasm_v128_bitselect(v, r, wasm_f32x4_ne(v, v)));
  }
  for (; i < n; i++) {
    float v = src[i];
    dst[i] = v != v ? v : v > 6.0f ? 6.0f : v > 0.0f ? v : 0.0f;
  }
}

